"""A failing document is isolated (E108); a run that breaks off or has nothing to do behaves."""
from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pandas as pd
from spacy.language import Language

from pipeline import engines
from pipeline import runner as runner_mod
from pipeline.cli import EXIT_FAILED, main
from pipeline.runner import run_batch
from test_batch_incremental import articles, opts, write_jsonl


@Language.component("isnad_test_boom")
def _boom(doc):
    if "BOOM" in doc.text:
        raise RuntimeError("boom in a stage")
    return doc


def test_a_document_that_raises_is_rejected_and_the_batch_goes_on(tmp_path, monkeypatch):
    rows = articles(6)
    rows[2] = dict(rows[2], text=rows[2]["text"] + " BOOM")
    src = write_jsonl(tmp_path / "a.jsonl", rows)
    nlp = engines.get_nlp()
    nlp.add_pipe("isnad_test_boom", after="isnad_normalizer")
    real_rows = engines.doc_rows

    def rows_fail_for_doc4(doc, rec, **kw):
        if rec.doc_id == str(rows[4]["id"]):
            raise ValueError("bad offsets")
        return real_rows(doc, rec, **kw)

    monkeypatch.setattr(engines, "doc_rows", rows_fail_for_doc4)
    try:
        stats = run_batch([str(src)], tmp_path / "out", options=opts(batch_size=10))
    finally:
        nlp.remove_pipe("isnad_test_boom")
    rej = pd.read_parquet(tmp_path / "out" / "rejected").set_index("doc_id")
    assert rej.loc[str(rows[2]["id"]), "reason"] == "E108" and "boom in a stage" in rej.loc[str(rows[2]["id"]), "message"]
    assert rej.loc[str(rows[4]["id"]), "reason"] == "E108" and "bad offsets" in rej.loc[str(rows[4]["id"]), "message"]
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert len(docs) == 4 and stats["processed"] == 4 and stats["rejected"] == 2


def test_a_rerun_with_nothing_new_never_loads_the_pipeline(tmp_path, monkeypatch):
    src = write_jsonl(tmp_path / "a.jsonl", articles(3))
    run_batch([str(src)], tmp_path / "out", options=opts())

    def no_pipeline(*a, **kw):
        raise AssertionError("the pipeline was loaded for nothing")

    monkeypatch.setattr(runner_mod, "get_nlp", no_pipeline)
    monkeypatch.setattr(runner_mod, "InProcessEngine", no_pipeline)
    stats = run_batch([str(src)], tmp_path / "out", options=opts())
    assert (stats["processed"], stats["skipped"]) == (0, 3)


def test_a_dead_worker_ends_the_run_with_a_message(tmp_path, monkeypatch, capsys):
    src = write_jsonl(tmp_path / "a.jsonl", articles(3))

    def broken(self, tasks):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")
        yield  # pragma: no cover

    monkeypatch.setattr(engines.InProcessEngine, "run", broken)
    assert main([str(src), "--out", str(tmp_path / "out"), "--workers", "1"]) == EXIT_FAILED
    assert "E204" in capsys.readouterr().err
