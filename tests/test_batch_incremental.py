"""Incremental runs: skip unchanged, supersede changed, recover from crashes, lock OUT."""
from __future__ import annotations

import gzip
import itertools
import json
import os
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from conftest import DATA
from pipeline import commit as commit_mod
from pipeline import manifest as manifest_mod
from pipeline.cli import EXIT_BUSY, EXIT_USAGE, main
from pipeline.manifest import OutputLock
from pipeline.runner import RunOptions, run_batch
from stages.errors import RunError

CORPUS = DATA / "saudinewsnet.jsonl.gz"
SORT_KEYS = {"documents": ["doc_id"], "sentences": ["doc_id", "sentence_id"], "quotes": ["doc_id", "quote_id"],
             "speakers": ["doc_id", "speaker_id"], "sources": ["doc_id", "quote_id", "hop"],
             "rejected": ["doc_id", "source_path", "reason"]}


def articles(n: int, skip: int = 0) -> list[dict]:
    """``n`` real articles with some text, from the shared corpus."""
    if not CORPUS.exists():
        pytest.skip(f"shared data not available: {CORPUS}")
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in itertools.islice(f, skip, None):
            obj = json.loads(line)
            if len(obj.get("text") or "") > 300:
                out.append(obj)
                if len(out) == n:
                    break
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def snapshot(out: Path) -> dict[str, list[dict]]:
    """Every table as sorted rows, without what differs between runs (run_id, processed_at)."""
    snap = {}
    for table, keys in SORT_KEYS.items():
        t = ds.dataset(out / table, format="parquet").to_table()
        if "processed_at" in t.column_names:
            t = t.drop_columns(["processed_at"])
        snap[table] = t.sort_by([(k, "ascending") for k in keys]).to_pylist()
    return snap


def assert_clean(out: Path) -> None:
    """No temporary or uncommitted file visible, no document twice."""
    assert not list(out.rglob("*.tmp"))
    docs = pd.read_parquet(out / "documents")
    assert docs.doc_id.is_unique
    quotes = pd.read_parquet(out / "quotes")
    assert quotes.quote_id.is_unique


def opts(**kw) -> RunOptions:
    kw.setdefault("workers", 1)
    return RunOptions(progress=False, quiet=True, batch_size=kw.pop("batch_size", 4), **kw)


def test_rerun_skips_unchanged_and_supersedes_changed(tmp_path):
    rows = articles(10)
    src = write_jsonl(tmp_path / "feed.jsonl", rows)
    out = tmp_path / "out"
    first = run_batch([str(src)], out, options=opts())
    assert first["processed"] + first["rejected"] == 10 and first["skipped"] == 0
    before = snapshot(out)

    again = run_batch([str(src)], out, options=opts())
    assert (again["processed"], again["rejected"], again["skipped"]) == (0, 0, 10)
    assert snapshot(out) == before

    rows[0] = dict(rows[0], text=rows[0]["text"] + "\nوقال المتحدث الرسمي إن «الوضع مستقر تماما».")
    rows[3] = dict(rows[3], title="عنوان جديد")
    write_jsonl(src, rows)
    changed = run_batch([str(src)], out, options=opts())
    assert changed["processed"] + changed["rejected"] == 2 and changed["skipped"] == 8
    fresh = tmp_path / "fresh"
    run_batch([str(src)], fresh, options=opts(batch_size=100))
    assert snapshot(out) == snapshot(fresh)  # the latest version of each document, once
    assert_clean(out)

    forced = run_batch([str(src)], out, options=opts(reprocess=True))
    assert forced["processed"] + forced["rejected"] == 10
    assert snapshot(out) == snapshot(fresh)


