"""`run.py trace`: a claim's appearances across outlets, first one marked, spelling-blind."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from conftest import DATA
from pipeline.cli import main as cli_main
from pipeline.commands import trace
from pipeline.runner import run_batch

CORPUS = DATA / "saudinewsnet.jsonl.gz"


def israel_articles(n: int) -> list[dict]:
    """The first ``n`` corpus articles that quote someone about إسرائيل (any spelling)."""
    if not CORPUS.exists():
        pytest.skip(f"shared data not available: {CORPUS}")
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            if "سرائيل" not in line:
                continue
            obj = json.loads(line)
            if re.search("(قال|أكد|أضاف|أوضح).{0,200}[إا]سرائيل", obj.get("text") or ""):
                out.append(obj)
                if len(out) == n:
                    break
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    import pandas as pd

    d = tmp_path_factory.mktemp("trace")
    arts = israel_articles(12)
    (d / "run1.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), encoding="utf-8")
    run_batch([str(d / "run1.jsonl")], d / "out", None, workers=1, quiet=True, durable=False)
    # a later run: articles whose quotes name إسرائيل re-published by another outlet, spelt
    # اسرائيل with tatweel, and dated before the originals
    q = pd.read_parquet(d / "out" / "quotes")
    quoted = set(q.loc[q["text"].str.contains("سرائيل"), "doc_id"])
    variants = [dict(a, id=f"v-{a['id']}", source="variant", url=f"http://variant.example/{k}",
                     date="2015-07-01 09:00:00", text=a["text"].replace("إسرائيل", "اســرائيل"))
                for k, a in enumerate(a for a in arts if a["id"] in quoted)][:5]
    assert len(variants) >= 3
    (d / "run2.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in variants),
                                  encoding="utf-8")
    run_batch([str(d / "run2.jsonl")], d / "out", None, workers=1, quiet=True, durable=False)
    return d / "out"


def as_json(out, query, capsys):
    assert cli_main(["trace", query, "--out", str(out), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_spelling_blind_same_non_empty_result(out, capsys):
    a = as_json(out, "إسرائيل", capsys)
    b = as_json(out, "اسرائيل", capsys)
    c = as_json(out, "إسرائـيلَ", capsys)
    assert a and a == b == c
    assert {"claim_id", "doc_id", "date", "outlet", "url", "speaker_name", "relayed_by"} <= set(a[0])


def test_grouped_by_claim_oldest_first_and_first_marked(out, capsys):
    rows = as_json(out, "إسرائيل", capsys)
    claims = {}
    for r in rows:
        claims.setdefault(r["claim_id"], []).append(r)
    ids = [r["claim_id"] for r in rows]
    assert ids == sorted(ids, key=ids.index)  # each claim's appearances are together
    for members in claims.values():
        assert [m["first"] for m in members] == [True] + [False] * (len(members) - 1)
        dates = [m["date"] for m in members]
        assert dates == sorted(dates)
    # the re-published variants came first: every claim they share is first in a variant
    shared = [m for m in claims.values() if len({x["outlet"] for x in m}) > 1]
    assert len(shared) >= 3
    for members in shared:
        assert members[0]["outlet"] == "variant" and members[0]["url"].startswith("http://variant.example/")
        assert members[0]["n_outlets"] == 2
    # a matched quote brings its whole claim, appearances without the query word too
    assert all(any(r["matched"] for r in m) for m in claims.values())


def test_text_and_csv_formats(out, capsys):
    assert cli_main(["trace", "اسرائيل", "--out", str(out), "--limit", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("1. claim c") and "first" in text and "speaker:" in text and "(showing 1)" in text
    assert cli_main(["trace", "اسرائيل", "--out", str(out), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("claim_id,first,date,outlet") and len(lines) > 4


def test_by_speaker_and_exit_codes(out, capsys, tmp_path):
    rows = as_json(out, "إسرائيل", capsys)
    named = next(r["speaker_name"] for r in rows if r["speaker_name"] and len(r["speaker_name"].split()) >= 2)
    by_speaker = trace.find_claims(out, named)
    assert any(r["speaker_name"] == named and r["matched"] for r in by_speaker)
    assert cli_main(["trace", "كلمةلاتوجد", "--out", str(out)]) == 1
    assert "no claims found" in capsys.readouterr().out
    assert cli_main(["trace", "إسرائيل", "--out", str(tmp_path)]) == 2
    assert cli_main(["trace", "...", "--out", str(out)]) == 2
