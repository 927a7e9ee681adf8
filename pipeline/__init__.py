"""isnad orchestration: building the spaCy pipeline, reading inputs, writing tables."""
import sys as _sys


DRIVER_ENV = "ISNAD_DRIVER_PID"


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the process that started it dies, even by
    ``kill -9`` (``PR_SET_PDEATHSIG``).  Set in a pool worker before anything else is
    imported: a worker spends its first seconds importing spaCy and building the
    pipeline, and a driver killed then used to leave its workers (and, through them,
    the resource tracker) alive for minutes."""
    try:
        import ctypes
        import os
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        # the driver may have died before the signal was armed: it names itself in
        # ISNAD_DRIVER_PID (pipeline.pool_engine.PoolEngine) for its workers to check
        driver = os.environ.get(DRIVER_ENV)
        if driver and os.getppid() != int(driver):
            os._exit(1)
    except (OSError, AttributeError, ValueError):
        pass


def _spawned_child() -> bool:
    """Are we a multiprocessing "spawn" child being prepared?  It imports the parent's
    __main__ (run.py or the `isnad` script), and so this package, before anything else
    of isnad's, while ``current_process()._inheriting`` is set (multiprocessing.spawn._main)."""
    mp = _sys.modules.get("multiprocessing.process")
    return mp is not None and bool(getattr(mp.current_process(), "_inheriting", False))


def _leave_ctrl_c_to_the_driver() -> None:
    """Ctrl-C at a terminal sends SIGINT to every process of the foreground group, the
    workers too: each printed a KeyboardInterrupt traceback from wherever it was (often
    still importing spaCy).  The driver alone handles it: it ends the workers
    (:meth:`pipeline.pool_engine.PoolEngine.abort`) and records the run as interrupted."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # the driver spawns workers with SIGINT blocked (PoolEngine._submit): a Ctrl-C that came
    # while this process was starting is pending, and is dropped now that it is ignored
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


if _spawned_child():
    _die_with_parent()
    _leave_ctrl_c_to_the_driver()

__version__ = "0.1.0"

# spaCy's thinc imports torch whenever it is installed (it is, with the optional
# ``[stanza]`` extra): 2-3 s per run and the rule pipeline never uses it.  Let thinc
# see no torch; the stanza backend still imports torch itself when selected.
if "thinc.compat" not in _sys.modules and "torch" not in _sys.modules:
    _sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import thinc.compat  # noqa: F401
    finally:
        del _sys.modules["torch"]
