"""The local engine: a pool of spawned worker processes (``--workers N``), each loading
the pipeline once (:func:`pipeline.engines.init_worker`) and running
:func:`pipeline.engines.process_task` on the batches; and how it is stopped — at the
end of a run, or at once on Ctrl-C or a failure (:meth:`PoolEngine.abort`), every wait
bounded.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Iterable, Iterator

from .engines import Result, Task, init_worker, process_task

RECYCLE_AFTER = 12  # batches a pool worker runs before a fresh one replaces it (RSS stays flat)
ABORT_SECONDS = 5.0  # each wait of an abort: for SIGTERM to end the workers, SIGKILL, the pool's thread
CLOSE_SECONDS = 60.0  # a run's end: for the idle workers to exit when told to, before an abort
WATCH_SECONDS = 5.0  # how often a run that waits for its batches checks that no worker died unnoticed


class _HeldSigint:
    """SIGINT noted, not acted on, inside the block (main thread only); the handler it
    replaced runs on the way out: KeyboardInterrupt, once the block's work is whole."""

    def __enter__(self):
        self.got = False
        self.old = None
        if threading.current_thread() is threading.main_thread():
            self.old = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum, frame) -> None:
        self.got = True

    def __exit__(self, *exc) -> None:
        if self.old is None:
            return
        signal.signal(signal.SIGINT, self.old)
        if self.got and callable(self.old):
            self.old(signal.SIGINT, None)  # Python's default handler: KeyboardInterrupt
        elif self.got and self.old == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


class _Pool(ProcessPoolExecutor):
    """A process pool that stops replacing workers once it is aborted."""

    aborting = False

    def _adjust_process_count(self):
        # the pool's thread calls this (under _shutdown_lock) for a worker that exited after
        # RECYCLE_AFTER batches: during an abort, a new one would only be killed in turn
        if not self.aborting:
            super()._adjust_process_count()


# pool threads and workers an abort could not stop (see left_running)
_LEFT_RUNNING: list = []


def left_running() -> bool:
    """Did an abort leave a pool thread or worker process alive?  The interpreter's exit
    would wait for it for ever (it joins the pool's thread and every child), so the
    command line then ends the process with ``os._exit`` once it has said its line."""
    return any(_alive(x) for x in _LEFT_RUNNING)


