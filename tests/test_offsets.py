"""Offsets are the contract: every span the output records is exactly
``text[start:end]`` of the original document, with 0 <= start <= end <= len(text).
Every table with offsets is covered: sentences (text), quotes (text, cue, speaker) and
sources (source_text; ``source`` holds the normalised name, not the span).

Checked on real articles (the first 300 of SaudiNewsNet, read from ../shared/data;
skipped when the data is missing) and on synthetic texts full of diacritics,
tatweel and bidi controls, then through a Parquet round trip.
"""
from __future__ import annotations

import gzip
import itertools
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.extract import Record, doc_rows
from pipeline.schemas import TABLES

from conftest import DATA

N_ARTICLES = 300

SYNTHETIC = [
    "وقالَ الوزيـــر إنّ الاتفاقَ سيُوقّع قريباً في الرياض.",
    "وقـــالت الوزارةُ في بيانٍ إنَّ «الوضعَ تحتَ السيطرةِ تماماً». وأضافـــت أنَّ التحقيقَ مستمرٌّ، "
    "مشيـــراً إلى أنّ النتائجَ ستُعلَن قريباً.",
    "\u200fوقال\u200f المتحدث\u200f إن \u200eالأمر\u200e محسوم، بحسب ما ذكرت وكالة \u202bواس\u202c.",
    "الرياض ـ واس\nوأكّدَ خادمُ الحرمينِ الشريفين أنَّ المملكةَ ماضيةٌ في الإصلاحِ.\n"
    "“نحنُ مستعدّون للحوارِ”، قالَ الرئيسُ، “لكنّنا لن نتنازلَ”.",
    "وقال الدكتور محمـــد العلـــي لـ«الشرق الأوسط» إن نسبة النمو بلغت ٢٫٥ في المئة؛ "
    "مضيفاً أنّ ﻻ تغيير في السياسة النقدية.",
    "وذكرت أ.ف.ب أنّ الوفدَ وصلَ. ووفقاً لـ المرصد فإنّ الاشتباكاتِ استمرّت حتّى الصباحِ.",
    "ٱلْحَمْدُ لِلَّهِ، قالَ الشيخُ، ثم أضاف: \"إنَّ الصبرَ مفتاحُ الفرجِ\"",
]


def _load_articles() -> list[dict]:
    path = DATA / "saudinewsnet.jsonl.gz"
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, N_ARTICLES)]


@pytest.fixture(scope="module")
def real_docs(nlp):
    recs = [r for r in _load_articles() if r.get("text")]
    docs = list(nlp.pipe((r["text"] for r in recs), batch_size=64))
    return [(Record(str(r["id"]), r["text"]), d) for r, d in zip(recs, docs)]


@pytest.fixture(scope="module")
def synthetic_docs(nlp):
    return [(Record(f"syn{i}", t), nlp(t)) for i, t in enumerate(SYNTHETIC)]


def _in_bounds(start, end, n) -> bool:
    return 0 <= start <= end <= n


