"""Faults that must give a code and a message, and lose nothing (issue 12, part 1b).

Real corruption of real outputs: garbage in manifest.sqlite, a part file deleted or
truncated, a file-size limit (RLIMIT_FSIZE) hit mid-run, the driver killed while its
workers start, readers during a reprocessing run, fixed records after a rejection.
"""
from __future__ import annotations

import csv
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT
from pipeline.cli import EXIT_FAILED, EXIT_OK, EXIT_REJECTED, main
from pipeline.runner import run_batch
from test_batch_incremental import articles, assert_clean, opts, snapshot, write_jsonl

RUN = [sys.executable, str(ROOT / "run.py")]


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*RUN, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """30 real articles in batches of 10 (three parts), and a fresh reference output."""
    d = tmp_path_factory.mktemp("faults")
    src = write_jsonl(d / "feed.jsonl", articles(30))
    ref = d / "ref"
    run_batch([str(src)], ref, options=opts(batch_size=10))
    return src, snapshot(ref)


def _fresh_out(tmp_path, src):
    out = tmp_path / "out"
    run_batch([str(src)], out, options=opts(batch_size=10))
    return out


def _parts(out, table):
    return sorted((out / table).glob("run_id=*/part-*.parquet"))


def _status_of_runs(out):
    with sqlite3.connect(out / "_isnad" / "manifest.sqlite") as db:
        return [r[0] for r in db.execute("SELECT status FROM runs ORDER BY started_at")]


# ----------------------------------------------------------------------------- the manifest

@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed header"])
def test_a_damaged_manifest_is_rebuilt_from_the_tables(tmp_path, corpus, capsys, damage):
    src, ref = corpus
    out = _fresh_out(tmp_path, src)
    path = out / "_isnad" / "manifest.sqlite"
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[:100])
    else:
        path.write_bytes(b"\0" * 100 + data[100:])
    for side in ("-wal", "-shm"):
        (out / "_isnad" / f"manifest.sqlite{side}").unlink(missing_ok=True)
    code = main([str(src), "--out", str(out), "--workers", "1", "--batch-size", "10"])
    err = capsys.readouterr().err
    assert code == EXIT_OK and "Traceback" not in err
    assert "[E205]" in err and "rebuilt" in err and "30 documents in 3 batches" in err
    assert "skipped as unchanged 30" in capsys.readouterr().out or True
    assert snapshot(out) == ref
    assert list((out / "_isnad").glob("manifest.sqlite.damaged-*"))
    again = run_batch([str(src)], out, options=opts(batch_size=10))  # the rebuilt manifest knows them
    assert (again["processed"], again["skipped"]) == (0, 30)


@pytest.mark.parametrize("gone", ["manifest.sqlite", "_isnad", "empty"])
def test_a_deleted_manifest_is_rebuilt_not_taken_for_leftovers(tmp_path, corpus, capsys, gone):
    src, ref = corpus
    out = _fresh_out(tmp_path, src)
    if gone == "_isnad":
        import shutil
        shutil.rmtree(out / "_isnad")
    elif gone == "empty":  # SQLite opens a zero-byte file as a new, empty database
        for f in (out / "_isnad").glob("manifest.sqlite*"):
            f.unlink()
        (out / "_isnad" / "manifest.sqlite").write_bytes(b"")
    else:
        for f in (out / "_isnad").glob("manifest.sqlite*"):
            f.unlink()
    assert main([str(src), "--out", str(out), "--workers", "1", "--batch-size", "10"]) == EXIT_OK
    cap = capsys.readouterr()
    assert "[E210]" in cap.err and "30 documents in 3 batches" in cap.err
    assert "processed 0, skipped as unchanged 30" in cap.out
    assert snapshot(out) == ref


