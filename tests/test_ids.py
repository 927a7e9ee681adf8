"""Identifiers that join: quote_id and speaker_id are unique across the dataset, so one
column is enough to join quotes, speakers, sources and documents (no row multiplies)."""
from __future__ import annotations

import gzip
import itertools
import json

import pandas as pd
import pytest

from conftest import DATA
from pipeline.runner import run_batch

CORPUS = DATA / "saudinewsnet.jsonl.gz"


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    if not CORPUS.exists():
        pytest.skip(f"shared data not available: {CORPUS}")
    d = tmp_path_factory.mktemp("ids")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        lines = [l for l in itertools.islice(f, 400) if len(json.loads(l).get("text") or "") > 300][:60]
    (d / "in.jsonl").write_text("".join(lines), encoding="utf-8")
    run_batch([str(d / "in.jsonl")], d / "out", None, workers=1, quiet=True, durable=False)
    return d / "out"


def test_speaker_id_is_unique_across_documents(out):
    speakers = pd.read_parquet(out / "speakers")
    assert speakers["doc_id"].nunique() >= 20
    assert speakers["speaker_id"].is_unique
    assert (speakers["speaker_id"].str.split(":").str[0] == speakers["doc_id"]).all()


def test_one_column_joins_do_not_multiply_rows(out):
    quotes = pd.read_parquet(out / "quotes")
    speakers = pd.read_parquet(out / "speakers")
    sources = pd.read_parquet(out / "sources")
    documents = pd.read_parquet(out / "documents")
    assert quotes["quote_id"].is_unique and documents["doc_id"].is_unique
    named = quotes.dropna(subset=["speaker_id"])
    assert len(named) > 50
    j = named.merge(speakers[["speaker_id", "name"]], on="speaker_id", how="left", validate="many_to_one")
    assert len(j) == len(named) and j["name"].notna().all()
    s = sources.merge(quotes[["quote_id", "doc_id"]], on="quote_id", how="left", validate="many_to_one")
    assert len(s) == len(sources) and (s["doc_id_x"] == s["doc_id_y"]).all()