def check_doc(rec: Record, doc) -> list[str]:
    """Every recorded span of one document; returns the problems found."""
    text = rec.text
    n = len(text)
    bad: list[str] = []
    assert doc.text == text
    for key in ("isnad_quotes", "isnad_cues", "isnad_speakers"):
        assert key in doc.spans, key
    rows = doc_rows(doc, rec)
    for r in rows["sentences"]:
        if not _in_bounds(r["start"], r["end"], n) or text[r["start"]:r["end"]] != r["text"]:
            bad.append(f"sentence {r['sentence_id']}: {r['start']}..{r['end']}")
    for r in rows["quotes"]:
        qid = r["quote_id"]
        if not _in_bounds(r["start"], r["end"], n) or text[r["start"]:r["end"]] != r["text"] or not r["text"]:
            bad.append(f"{qid} content {r['start']}..{r['end']}")
        if not _in_bounds(r["cue_start"], r["cue_end"], n) or text[r["cue_start"]:r["cue_end"]] != r["cue"] or not r["cue"]:
            bad.append(f"{qid} cue {r['cue_start']}..{r['cue_end']}")
        if (r["speaker_start"] is None) != (r["speaker_end"] is None) or (r["speaker_start"] is None) != (r["speaker"] is None):
            bad.append(f"{qid} speaker half-null")
        elif r["speaker_start"] is not None and (
                not _in_bounds(r["speaker_start"], r["speaker_end"], n)
                or text[r["speaker_start"]:r["speaker_end"]] != r["speaker"] or not r["speaker"]):
            bad.append(f"{qid} speaker {r['speaker_start']}..{r['speaker_end']}")
        if r["kind"] not in ("direct", "indirect", "mixed"):
            bad.append(f"{qid} kind {r['kind']}")
        sid = r["sentence_id"]
        if not 0 <= sid < len(rows["sentences"]):
            bad.append(f"{qid} sentence_id {sid}")
    sents = [(r["start"], r["end"]) for r in rows["sentences"]]
    if any(a[1] > b[0] for a, b in zip(sents, sents[1:])):
        bad.append("sentences overlap or are out of order")
    quotes = doc._.isnad_quotes
    for i, q in enumerate(quotes):
        if 0 <= q.sentence < len(sents) and not sents[q.sentence][0] <= q.ostart < sents[q.sentence][1]:
            bad.append(f"quote {i} does not start in its sentence {q.sentence}")
        # the frame (cue, speaker) lies outside the content, except for an "according to"
        # phrase inside the claim it qualifies (content on both sides of it)
        if q.cue.kind != "according":
            if q.ocue_start < q.oend and q.ostart < q.ocue_end:
                bad.append(f"quote {i}: cue inside content")
            if q.ospeaker_start is not None and q.ospeaker_start < q.oend and q.ostart < q.ospeaker_end:
                bad.append(f"quote {i}: speaker inside content")
        for j in range(i + 1, len(quotes)):
            p = quotes[j]
            if p.ostart < q.oend and q.ostart < p.oend and p.parent is None and q.parent is None:
                bad.append(f"quotes {i} and {j} overlap (one quote per content span)")
    for r in rows["sources"]:
        if not _in_bounds(r["start"], r["end"], n) or r["start"] == r["end"]:
            bad.append(f"source {r['quote_id']} hop {r['hop']} {r['start']}..{r['end']}")
        elif text[r["start"]:r["end"]] != r["source_text"]:  # `source` is the normalised name
            bad.append(f"source {r['quote_id']} hop {r['hop']} source_text")
    for q, span in zip(doc._.isnad_quotes, doc.spans["isnad_quotes"]):
        if not (span.start_char <= q.ostart and q.oend <= span.end_char):
            bad.append(f"spaCy span {span.start_char}..{span.end_char} does not cover {q.ostart}..{q.oend}")
    return bad


def test_real_articles_offsets(real_docs):
    assert len(real_docs) >= 250
    problems = {rec.doc_id: p for rec, doc in real_docs if (p := check_doc(rec, doc))}
    assert problems == {}


def test_real_articles_decorated_keep_offsets_and_attributions(nlp, real_docs):
    """The first 60 articles retyped with random harakat, kashida and RLM marks: every
    offset still slices the (decorated) original, and the attributions are the same."""
    from test_normalisation import _signature, decorate
    sample = real_docs[:60]
    recs = [Record(rec.doc_id, decorate(rec.text, k)) for k, (rec, _) in enumerate(sample)]
    decorated = list(nlp.pipe((r.text for r in recs), batch_size=64))
    problems = {r.doc_id: p for r, d in zip(recs, decorated) if (p := check_doc(r, d))}
    assert problems == {}
    changed = [rec.doc_id for (rec, plain), d in zip(sample, decorated) if _signature(plain) != _signature(d)]
    assert changed == []


def test_real_articles_yield_quotes(real_docs):
    n_quotes = sum(len(d._.isnad_quotes) for _, d in real_docs)
    assert n_quotes > len(real_docs) // 2  # news quotes people: an empty result is a regression


@pytest.mark.parametrize("i", range(len(SYNTHETIC)))
def test_synthetic_offsets(synthetic_docs, i):
    rec, doc = synthetic_docs[i]
    assert check_doc(rec, doc) == []
    assert doc._.isnad_quotes, "every synthetic text holds at least one quote"


def test_founding_article_offsets(nlp, astana_text):
    rec = Record("astana8", astana_text)
    doc = nlp(astana_text)
    assert check_doc(rec, doc) == []
    assert len(doc._.isnad_quotes) >= 10


def test_sources_point_at_the_named_outlet(synthetic_docs):
    rec, doc = synthetic_docs[2]
    rows = doc_rows(doc, rec)["sources"]
    assert rows
    for r in rows:
        assert "واس" in rec.text[r["start"]:r["end"]] == r["source_text"]


def test_sources_name_and_span_differ_when_the_text_spells_it_out(nlp):
    text = "وقال الوزير لوكالة الأنباء السعودية إن الاتفاق سيوقع قريبا."
    rows = doc_rows(nlp(text), Record("d", text))["sources"]
    (r,) = [r for r in rows if r["source"] == "واس"]
    assert r["source_text"] == text[r["start"]:r["end"]] and "الأنباء السعودية" in r["source_text"]


