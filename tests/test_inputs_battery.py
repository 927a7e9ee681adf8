"""Bad and awkward inputs: no crash, every bad one rejected with its reason, every good one processed."""
from __future__ import annotations

import csv
import gzip
import json
import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import EXIT_REJECTED, main
from pipeline.io import InputOptions, clean_html, detect_decode
from pipeline.runner import RunOptions, run_batch

ARTICLE = ("قال وزير الخارجية عادل الجبير إن «المملكة ترحب بالاتفاق وتدعو جميع الأطراف إلى الالتزام به». "
           "وأضاف أن الرياض ستواصل دعمها للحل السياسي.")


def _opts(**kw) -> RunOptions:
    return RunOptions(workers=1, progress=False, quiet=True, **kw)


@pytest.fixture
def battery(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good, bad = set(), {}
    (d / "empty.txt").write_bytes(b"")
    bad["empty"] = "E101"
    (d / "junk.txt").write_bytes(bytes(range(256)) * 8 + os.urandom(2048))
    bad["junk"] = "E106"
    (d / "broken_utf8.txt").write_bytes(ARTICLE.encode() + b" \xc3\x28 \xff " + ARTICLE.encode())
    bad["broken_utf8"] = "E102"
    (d / "cp1256.txt").write_bytes(ARTICLE.encode("cp1256"))
    good.add("cp1256")
    (d / "utf16.txt").write_bytes(ARTICLE.encode("utf-16"))  # with BOM
    good.add("utf16")
    (d / "utf8_bom.txt").write_bytes(ARTICLE.encode("utf-8-sig"))
    good.add("utf8_bom")
    (d / "bidi.txt").write_text("\u202b" + ARTICLE.replace("الجبير", "\u200fالجبير\u200f") + "\u202c\u2067 x \u2069",
                                encoding="utf-8")
    good.add("bidi")
    (d / "stray_controls.txt").write_text(" \x1a\x1a " + ARTICLE, encoding="utf-8")  # as in real archives
    good.add("stray_controls")
    (d / "huge.txt").write_text(("قال الوزير إن الاتفاق مهم " * 200_000)[:2_600_000], encoding="utf-8")  # ~5 MB, one line
    bad["huge"] = "E110"
    (d / "page.txt").write_text(f"<html><head><style>p{{color:red}}</style></head><body><p>{ARTICLE}</p>"
                                "<p>وقال المتحدث: &laquo;لا تعليق&raquo; &amp; انتهى.</p></body></html>", encoding="utf-8")
    good.add("page")
    (d / "quotes.txt").write_text("قال الوزير: «هذا «مهم» جدا. وأضاف “نحن «هنا» و“هناك”. "
                                  "ثم قال «لا شيء » » « وقال ”عكسية“ و\"مفتوحة", encoding="utf-8")
    good.add("quotes")
    lines = [json.dumps({"id": "j1", "text": ARTICLE, "title": "عنوان &amp; آخر"}, ensure_ascii=False),
             "{not json at all",
             json.dumps({"id": "j3", "title": "no text"}),
             json.dumps({"id": "j4", "text": 42}),
             json.dumps({"id": "j5", "text": "   "}),
             "",
             json.dumps(["a", "list"]),
             json.dumps({"id": "j1", "text": ARTICLE + " مكرر"}, ensure_ascii=False)]
    (d / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.add("j1")
    bad.update({"mixed.jsonl:2": "E103", "j3": "E104", "j4": "E105", "j5": "E101", "mixed.jsonl:7": "E103"})
    with gzip.open(d / "feed.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"doc_id": "g1", "text": ARTICLE}, ensure_ascii=False) + "\n")
    good.add("g1")
    (d / "nothing.jsonl").write_bytes(b"\n\n")
    bad["nothing.jsonl"] = "E101"
    (d / "ignored.bin").write_bytes(b"\x00\x01")  # unsupported in a folder: not read at all
    return d, good, bad


def test_battery_of_bad_inputs(battery, tmp_path):
    d, good, bad = battery
    out = tmp_path / "out"
    stats = run_batch([str(d)], out, options=_opts())
    docs = pd.read_parquet(out / "documents")
    rej = pd.read_parquet(out / "rejected")
    assert set(docs.doc_id) == good
    reasons = dict(zip(rej.doc_id, rej.reason))
    for doc_id, code in bad.items():
        assert reasons.get(doc_id) == code, (doc_id, reasons.get(doc_id), code)
    assert (rej.reason == "E109").sum() == 1  # the second j1
    assert all(m.startswith("[E1") for m in rej.message)
    assert stats["processed"] == len(good) and stats["rejected"] == len(rej)
    text = dict(zip(docs.doc_id, docs.text))
    assert text["cp1256"] == ARTICLE and text["utf16"] == ARTICLE and text["utf8_bom"] == ARTICLE
    assert "<" not in text["page"] and "color" not in text["page"] and "«لا تعليق»" in text["page"]
    assert docs.set_index("doc_id").loc["j1", "title"] == "عنوان & آخر"
    quotes = pd.read_parquet(out / "quotes")
    for q in quotes.itertuples():  # offsets hold in the cleaned text, bidi controls included
        assert text[q.doc_id][q.start:q.end] == q.text
    assert set(quotes.doc_id) >= {"cp1256", "utf16", "bidi"}


def test_cli_exit_code_for_rejections(battery, tmp_path):
    d, _, _ = battery
    assert main([str(d), "--out", str(tmp_path / "o"), "--quiet", "--workers", "1"]) == EXIT_REJECTED


def test_csv_and_parquet_with_configured_columns(tmp_path):
    rows = [{"article_id": "c1", "body": ARTICLE, "title": "t"}, {"article_id": "c2", "body": ""}]
    with open(tmp_path / "a.csv", "w", encoding="cp1256", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["article_id", "body", "title"])
        w.writeheader()
        w.writerows(rows)
    pq.write_table(pa.table({"article_id": ["p1", "p2"], "body": [ARTICLE, None]}), tmp_path / "b.parquet")
    (tmp_path / "c.csv").write_text("id,other\n1,x\n", encoding="utf-8")  # no text column
    out = tmp_path / "out"
    opts = _opts(inputs=InputOptions(id_fields=("article_id",), text_fields=("body",)))
    run_batch([str(tmp_path / "a.csv"), str(tmp_path / "b.parquet"), str(tmp_path / "c.csv")], out, options=opts)
    docs = pd.read_parquet(out / "documents")
    rej = pd.read_parquet(out / "rejected")
    assert sorted(docs.doc_id) == ["c1", "p1"]
    assert docs.set_index("doc_id").loc["c1", "text"] == ARTICLE
    assert dict(zip(rej.doc_id, rej.reason)) == {"c2": "E101", "p2": "E104", "c.csv": "E104"}


def test_detect_decode_and_html_cleaning():
    assert detect_decode(ARTICLE.encode("utf-16-be"))[1] == "E106"  # UTF-16 without BOM: not guessed
    assert detect_decode(b"\xfe\xff" + ARTICLE.encode("utf-16-be")) == (ARTICLE, "utf-16-be")
    assert detect_decode("Ça coûte très cher à Genève".encode("latin-1"))[0] is None  # not Arabic: no silent guess
    assert detect_decode(ARTICLE.encode("cp1256")) == (ARTICLE, "cp1256")
    assert clean_html("a < b and c > d") == "a < b and c > d"  # not HTML: unchanged
    assert clean_html("<b>قال</b> &quot;نعم&quot;<br>ثم") == 'قال "نعم"\nثم'
