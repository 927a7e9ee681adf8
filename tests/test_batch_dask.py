"""The Dask engine (on a LocalCluster) writes the same rows as the local engine."""
from __future__ import annotations

from test_batch_incremental import articles, opts, snapshot, write_jsonl

from pipeline.runner import run_batch


def test_local_and_dask_engines_give_identical_tables(tmp_path):
    rows = articles(24) + [{"id": "no-text"}, {"id": "bad", "text": 7}]
    src = write_jsonl(tmp_path / "feed.jsonl", rows)
    local = run_batch([str(src)], tmp_path / "local", options=opts(batch_size=8))
    dask = run_batch([str(src)], tmp_path / "dask", options=opts(
        batch_size=8, engine="dask",
        cluster_kwargs={"n_workers": 1, "threads_per_worker": 1, "processes": False}))
    assert dask["engine"] == "dask" and dask["batches"] == 4
    assert (dask["processed"], dask["rejected"]) == (local["processed"], local["rejected"])
    a, b = snapshot(tmp_path / "local"), snapshot(tmp_path / "dask")
    assert a == b
    assert len(a["documents"]) >= 20 and len(a["quotes"]) > 0 and len(a["rejected"]) >= 2
