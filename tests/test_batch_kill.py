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


def _run(args, **kw):
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)


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
