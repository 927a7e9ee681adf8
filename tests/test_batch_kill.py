"""kill -9 in the middle of a parallel run, then a re-run: every document exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import pyarrow.parquet as pq

from conftest import ROOT
from test_batch_incremental import articles, assert_clean, write_jsonl

N_DOCS = 200


def _committed_batches(out) -> int:
    d = out / "documents"
    return len(list(d.glob("run_id=*/part-*.parquet"))) if d.is_dir() else 0


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run(args, **kw):
    """run.py with SIGINT at its default, as a terminal's foreground job has it: a suite run
    as a background job without job control (``cmd &`` in a script) hands its children
    SIGINT ignored, and the Ctrl-C tests then waited out their 120 s."""
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_sigint_default, **kw)


def test_sigkill_mid_run_then_rerun_gives_exactly_once(tmp_path):
    src = write_jsonl(tmp_path / "feed.jsonl", articles(N_DOCS))
    out = tmp_path / "out"
    args = [src, "--out", out, "--workers", "2", "--batch-size", "5"]
    proc = _run(args, start_new_session=True)
    deadline = time.monotonic() + 120
    while _committed_batches(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the run finished before it could be killed: " + proc.stderr.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its workers, at once
    proc.wait()
    killed_at = _committed_batches(out)
    assert 0 < killed_at < N_DOCS // 5
    for table in ("documents", "quotes", "sentences"):  # whatever is visible is whole
        pd.read_parquet(out / table)
        assert all(pq.ParquetFile(f).metadata.num_rows >= 0 for f in (out / table).glob("run_id=*/*.parquet"))

    rerun = _run(args)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode in (0, 3), err.decode()

    clean = tmp_path / "clean"
    single = _run([src, "--out", clean, "--workers", "1"])
    single.communicate(timeout=300)
    docs = pd.read_parquet(out / "documents")
    rejected = pd.read_parquet(out / "rejected")
    clean_docs = pd.read_parquet(clean / "documents")
    assert docs.doc_id.is_unique
    assert set(docs.doc_id) | set(rejected.doc_id) == {str(a["id"]) for a in articles(N_DOCS)}
    assert set(docs.doc_id) == set(clean_docs.doc_id)
    per_doc = pd.read_parquet(out / "quotes").groupby("doc_id").size()
    clean_per_doc = pd.read_parquet(clean / "quotes").groupby("doc_id").size()
    assert per_doc.sort_index().to_dict() == clean_per_doc.sort_index().to_dict()
    sentences = pd.read_parquet(out / "sentences")
    assert not sentences.duplicated(["doc_id", "sentence_id"]).any()
    assert_clean(out)


@pytest.mark.parametrize("when", ["workers starting", "batches committed"])
def test_ctrl_c_stops_the_run_quietly_and_the_next_run_resumes(tmp_path, when):
    """Ctrl-C at a terminal sends SIGINT to the whole foreground process group: every
    worker printed a KeyboardInterrupt traceback (often from inside spaCy's import).
    Now only the driver handles it: exit 130, one line, the workers ended, the run
    recorded as interrupted."""
    import psutil
    src = write_jsonl(tmp_path / "feed.jsonl", articles(N_DOCS))
    out = tmp_path / "out"
    args = [src, "--out", out, "--workers", "2", "--batch-size", "5"]
    proc = _run(args, start_new_session=True)  # its own group, as a shell job is
    driver = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    workers: list = []
    while proc.poll() is None and time.monotonic() < deadline:
        workers = [c for c in driver.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]
        if len(workers) >= 2 and (when == "workers starting" or _committed_batches(out) >= 2):
            break
        time.sleep(0.005)
    assert proc.poll() is None and workers, "the run finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted" in err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    import sqlite3
    with sqlite3.connect(out / "_isnad" / "manifest.sqlite") as db:
        assert [s for (s,) in db.execute("SELECT status FROM runs")] == ["interrupted"]
    rerun = _run(args)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    docs = pd.read_parquet(out / "documents")
    assert docs.doc_id.is_unique and set(docs.doc_id) == {str(a["id"]) for a in articles(N_DOCS)}
    assert_clean(out)


def _workers(driver) -> list:
    return [c for c in driver.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]


def _writing_into_a_full_pipe(p) -> bool:
    """Linux: /proc/PID/wchan names the kernel function the process sleeps in
    (``pipe_write``, or ``anon_pipe_write`` on newer kernels)."""
    try:
        with open(f"/proc/{p.pid}/wchan") as f:
            return "pipe_write" in f.read()
    except OSError:
        return False


def _wchan_names_pipe_writes() -> bool:
    """Does this kernel say so of a process blocked writing into a full pipe?"""
    r, w = os.pipe()
    child = subprocess.Popen([sys.executable, "-c", "import os, sys; os.write(int(sys.argv[1]), b'x' * 200_000)",
                              str(w)], pass_fds=[w])
    os.close(w)
    try:
        deadline = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < deadline:
            if _writing_into_a_full_pipe(child):
                return True
            time.sleep(0.02)
        return False
    finally:
        child.kill()
        child.wait()
        os.close(r)


def _a_worker_caught_mid_result(proc, out, worker: str):
    """Stop the driver (SIGSTOP: all its threads) until one of its workers blocks writing a
    batch's result into the full pipe (20 articles' tables, more than a pipe's 64 KB),
    then kill or stop that worker and resume the driver: its pool thread reads what the
    pipe holds and waits for the rest, which never comes.  Returns the driver's workers."""
    import psutil
    driver = psutil.Process(proc.pid)
    deadline = time.monotonic() + 240
    while _committed_batches(out) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _workers(driver)
    assert proc.poll() is None and len(workers) == 2, "the run finished before a worker could be caught"
    victim = None
    while victim is None and time.monotonic() < deadline:
        driver.suspend()
        wait_until = time.monotonic() + 10
        while victim is None and time.monotonic() < wait_until:
            victim = next((w for w in workers if _writing_into_a_full_pipe(w)), None)
            time.sleep(0.01)
        if victim is None:  # stopped while its workers waited for batches: again
            driver.resume()
            time.sleep(0.3)
    assert victim is not None, "no worker came to write a result larger than the pipe"
    victim.kill() if worker == "killed" else victim.suspend()
    while victim.status() != (psutil.STATUS_ZOMBIE if worker == "killed" else psutil.STATUS_STOPPED):
        time.sleep(0.01)  # a driver resumed before its worker had died found it dead at once
    driver.resume()
    return workers


def _ended_cleanly(err: str, workers, out, status: str) -> None:
    """No traceback, the workers reaped (not left defunct), the run recorded, the tables whole."""
    import psutil
    import sqlite3
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
    with sqlite3.connect(out / "_isnad" / "manifest.sqlite") as db:
        assert [s for (s,) in db.execute("SELECT status FROM runs")] == [status]
    assert_clean(out)


def _caught_run(tmp_path):
    if not _wchan_names_pipe_writes():
        pytest.skip("/proc/PID/wchan does not name pipe writes on this kernel")
    src = write_jsonl(tmp_path / "feed.jsonl", articles(2 * N_DOCS))
    out = tmp_path / "out"
    return _run([src, "--out", out, "--workers", "2", "--batch-size", "20"], start_new_session=True), out


def test_ctrl_c_with_a_worker_hung_in_the_middle_of_its_result(tmp_path):
    """A worker that hangs (here: stopped) while writing a batch's result leaves the
    pool's thread waiting for the rest of that result.  Ctrl-C then waited for ever in the
    pool's shutdown: the abort's SIGTERM ended the worker in mid-result, and the driver's
    own write end of the pipe kept it open — the output folder locked, the workers
    defunct (two drivers found 85 minutes after a Ctrl-C).  The abort is bounded now:
    exit 130 with its one line, the workers reaped, the run recorded as interrupted."""
    proc, out = _caught_run(tmp_path)
    try:
        workers = _a_worker_caught_mid_result(proc, out, "stopped")
        time.sleep(1)
        assert proc.poll() is None, proc.stderr.read().decode()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)  # for ever before; well under a second now
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    err = err.decode()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "isnad: interrupted; committed batches are kept, the next run resumes"
    _ended_cleanly(err, workers, out, "interrupted")


