"""The evaluate command: same figures as the reference scorer, plus breakdowns."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DATA, SHARED, load_gold
from pipeline.commands import evaluate as ev
from pipeline.cli import main as cli_main

SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="module")
def dev_run(tmp_path_factory):
    """The pipeline's output on the development gold documents."""
    load_gold("dev_gold.jsonl")  # skips when the shared data is absent
    gold = ev.load_gold(DATA / "dev_gold.jsonl")
    out = tmp_path_factory.mktemp("dev_out")
    ev.run_pipeline(gold, out, None)
    return gold, out


def test_figures_agree_with_reference_scorer_on_dev(dev_run):
    if not SCORER.exists():
        pytest.skip(f"reference scorer not available: {SCORER}")
    gold, out = dev_run
    ref = json.loads(subprocess.run(
        [sys.executable, str(SCORER), str(DATA / "dev_gold.jsonl"), str(out), "--json"],
        capture_output=True, text=True, check=True).stdout)
    mine = ev.evaluate(gold, ev.load_predictions(out)).metrics
    assert set(ref) <= set(mine)
    for k, v in ref.items():
        assert mine[k] == v, (k, mine[k], v)
    assert mine["gold_quotes"] == 137 and mine["documents"] == 30
    assert mine["quote_f1"] > 0.5  # the run really found quotes


def test_breakdowns_add_up(dev_run):
    gold, out = dev_run
    res = ev.evaluate(gold, ev.load_predictions(out))
    m = res.metrics
    assert sum(r["gold"] for r in res.by_kind.values()) == m["gold_quotes"]
    assert sum(r["predicted"] for r in res.by_kind.values()) == m["predicted_quotes"]
    assert sum(r["gold"] for r in res.by_speaker_type.values()) == m["gold_quotes"]
    assert set(res.by_kind) >= {"direct", "indirect", "mixed"}
    n_matched = sum(sum(row.values()) for row in res.kind_confusion.values())
    assert n_matched == round(m["quote_recall"] * m["gold_quotes"])
    missed = [x for x in res.misses if x["type"] == "missed"]
    spurious = [x for x in res.misses if x["type"] == "spurious"]
    assert len(missed) == m["gold_quotes"] - n_matched
    assert len(spurious) == m["predicted_quotes"] - n_matched
    wrong = [x for x in res.misses if x["type"] == "speaker"]
    assert len(wrong) == n_matched - round(m["speaker_accuracy_on_matched"] * n_matched)


def test_cli_existing_output_prints_metrics_and_misses(dev_run, capsys):
    _, out = dev_run
    assert cli_main(["evaluate", str(DATA / "dev_gold.jsonl"), "--out", str(out), "--existing"]) == 0
    text = capsys.readouterr().out
    for label in ("quote_precision", "quote_recall", "quote_f1", "speaker_accuracy_on_matched",
                  "attribution_f1", "relay_recall", "relay_precision", "by quote kind",
                  "by speaker type", "misses:"):
        assert label in text
    assert "MISSED" in text or "SPURIOUS" in text


