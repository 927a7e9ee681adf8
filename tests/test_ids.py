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


# The joins the README shows, run as written there (OUT is the output folder).

def test_readme_joins_pandas(out):
    OUT = str(out)
    import pandas as pd
    quotes = pd.read_parquet(f"{OUT}/quotes", columns=["quote_id", "doc_id", "speaker_id", "claim_id", "text"])
    speakers = pd.read_parquet(f"{OUT}/speakers", columns=["speaker_id", "name", "title", "person_key"])
    documents = pd.read_parquet(f"{OUT}/documents", columns=["doc_id", "date", "outlet", "url"])
    claims = pd.read_parquet(f"{OUT}/claims", columns=["claim_id", "first_date", "first_outlet", "n_outlets"])
    sources = pd.read_parquet(f"{OUT}/sources", columns=["quote_id", "hop", "source", "relation"])
    table = (quotes.merge(speakers, on="speaker_id", how="left")
                   .merge(documents, on="doc_id")
                   .merge(claims, on="claim_id", how="left"))
    hops = sources.merge(quotes[["quote_id", "claim_id"]], on="quote_id")
    assert len(table) == len(quotes) and len(hops) == len(sources)
    assert table["first_date"].notna().sum() == quotes["claim_id"].notna().sum()


def test_readme_joins_duckdb(out):
    OUT = str(out)
    import duckdb
    t = {name: f"read_parquet('{OUT}/{name}/**/*.parquet', hive_partitioning = true)"
         for name in ("quotes", "speakers", "documents", "claims", "sources")}
    rows = duckdb.sql(f"""
        SELECT c.claim_id, c.first_date, q.quote_id, d.date, d.outlet, s.person_key, q.speaker_name,
               list(src.source ORDER BY src.hop) FILTER (WHERE src.source IS NOT NULL) AS chain
        FROM {t['quotes']} q
        JOIN {t['claims']} c ON c.claim_id = q.claim_id
        JOIN {t['documents']} d ON d.doc_id = q.doc_id
        LEFT JOIN {t['speakers']} s ON s.speaker_id = q.speaker_id
        LEFT JOIN {t['sources']} src ON src.quote_id = q.quote_id
        GROUP BY ALL ORDER BY c.claim_id, d.date""").fetchall()
    quotes = duckdb.sql(f"SELECT count(*) FROM {t['quotes']} WHERE claim_id IS NOT NULL").fetchall()[0][0]
    assert len(rows) == quotes > 0


def test_readme_joins_polars(out):
    OUT = str(out)
    import polars as pl

    def scan(name):
        return pl.scan_parquet(f"{OUT}/{name}/**/*.parquet", hive_partitioning=True)
    table = (scan("quotes").filter(pl.col("parent_quote_id").is_null())
             .join(scan("documents").select("doc_id", "date", "outlet"), on="doc_id")
             .join(scan("speakers").select("speaker_id", "title", "person_key"), on="speaker_id", how="left")
             .join(scan("claims").select("claim_id", "first_date", "n_outlets"), on="claim_id")
             .collect())
    top = pl.read_parquet(f"{OUT}/quotes/**/*.parquet").filter(pl.col("parent_quote_id").is_null())
    assert table.height == top.height > 0