def test_a_worker_killed_in_the_middle_of_its_result_ends_the_run_with_e204(tmp_path):
    """A worker killed (out of memory, kill -9) while writing a batch's result: the pool's
    thread waited for the rest for ever, the other worker for the result lock the dead
    one held, and the run for its batches — no error, no progress, for ever (45 s
    observed before this test, then stopped).  The engine now checks every WATCH_SECONDS
    that no worker died unnoticed: E204, exit 1, and the bounded abort."""
    from pipeline.cli import EXIT_FAILED
    proc, out = _caught_run(tmp_path)
    try:
        workers = _a_worker_caught_mid_result(proc, out, "killed")
        _, err = proc.communicate(timeout=120)  # WATCH_SECONDS (5) and the abort
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    err = err.decode()
    assert proc.returncode == EXIT_FAILED, err
    assert "[E204]" in err and "killed by SIGKILL" in err, err
    _ended_cleanly(err, workers, out, "failed")


def _deaf_to_sigterm(ready) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(600)


def test_abort_kills_a_worker_that_ignores_sigterm_within_its_bound(monkeypatch):
    """SIGTERM first; a process still alive ABORT_SECONDS later gets SIGKILL and is reaped."""
    import multiprocessing as mp

    from pipeline import pool_engine
    monkeypatch.setattr(pool_engine, "ABORT_SECONDS", 1.0)
    ctx = mp.get_context("fork")
    ready = ctx.Event()
    p = ctx.Process(target=_deaf_to_sigterm, args=(ready,))
    p.start()
    try:
        assert ready.wait(60)
        t0 = time.monotonic()
        pool_engine._end_processes([p])
        took = time.monotonic() - t0
        assert not p.is_alive() and p.exitcode == -signal.SIGKILL
        assert 1.0 <= took < 30  # it waited out SIGTERM's second, then no more than SIGKILL needs
    finally:
        if p.is_alive():
            p.kill()
        p.join()