def test_cli_runs_pipeline_on_own_gold_file(tmp_path, capsys):
    text = "وقال الوزير خالد الفالح إن الانتاج سيرتفع. واضاف ان الاسعار مستقرة."
    doc = {"doc_id": "mine", "text": text, "relayed_by": [], "quotes": [
        {"content": "الانتاج سيرتفع", "kind": "indirect", "cue": "وقال", "speaker": "الوزير خالد الفالح",
         "speaker_aliases": ["الوزير خالد الفالح", "خالد الفالح"], "speaker_type": "person", "relays": []},
        {"content": "الاسعار مستقرة", "kind": "indirect", "cue": "واضاف", "speaker": None,
         "speaker_aliases": ["خالد الفالح"], "speaker_type": "person", "relays": []}]}
    gold = tmp_path / "mine.jsonl"
    gold.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli_main(["evaluate", str(gold), "--out", str(tmp_path / "o"), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["metrics"]["gold_quotes"] == 2
    assert res["metrics"]["quote_recall"] == 1.0
    assert res["metrics"]["speaker_accuracy_on_matched"] == 1.0
    assert (tmp_path / "o" / "quotes").is_dir()
    # a second evaluation into the same folder processes the documents again (no stale rows)
    import pandas as pd
    first = pd.read_parquet(tmp_path / "o" / "documents")["processed_at"].max()
    assert cli_main(["evaluate", str(gold), "--out", str(tmp_path / "o"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    docs = pd.read_parquet(tmp_path / "o" / "documents")
    assert len(docs) == 1 and docs["processed_at"].max() > first
    assert again["metrics"] == res["metrics"]


def _write_quotes(out: Path, rows: list[dict], part: str = "part-0") -> None:
    cols = ["doc_id", "quote_id", "start", "end", "kind", "speaker", "speaker_name", "speaker_type",
            "relayed_by", "parent_quote_id"]
    d = out / "quotes" / "run_id=r1"  # hive-partitioned, like a later writer may produce
    d.mkdir(parents=True, exist_ok=True)
    t = pa.table({c: [r.get(c) for r in rows] for c in cols[:-2]} | {
        "relayed_by": pa.array([r.get("relayed_by", []) for r in rows], pa.list_(pa.string())),
        "parent_quote_id": pa.array([r.get("parent_quote_id") for r in rows], pa.string())})
    pq.write_table(t, d / f"{part}.parquet")


def test_matching_rules_on_a_synthetic_output(tmp_path):
    text = "قال وزير الخارجية عادل الجبير لقناة العربية إن الحل قريب جدا. وذكرت مصادر أن الوفد وصل."
    a = text.index("الحل")
    b = text.index(" جدا") + len(" جدا")
    c = text.index("الوفد")
    d = text.index("وصل") + 3
    gold = [{"doc_id": "x", "text": text, "relayed_by": [], "quotes": [
        {"content": text[a:b], "kind": "indirect", "speaker_aliases": ["عادل الجبير", "وزير الخارجية"],
         "speaker_type": "person", "relays": ["العربية"], "span": (a, b)},
        {"content": text[c:d], "kind": "indirect", "speaker_aliases": ["مصادر"],
         "speaker_type": "anonymous", "relays": [], "span": (c, d)}]}]
    _write_quotes(tmp_path, [
        # boundary a bit short (Jaccard >= 0.5), name with a title: alias is a whole-word part
        {"doc_id": "x", "quote_id": "x:q1", "start": a, "end": b - 4, "kind": "indirect",
         "speaker": "وزير الخارجية السعودي عادل الجبير", "speaker_name": "عادل الجبير",
         "speaker_type": "person", "relayed_by": ["قناة العربية", "واس"]},
        # nested rows are not scored
        {"doc_id": "x", "quote_id": "x:q2", "start": a, "end": a + 3, "kind": "direct",
         "speaker": None, "speaker_name": None, "speaker_type": "unknown", "parent_quote_id": "x:q1"},
        # a far too short span does not match: one miss, one spurious
        {"doc_id": "x", "quote_id": "x:q3", "start": c, "end": c + 2, "kind": "indirect",
         "speaker": "مصادر", "speaker_name": "مصادر", "speaker_type": "anonymous"},
    ])
    res = ev.evaluate(gold, ev.load_predictions(tmp_path))
    m = res.metrics
    assert (m["gold_quotes"], m["predicted_quotes"]) == (2, 2)
    assert m["quote_precision"] == m["quote_recall"] == 0.5
    assert m["speaker_accuracy_on_matched"] == 1.0
    assert m["relay_recall"] == 1.0
    assert m["relay_precision"] == 0.5  # واس is not credited anywhere in the gold
    assert [x["type"] for x in res.misses] == ["missed", "spurious", "relay"]
    assert res.by_speaker_type["anonymous"]["recall"] == 0.0
    assert res.by_speaker_type["person"]["recall"] == 1.0


def test_speaker_alias_rules():
    assert ev.speaker_ok(["خيرات عبد الرحمانوف", "عبد الرحمانوف"], None, "عبدالرحمانوف") is False
    assert ev.speaker_ok(["عبد الرحمانوف"], "السيد خيرات عبد الرحمانوف", None)
    assert ev.speaker_ok(["وزارة الصحة"], "وزاره الصحّة", None)  # folding and diacritics
    long_mention = "رئيس " + " ".join(["لجنة"] * 10) + " الصحة"
    assert not ev.speaker_ok(["الصحة"], long_mention)  # part of a mention over 10 words
    assert ev.relay_found("سانا", ["وكالة سانا"]) and not ev.relay_found("سانا", ["سانافي"])


def test_bad_gold_line_is_reported(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "a", "text": "abc", "quotes": [{"content": "zzz"}]}\n', encoding="utf-8")
    assert cli_main(["evaluate", str(bad), "--existing", "--out", str(tmp_path)]) == 2
    assert "E006" in capsys.readouterr().err