def test_output_readable_as_one_dataset_everywhere(tmp_path):
    import duckdb
    import polars as pl

    src = write_jsonl(tmp_path / "a.jsonl", articles(6))
    out = tmp_path / "out"
    run_batch([str(src)], out, options=opts())
    run_batch([str(src)], out, options=opts())  # a second (empty) run partition
    q = pd.read_parquet(out / "quotes")
    n = len(q)
    assert str(q["start"].dtype).lower() == "int32" and q["confidence"].dtype == "float32"  # int32 or Int32
    assert q["doc_id"].map(type).eq(str).all()
    assert q["run_id"].astype(str).str.match(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$").all()
    assert ds.dataset(out / "quotes", format="parquet").count_rows() == n
    assert ds.dataset(out / "quotes", format="parquet", partitioning="hive").to_table().num_rows == n
    glob = str(out / "quotes" / "**" / "*.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning=true)").fetchall()[0][0] == n
    assert pl.scan_parquet(glob, hive_partitioning=True).collect().height == n
    for table in SORT_KEYS:  # every table exists in every run partition, even when empty
        assert len(list((out / table).glob("run_id=*/part-*.parquet"))) >= 2


def test_crash_before_commit_and_during_the_swap_recovers_exactly_once(tmp_path, monkeypatch):
    rows = articles(9)
    src = write_jsonl(tmp_path / "feed.jsonl", rows)
    out = tmp_path / "out"

    class Killed(BaseException):
        pass

    real_commit = manifest_mod.Manifest.commit
    calls = itertools.count()

    def commit_then_die(self, *a, **kw):  # dies on the 2nd batch: files staged, manifest not
        if next(calls) == 1:
            raise Killed
        return real_commit(self, *a, **kw)

    monkeypatch.setattr(manifest_mod.Manifest, "commit", commit_then_die)
    with pytest.raises(Killed):
        run_batch([str(src)], out, options=opts(batch_size=3))
    monkeypatch.undo()
    run_batch([str(src)], out, options=opts(batch_size=3))
    fresh = tmp_path / "fresh"
    run_batch([str(src)], fresh, options=opts(batch_size=100))
    assert snapshot(out) == snapshot(fresh)

    # changed documents whose new rows are committed but not yet renamed into view when
    # the run dies (after 0 renames, then after 2): readers see each document once
    for k, n_renames in enumerate((0, 2)):
        rows[1 + k] = dict(rows[1 + k], text=rows[1 + k]["text"] + "\nوأكد الوزير أن «الاتفاق نهائي».")
        write_jsonl(src, rows)
        real_replace = os.replace
        done = itertools.count()

        def replace_then_die(a, b):
            if next(done) >= n_renames and str(a).endswith(".tmp"):
                raise Killed
            return real_replace(a, b)

        monkeypatch.setattr(commit_mod.os, "replace", replace_then_die)
        with pytest.raises(Killed):
            run_batch([str(src)], out, options=opts(batch_size=3))
        monkeypatch.undo()
        assert pd.read_parquet(out / "documents").doc_id.is_unique  # never both versions
        rerun = run_batch([str(src)], out, options=opts(batch_size=3))
        assert rerun["processed"] + rerun["rejected"] == 0  # already committed: recovery only renames
        fresh2 = tmp_path / f"fresh{k + 2}"
        run_batch([str(src)], fresh2, options=opts(batch_size=100))
        assert snapshot(out) == snapshot(fresh2)
        assert_clean(out)


def test_second_run_on_same_out_refuses_with_clear_message(tmp_path, capsys):
    src = write_jsonl(tmp_path / "a.jsonl", articles(1))
    out = tmp_path / "out"
    with OutputLock(out):
        with pytest.raises(RunError) as err:
            run_batch([str(src)], out, options=opts())
        assert err.value.code == "E201" and "locked by another run" in str(err.value)
        t = time.monotonic()
        assert main([str(src), "--out", str(out), "--wait", "0.5"]) == EXIT_BUSY
        assert time.monotonic() - t >= 0.5
        assert "locked" in capsys.readouterr().err
    assert run_batch([str(src)], out, options=opts())["processed"] == 1  # released


def test_bad_config_and_inputs_are_usage_errors(tmp_path, capsys):
    src = write_jsonl(tmp_path / "a.jsonl", articles(1))
    assert main([str(src), "--out", str(tmp_path / "o"), "--config", str(tmp_path / "nope.toml")]) == EXIT_USAGE
    assert "E001" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o")]) == EXIT_USAGE
    assert main([str(src), "--out", str(tmp_path / "o"), "--batch-size", "0"]) == EXIT_USAGE
    assert main([str(src), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:8786"]) == EXIT_USAGE