def test_a_thread_an_abort_could_not_stop_does_not_hold_the_exit(tmp_path):
    """What an abort leaves running (pool_engine.left_running) would keep the interpreter's
    exit waiting for ever (it joins every thread): the command says its line, then
    ends the process with its exit code."""
    code = ("import sys, threading\n"
            "from pipeline import pool_engine\n"
            "from pipeline.cli import main\n"
            "stuck = threading.Thread(target=threading.Event().wait)\n"  # not a daemon: joined at exit
            "stuck.start()\n"
            "pool_engine._LEFT_RUNNING.append(stuck)\n"
            "sys.exit(main([sys.argv[1], '--out', sys.argv[2]]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "missing.jsonl"), str(tmp_path / "out")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 2, err.decode()  # E107: a usage error, said before the exit
    assert "E107" in err.decode() and "Traceback" not in err.decode()


def test_a_ctrl_c_during_a_submission_is_raised_once_it_is_whole():
    """Python raises a KeyboardInterrupt at the main thread's next instruction, whichever
    thread the signal reached: once inside the pool's spawn of a worker, which then read
    no start-up data and printed "EOFError: Ran out of input" (the workers-starting
    Ctrl-C test, now and then). The handler Python would run is called mid-submission
    here, as it would be for a Ctrl-C arriving then."""
    from pipeline.pool_engine import PoolEngine
    # Python's own handler, whatever this process inherited: a shell's background job
    # (cmd &) starts with SIGINT ignored, and then no handler raises anything
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    engine = PoolEngine(1, None, 1000)
    whole = []

    def submit(fn, task):
        if not whole:
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)  # what a Ctrl-C now runs
        whole.append(task)
        return "future"

    engine.pool.submit = submit
    try:
        with pytest.raises(KeyboardInterrupt):
            engine._submit("task")
        assert whole == ["task"]  # raised after the submission, not inside it
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert engine._submit("next") == "future"  # nothing held over
    finally:
        engine.pool.shutdown()
        signal.signal(signal.SIGINT, before)