class PoolEngine:
    """``workers`` spawned processes, each loading the pipeline once; at most two
    batches per worker in flight, so memory follows the batch size."""

    name = "local"

    def __init__(self, workers: int, config: str | None, max_chars: int):
        import multiprocessing as mp

        self.workers = workers
        self.ended = False
        # spawn: a worker must not inherit the output lock's descriptor (fork would),
        # or a killed driver's orphans would keep the folder locked.
        # Belt and braces for memory that the string-store reset does not return:
        # a worker is replaced after RECYCLE_AFTER batches.
        from . import DRIVER_ENV
        os.environ[DRIVER_ENV] = str(os.getpid())  # inherited: a worker checks its parent is alive
        self.pool = _Pool(workers, mp_context=mp.get_context("spawn"),
                          initializer=init_worker, initargs=(config, max_chars),
                          max_tasks_per_child=RECYCLE_AFTER)

    def _submit(self, t: Task):
        """Submit with SIGINT blocked in this thread: a worker spawned now (the pool starts
        them on demand) and the pool's manager thread, which spawns the replacements,
        inherit the blocked mask, so a Ctrl-C that reaches a worker still importing
        multiprocessing waits until it has set SIGINT to ignored (pipeline/__init__.py)
        instead of printing a KeyboardInterrupt traceback. The driver gets the signal as
        soon as the mask is restored.

        The mask alone did not keep the KeyboardInterrupt out of the spawn: the driver's
        other threads (started before the pool) still take the signal, and Python raises
        it in the main thread at its next instruction, wherever that is — once between
        starting a worker and writing it its start-up data, so that worker printed
        "EOFError: Ran out of input" after the driver's line (the workers-starting Ctrl-C
        test, 1 run in 6 at load 3.8). So SIGINT is held back here and raised once the
        submission is whole."""
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with _HeldSigint():
                return self.pool.submit(process_task, t)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        inflight: set = set()
        for t in tasks:
            inflight.add(self._submit(t))
            if len(inflight) >= 2 * self.workers:
                done, inflight = self._first_done(inflight)
                for f in done:
                    yield f.result()
        while inflight:
            done, inflight = self._first_done(inflight)
            for f in done:
                yield f.result()

    def _first_done(self, inflight: set) -> tuple[set, set]:
        """The batches done first, waited for WATCH_SECONDS at a time; in between, a
        worker that died unnoticed breaks the pool (BrokenProcessPool: E204).

        The pool notices a dead worker only while its thread waits on the workers: one
        killed (out of memory, kill -9) in the middle of writing a batch's result left
        that thread reading the rest for ever (the pipe stays open: the driver holds its
        write end) and the other workers waiting for the result lock it held, and the
        run waited for ever, with no error and no progress."""
        while True:
            done, rest = wait(inflight, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
            if done:
                return done, rest
            for p in list((self.pool._processes or {}).values()):
                code = p.exitcode  # None while it runs; 0 for a worker replaced after RECYCLE_AFTER
                if code:
                    raise BrokenProcessPool(f"worker process {p.pid} ended ({_how_ended(code)})")

    def close(self) -> None:
        """Every batch is in: the idle workers are told to exit and waited for, up to
        CLOSE_SECONDS; a pool not ended by then is aborted (its workers killed)."""
        if self.ended:
            return
        inner = self._internals()
        if not _lock_free(self.pool, CLOSE_SECONDS):
            self._abort(inner)
            return
        self.pool.shutdown(wait=False, cancel_futures=True)
        if inner.thread is not None:
            inner.thread.join(CLOSE_SECONDS)
            if inner.thread.is_alive():
                self._abort(inner)
                return
        self.ended = True
        if inner.results is not None:
            inner.results.close()  # as shutdown(wait=True) does

    def abort(self) -> None:
        """Ctrl-C, or a run that failed: the batches in flight are not wanted, and the
        workers ignore SIGINT (pipeline/__init__.py), so they are ended here rather than
        waited for.  Every wait is bounded (ABORT_SECONDS each): SIGTERM, then SIGKILL
        for a worker still alive after it.

        The pool's own thread is then unblocked and given ABORT_SECONDS to finish.  It
        may be waiting for the rest of a result that a worker was writing when it died
        (killed by this abort, or before it): the driver's own copy of the result pipe's
        write end kept that pipe open, so no end of file ever came, and
        ``shutdown(wait=True)`` waited for ever, with the output folder locked and the
        workers defunct (two drivers were found 85 minutes after a Ctrl-C).  Once the
        workers are gone, closing the driver's write end gives that thread its end of
        file: it marks the pool broken, closes the task pipe (a task feeder blocked on
        it gets a broken pipe) and reaps the workers.  What still will not stop is
        listed for :func:`left_running`."""
        if not self.ended:
            self._abort(self._internals())

    def _internals(self) -> "_PoolParts":
        """What an abort reaches into; ``shutdown`` drops the executor's references to it
        (the pool's thread keeps its own: the same dict of processes, the same queues)."""
        pool = self.pool
        return _PoolParts(pool._executor_manager_thread,
                          pool._processes if pool._processes is not None else {}, pool._result_queue)

    def _abort(self, inner: "_PoolParts") -> None:
        self.ended = True
        pool = self.pool
        pool.aborting = True
        # the pool's thread spawns a replacement worker under this lock: once it is free, a
        # worker being spawned is in the dict (and no other follows)
        locked = _lock_free(pool, ABORT_SECONDS)
        _end_processes(list(inner.procs.values()))
        writer = getattr(inner.results, "_writer", None)  # the pool's thread never closes it
        if writer is not None:
            writer.close()
        if locked:  # shutdown takes the lock without a timeout
            pool.shutdown(wait=False, cancel_futures=True)
        if inner.thread is not None:
            inner.thread.join(ABORT_SECONDS)
        _LEFT_RUNNING.extend(x for x in [inner.thread, *inner.procs.values()] if x is not None and _alive(x))


@dataclass
class _PoolParts:
    thread: threading.Thread | None
    procs: dict
    results: object


def _how_ended(code: int) -> str:
    """``killed by SIGKILL`` for exit code -9, ``exit code 1`` for 1."""
    if code > 0:
        return f"exit code {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:  # a real-time signal
        return f"killed by signal {-code}"


def _lock_free(pool, seconds: float) -> bool:
    """Wait up to ``seconds`` for the pool's lock to be free (its thread holds it only
    while it spawns a worker)."""
    if pool._shutdown_lock.acquire(timeout=seconds):
        pool._shutdown_lock.release()
        return True
    return False


def _end_processes(procs: list) -> None:
    """SIGTERM, then SIGKILL what is still alive after ABORT_SECONDS; each process is
    joined (reaped) within ABORT_SECONDS of its signal."""
    for sig in ("terminate", "kill"):
        alive = [p for p in procs if _alive(p)]
        for p in alive:
            try:
                getattr(p, sig)()
            except (OSError, ValueError):  # already gone, or closed
                pass
        deadline = time.monotonic() + ABORT_SECONDS
        for p in alive:
            try:
                p.join(max(deadline - time.monotonic(), 0.01))
            except (OSError, ValueError):
                pass


def _alive(p) -> bool:
    try:
        return p.is_alive()
    except (OSError, ValueError):
        return False