def test_publisher_is_flagged_and_the_outlet_slug_named(nlp):
    text = ("الرياض - واس\nوقال وزير الخارجية لـ«الشرق الأوسط» إن المملكة تدعم الحل السياسي. "
            "ونقلت رويترز عن مصدر قوله إن الاجتماع تأجل.")
    doc = nlp(text)
    rows = doc_rows(doc, Record("d", text, outlet="aawsat"))
    assert (rows["documents"][0]["outlet"], rows["documents"][0]["outlet_id"]) == ("الشرق الأوسط", "aawsat")
    flags = {(r["source"], r["is_publisher"]) for r in rows["sources"]}
    assert ("الشرق الأوسط", True) in flags and ("رويترز", False) in flags and ("واس", False) in flags
    was = {(r["source"], r["is_publisher"]) for r in doc_rows(doc, Record("d", text, outlet="was"))["sources"]}
    assert ("واس", True) in was and ("الشرق الأوسط", False) in was
    unknown = doc_rows(doc, Record("d", text))
    assert unknown["documents"][0]["outlet"] is None
    assert all(r["is_publisher"] is None for r in unknown["sources"])
    other = doc_rows(doc, Record("d", text, outlet="Some Paper"))
    assert other["documents"][0]["outlet"] == "Some Paper" and other["documents"][0]["outlet_id"] == "Some Paper"


# --------------------------------------------------------- Parquet round trip

def _table(name: str, rows: list[dict]) -> pa.Table:
    try:
        from pipeline.writer import to_table
    except ImportError:  # writer API moved: build it from the schema directly
        return pa.Table.from_pylist(rows, schema=TABLES[name])
    return to_table(name, rows)


@pytest.fixture(scope="module")
def round_trip(synthetic_docs, tmp_path_factory):
    out = tmp_path_factory.mktemp("parquet")
    tables: dict[str, list[dict]] = {k: [] for k in TABLES}
    for rec, doc in synthetic_docs:
        for k, rows in doc_rows(doc, rec).items():
            tables[k].extend(rows)
    frames = {}
    for name, rows in tables.items():
        path = out / f"{name}.parquet"
        pq.write_table(_table(name, rows), path)
        frames[name] = pd.read_parquet(path)
    return tables, frames


@pytest.mark.parametrize("name", ["sentences", "quotes", "sources"])
def test_parquet_round_trip_values(round_trip, name):
    rows, frame = round_trip[0][name], round_trip[1][name]
    assert rows, name
    assert list(frame.columns) == list(TABLES[name].names)
    back = frame.to_dict("records")
    assert len(back) == len(rows)
    cols = [c for c in ("doc_id", "quote_id", "start", "end", "text", "kind", "cue", "hop", "source") if c in rows[0]]
    for r, b in zip(rows, back):
        for col in cols:
            assert b[col] == r[col], (name, col)


def test_parquet_offsets_still_slice_the_text(round_trip):
    _, frames = round_trip
    texts = dict(zip(frames["documents"]["doc_id"], frames["documents"]["text"]))
    q = frames["quotes"]
    for row in q.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
        assert texts[row.doc_id][row.cue_start:row.cue_end] == row.cue


def test_parquet_integer_columns_without_nulls_are_int32(round_trip):
    _, frames = round_trip
    for name, cols in {"sentences": ["sentence_id", "start", "end"],
                       "quotes": ["sentence_id", "start", "end", "cue_start", "cue_end"],
                       "sources": ["hop", "start", "end"],
                       "documents": ["n_chars", "n_sentences", "n_quotes"]}.items():
        for c in cols:
            assert str(frames[name][c].dtype) in ("int32", "Int32"), (name, c, frames[name][c].dtype)


def test_round_trip_data_has_null_offsets(round_trip):
    """The synthetic texts hold implicit speakers, so the nullable columns really hold nulls."""
    rows, frames = round_trip
    assert any(r["speaker_start"] is None for r in rows["quotes"])
    assert frames["quotes"]["speaker_start"].isna().any()


def test_parquet_nullable_integer_columns_read_as_integers(round_trip):
    _, frames = round_trip
    q = frames["quotes"]
    for c in ("speaker_start", "speaker_end"):
        assert str(q[c].dtype) in ("Int32", "int32"), (c, q[c].dtype)
    row = next(r for r in q.itertuples() if not pd.isna(r.speaker_start))
    texts = dict(zip(frames["documents"]["doc_id"], frames["documents"]["text"]))
    assert texts[row.doc_id][row.speaker_start:row.speaker_end] == row.speaker


def test_parquet_list_and_string_columns_are_usable(round_trip):
    rows, frames = round_trip
    q = frames["quotes"]
    assert q["kind"].dtype != object or q["kind"].map(type).eq(str).all()
    relayed = q["relayed_by"].tolist()
    assert [list(x) for x in relayed] == [r["relayed_by"] for r in rows["quotes"]]