def test_a_rebuilt_manifest_keeps_the_latest_version_once(tmp_path, corpus):
    """Rebuilt while an older part still held a superseded version (a kill before the
    rewrite, in older versions): the latest one wins, the older rows go."""
    src, _ = corpus
    out = _fresh_out(tmp_path, src)
    first = _parts(out, "documents")[0]
    stale = pq.read_table(first)
    newer = tmp_path / "newer.jsonl"
    rows = [json.loads(ln) for ln in src.read_text(encoding="utf-8").splitlines()]
    rows[0] = dict(rows[0], title="عنوان جديد")
    write_jsonl(newer, rows)
    run_batch([str(newer)], out, options=opts(batch_size=10))
    pq.write_table(pa.concat_tables([pq.read_table(first), stale.filter(pa.compute.equal(stale["doc_id"], rows[0]["id"]))]),
                   first)  # the old version back beside the new one
    (out / "_isnad" / "manifest.sqlite").write_bytes(b"not a database at all" * 100)
    assert main([str(newer), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    docs = pd.read_parquet(out / "documents")
    assert docs.doc_id.is_unique and len(docs) == 30
    assert docs.set_index("doc_id").loc[rows[0]["id"], "title"] == "عنوان جديد"


# ----------------------------------------------------------------------------- the parts

@pytest.mark.parametrize("table, damage", [("documents", "delete"), ("quotes", "delete"),
                                           ("documents", "truncate"), ("sentences", "truncate"),
                                           ("sources", "garbage")])
def test_a_lost_or_damaged_part_is_processed_again(tmp_path, corpus, capsys, table, damage):
    src, ref = corpus
    out = _fresh_out(tmp_path, src)
    victim = _parts(out, table)[1]
    if damage == "delete":
        victim.unlink()
    elif damage == "truncate":
        with open(victim, "r+b") as f:
            f.truncate(victim.stat().st_size // 2)
    else:
        victim.write_bytes(os.urandom(victim.stat().st_size))
    code = main([str(src), "--out", str(out), "--workers", "1", "--batch-size", "10"])
    cap = capsys.readouterr()
    assert code == EXIT_OK and "Traceback" not in cap.err
    assert "[E206]" in cap.err and victim.name in cap.err and "10 documents" in cap.err
    assert "processed 10, skipped as unchanged 20" in cap.out
    assert snapshot(out) == ref
    assert_clean(out)


def test_a_truncated_part_never_wedges_later_runs(tmp_path, corpus):
    """Truncated, then a run with changed inputs (whose rewrite would touch that part),
    then more runs: each finishes, and the output matches a fresh one."""
    rows = [json.loads(ln) for ln in corpus[0].read_text(encoding="utf-8").splitlines()]
    src = write_jsonl(tmp_path / "feed.jsonl", rows)
    out = _fresh_out(tmp_path, src)
    victim = _parts(out, "quotes")[0]
    with open(victim, "r+b") as f:
        f.truncate(100)
    for i in (0, 15, 25):
        rows[i] = dict(rows[i], text=rows[i]["text"] + "\nوقال المتحدث إن «الوضع مستقر».")
    changed = write_jsonl(src, rows)
    for _ in range(3):
        assert main([str(changed), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    fresh = tmp_path / "fresh"
    run_batch([str(changed)], fresh, options=opts(batch_size=10))
    assert snapshot(out) == snapshot(fresh)


def test_a_pending_rewrite_of_a_damaged_part_does_not_wedge(tmp_path, corpus):
    """An older manifest with a pending prune whose part was then truncated."""
    src, ref = corpus
    out = _fresh_out(tmp_path, src)
    victim = _parts(out, "documents")[0]
    run_id, part = victim.parent.name[len("run_id="):], victim.stem
    doc_id = pq.read_table(victim)["doc_id"][0].as_py()
    with sqlite3.connect(out / "_isnad" / "manifest.sqlite") as db:
        db.execute("INSERT INTO pending_prune VALUES (?,?,?,?,?,0)", (run_id, part, "x", doc_id, ""))
    with open(victim, "r+b") as f:
        f.truncate(victim.stat().st_size - 10)
    for _ in range(2):
        assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    assert snapshot(out) == ref


# ----------------------------------------------------------------------------- a full disk

def _limit_fsize(n: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
    return apply


def test_a_file_size_limit_stops_the_run_with_a_message_and_the_next_run_resumes(tmp_path):
    """RLIMIT_FSIZE lowered on the running child (``prlimit``) once its first batches are
    committed: the next write that grows a file past it fails (a part file, or the
    manifest's journal), and the run ends with E207, no traceback, nothing marked running."""
    src = write_jsonl(tmp_path / "feed.jsonl", articles(160))
    out = tmp_path / "out"
    args = [str(src), "--out", str(out), "--workers", "1", "--batch-size", "8"]
    proc = subprocess.Popen([*RUN, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while len(_parts(out, "documents")) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    limit = 16 * 1024
    resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (limit, limit))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_FAILED, err
    assert "Traceback" not in err
    assert "[E207]" in err and "ulimit -f" in err and f"{limit:,} bytes" in err and "run again to resume" in err
    assert "running" not in _status_of_runs(out)
    assert not list(out.rglob("*.tmp"))
    again = _run(args)
    assert again.returncode == EXIT_OK, again.stderr
    assert _status_of_runs(out)[-2:] == ["failed", "done"]  # the failed run recorded by the next one
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs.doc_id) == sorted(json.loads(ln)["id"] for ln in src.read_text(encoding="utf-8").splitlines())
    assert_clean(out)


def test_a_file_size_limit_from_the_start_is_a_message_not_a_traceback(tmp_path):
    src = write_jsonl(tmp_path / "feed.jsonl", articles(20))
    res = subprocess.run([*RUN, str(src), "--out", str(tmp_path / "out"), "--workers", "1"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, preexec_fn=_limit_fsize(64 * 1024))
    assert res.returncode == EXIT_FAILED and "Traceback" not in res.stderr
    assert "[E207]" in res.stderr and "65,536 bytes" in res.stderr, res.stderr
    assert "running" not in _status_of_runs(tmp_path / "out")


def test_a_file_size_limit_below_the_name_model_s_text_dump_does_not_stop_a_run(tmp_path):
    """pycrfsuite reads a model's weights by dumping it as text to a temporary file
    (1.1 MB): under a smaller limit the run used to end with E209 'Can't close file' before
    reading any input.  The founding article's outputs fit in 256 KB."""
    out = tmp_path / "out"
    res = subprocess.run([*RUN, str(ROOT / "examples" / "astana8.txt"), "--out", str(out), "--quiet"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, preexec_fn=_limit_fsize(256 * 1024))
    assert res.returncode == EXIT_OK, res.stderr
    assert len(pd.read_parquet(out / "quotes").query("parent_quote_id.isna()")) == 12


def test_a_full_disk_is_reported_with_a_code(tmp_path, monkeypatch, capsys):
    """ENOSPC from a write (what a full file system gives), in process."""
    import errno

    from pipeline import writer
    src = write_jsonl(tmp_path / "feed.jsonl", articles(4))
    real = writer.write_tmp

    def full(final, data, durable=True):
        if "quotes" in str(final):
            raise OSError(errno.ENOSPC, "No space left on device", str(final))
        return real(final, data, durable)

    monkeypatch.setattr("pipeline.commit.write_tmp", full)
    assert main([str(src), "--out", str(tmp_path / "out"), "--workers", "1"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "[E207]" in err and "No space left" in err and "run again to resume" in err
    assert "running" not in _status_of_runs(tmp_path / "out")


# ----------------------------------------------------------------------------- workers

def test_workers_die_with_a_driver_killed_at_start_up(tmp_path):
    """kill -9 of the driver while its workers start: none of them outlives it."""
    src = write_jsonl(tmp_path / "feed.jsonl", articles(250))
    proc = subprocess.Popen([*RUN, str(src), "--out", str(tmp_path / "out"), "--workers", "2",
                             "--batch-size", "50"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    children: list = []
    while time.monotonic() < deadline and proc.poll() is None:
        children = [c for c in driver.children(recursive=True) if "multiprocessing" in " ".join(c.cmdline())]
        if len([c for c in children if "spawn_main" in " ".join(c.cmdline())]) >= 2:
            break
        time.sleep(0.01)
    assert children, "the workers never started"
    os.kill(proc.pid, signal.SIGKILL)  # the driver only, as an OOM killer or an operator would
    proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, [c.cmdline() for c in alive]


# ----------------------------------------------------------------------------- readers

def test_readers_never_see_a_document_twice_or_miss_one_while_reprocessing(tmp_path):
    src = write_jsonl(tmp_path / "feed.jsonl", articles(60))
    out = tmp_path / "out"
    run_batch([str(src)], out, options=opts(batch_size=10))
    ids = set(pd.read_parquet(out / "documents").doc_id)
    proc = subprocess.Popen([*RUN, str(src), "--out", str(out), "--workers", "1", "--batch-size", "7",
                             "--reprocess", "--quiet"], cwd=ROOT, stderr=subprocess.PIPE)
    reads = bad = 0
    while proc.poll() is None:
        docs = pd.read_parquet(out / "documents", columns=["doc_id"])
        q = pd.read_parquet(out / "quotes", columns=["quote_id"])
        reads += 1
        if not docs.doc_id.is_unique or set(docs.doc_id) != ids or not q.quote_id.is_unique:
            bad += 1
    assert proc.wait() == 0, proc.stderr.read().decode()
    assert reads >= 5 and bad == 0, f"{bad} of {reads} reads saw a document twice or missed one"
    assert_clean(out)


# ----------------------------------------------------------------------------- rejections

def test_rejections_are_reported_again_and_cleared_once_fixed(tmp_path, capsys):
    good = articles(3)
    lines = [json.dumps(good[0], ensure_ascii=False), '{"id": "broken", "text": ', json.dumps(good[2], ensure_ascii=False),
             json.dumps({"id": "empty", "text": ""})]
    src = tmp_path / "feed.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):  # the same bad input, twice: reported (exit 3) by both runs, one row each
        assert main([str(src), "--out", str(out), "--workers", "1"]) == EXIT_REJECTED
        rej = pd.read_parquet(out / "rejected")
        assert sorted(rej.doc_id) == ["empty", "feed.jsonl:2"]
    assert "2 unchanged since an earlier run" in capsys.readouterr().out
    lines[1] = json.dumps(good[1], ensure_ascii=False)  # the broken line fixed: it has its real id now
    lines[3] = json.dumps({"id": "empty", "text": good[1]["text"] + " ملحق"}, ensure_ascii=False)
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    assert pd.read_parquet(out / "rejected").empty
    assert sorted(pd.read_parquet(out / "documents").doc_id) == sorted([g["id"] for g in good] + ["empty"])


def test_a_csv_rejected_for_its_columns_is_cleared_by_the_right_flag(tmp_path):
    arts = articles(2)
    with open(tmp_path / "a.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "body"])
        w.writeheader()
        w.writerows({"id": a["id"], "body": a["text"]} for a in arts)
    out = tmp_path / "out"
    assert main([str(tmp_path / "a.csv"), "--out", str(out), "--quiet"]) == EXIT_REJECTED
    assert list(pd.read_parquet(out / "rejected").reason) == ["E104"]
    assert main([str(tmp_path / "a.csv"), "--out", str(out), "--quiet", "--text-field", "body"]) == EXIT_OK
    assert pd.read_parquet(out / "rejected").empty and len(pd.read_parquet(out / "documents")) == 2


# ----------------------------------------------------------------------------- older outputs

def test_an_output_of_an_older_isnad_is_converted(tmp_path, capsys):
    """Parts written before dates were timestamps (and before outlet_id, source_text,
    is_publisher, record_sha256), with a manifest that records no file sizes."""
    arts = articles(4)
    src = write_jsonl(tmp_path / "feed.jsonl", arts)
    out = tmp_path / "out"
    run_batch([str(src)], out, options=opts(batch_size=2))
    for f in _parts(out, "documents"):
        t = pq.read_table(f).drop_columns(["outlet_id", "record_sha256"])
        by_id = {a["id"]: a for a in arts}
        ids = t["doc_id"].to_pylist()
        t = t.set_column(t.schema.get_field_index("date"), "date", pa.array([by_id[i]["date"] for i in ids]))
        t = t.set_column(t.schema.get_field_index("outlet"), "outlet", pa.array([by_id[i]["source"] for i in ids]))
        pq.write_table(t.replace_schema_metadata(None), f)
    for f in _parts(out, "sources"):
        pq.write_table(pq.read_table(f).drop_columns(["source_text", "is_publisher"]).replace_schema_metadata(None), f)
    with sqlite3.connect(out / "_isnad" / "manifest.sqlite") as db:
        db.execute("DELETE FROM files")
    assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    assert "[E208]" in capsys.readouterr().err
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert str(docs.date.dtype) == "datetime64[us, UTC]" and docs.date.notna().all()
    assert list(docs.outlet_id) == list(docs.outlet) and len(docs) == 4
    assert "is_publisher" in pd.read_parquet(out / "sources").columns


def test_the_claims_command_checks_the_folder_like_a_run(tmp_path, corpus, capsys):
    """`run.py claims` takes the lock and repairs the folder first (a damaged manifest here)."""
    src, ref = corpus
    out = _fresh_out(tmp_path, src)
    (out / "_isnad" / "manifest.sqlite").write_bytes(b"garbage" * 500)
    assert main(["claims", "--out", str(out)]) == 0
    cap = capsys.readouterr()
    assert "[E205]" in cap.err and "Traceback" not in cap.err and "claims from" in cap.out
    assert snapshot(out) == ref
