"""Input fields, metadata checks and the messages a new user meets (issue 12, parts 1 and 2).

Real files, real runs: CSV/JSONL with other column names, lone surrogates, unreadable
dates, oversized lines, an output folder inside the input folder, empty folders.
"""
from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from conftest import ROOT
from pipeline.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE, main
from pipeline.fields import parse_date
from pipeline.io import InputOptions, clean_html, read_file
from pipeline.runner import RunOptions, run_batch
from test_batch_incremental import articles, write_jsonl

UTC = timezone.utc


def _opts(**kw) -> RunOptions:
    return RunOptions(workers=1, progress=False, quiet=True, **kw)


def _ratio(fn, make, n: int, factor: int = 8) -> float:
    """time(factor * n) / time(n), best of three each, measured in this one run: a
    linear step stays near ``factor``, a quadratic one near its square.  CPU time of
    this process, not wall time: on a shared machine the wall clock also counts the
    other processes' turns."""
    def best(k):
        s = make(k)
        ts = []
        for _ in range(3):
            t = time.process_time()
            fn(s)
            ts.append(time.process_time() - t)
        return min(ts)
    return best(factor * n) / max(best(n), 1e-6)


# ----------------------------------------------------------------------------- part 1: the driver

@pytest.mark.parametrize("shape", ["<!--", "<script>", "<style x=1>", "<p", "<head a", "<br ", "&amp;<!-- "])
def test_html_cleanup_is_linear(shape):
    """``<p>`` + ``<!--`` x 40,000 took 24 s (each unclosed opener rescanned to the end).
    Eight times the input (three doublings) must take less than 2.5x per doubling
    (15.6x); a quadratic step takes 64x.  Eight times, not two: on a busy machine the
    noise of one doubling is as large as the margin."""
    ratio = _ratio(clean_html, lambda k: "<p>" + shape * k, 30_000)
    assert ratio < 2.5 ** 3, f"{shape!r}: eight times the input took {ratio:.1f}x the time"


def test_html_cleanup_keeps_its_meaning():
    assert clean_html("<p>a<!-- x --> b<script>var a = '<p>';</script>c</p>") == "a b c"
    assert clean_html("<head><title>t</title></head><body>قال<!-- 1 --><!-- 2 -->:</body>") == "قال :"
    assert clean_html("<!-- never closed <b>نص</b>") == "<!-- never closed نص"  # as before: left as text
    assert clean_html("<STYLE>p{}</style >x<noscript>n</noscript>y") == "x y"


def test_oversized_jsonl_line_is_refused_while_reading(tmp_path):
    """A small .jsonl.gz with one enormous line: rejected (E110) without holding the line."""
    path = tmp_path / "bomb.jsonl.gz"
    n = 20_000_000  # 40 MB of UTF-8 on one line, ~40 KB compressed
    with gzip.open(path, "wb") as f:
        f.write(json.dumps({"id": "ok1", "text": "قال الوزير إن الاتفاق مهم."}, ensure_ascii=False).encode() + b"\n")
        f.write(b'{"id": "big", "text": "' + "ا".encode() * n + b'"}\n')
        f.write(json.dumps({"id": "ok2", "text": "وأكد المتحدث أن الوضع مستقر."}, ensure_ascii=False).encode() + b"\n")
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    items = list(read_file(path, InputOptions(max_chars=10_000)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [getattr(i, "reason", "ok") for i in items] == ["ok", "E110", "ok"]
    assert items[1].doc_id == "bomb.jsonl.gz:2" and "40,000,0" in items[1].message
    assert peak < 8_000_000, f"peak {peak:,} bytes: the line was held in memory"


def test_oversized_txt_is_refused_from_its_size(tmp_path):
    (tmp_path / "big.txt").write_text("قال " * 30_000, encoding="utf-8")
    (item,) = read_file(tmp_path / "big.txt", InputOptions(max_chars=10_000))
    assert item.reason == "E110" and "bytes" in item.message


# ----------------------------------------------------------------------------- 1b: metadata

def test_lone_surrogates_in_any_field_reject_that_record_only(tmp_path, capsys):
    text = "قال الوزير إن «المملكة ترحب بالاتفاق». وأضاف أن الحل سياسي."
    rows = [{"id": "good", "text": text, "title": "عنوان"},
            {"id": "bad\ud800id", "text": text},
            {"id": "t1", "title": "عنوان \udc00", "text": text},
            {"id": "u1", "url": "http://x/\ud83d", "text": text},
            {"id": "d1", "date": "2015-07-21\udfff", "text": text},
            {"id": "s1", "source": "\ud800", "text": text},
            {"id": "x1", "text": text + "\ud800"},
            {"id": "good2", "text": text}]
    src = tmp_path / "s.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")  # \\udXXX escapes
    out = tmp_path / "out"
    for _ in range(2):  # the run never crashes, and a re-run reports the same (exit 3)
        assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_REJECTED
    rej = pd.read_parquet(out / "rejected").set_index("doc_id")
    assert set(rej.index) == {"s.jsonl:2", "t1", "u1", "d1", "s1", "x1"}
    assert (rej.reason == "E112").all()
    assert "field id" in rej.loc["s.jsonl:2", "message"] and "field title" in rej.loc["t1", "message"]
    assert "field outlet" in rej.loc["s1", "message"] and "field text" in rej.loc["x1", "message"]
    assert sorted(pd.read_parquet(out / "documents").doc_id) == ["good", "good2"]


# ----------------------------------------------------------------------------- 2: fields and dates

def _csv_articles(path: Path, n: int = 4) -> list[dict]:
    arts = articles(n)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["article_id", "body", "headline", "link", "published", "paper"])
        w.writeheader()
        for a in arts:
            w.writerow({"article_id": a["id"], "body": a["text"], "headline": a["title"], "link": a["url"],
                        "published": a["date"], "paper": a["source"]})
    return arts


def test_csv_with_other_column_names_maps_every_field(tmp_path):
    arts = _csv_articles(tmp_path / "export.csv")
    out = tmp_path / "out"
    code = main([str(tmp_path / "export.csv"), "--out", str(out), "--workers", "1", "--quiet",
                 "--id-field", "article_id", "--text-field", "body", "--title-field", "headline",
                 "--url-field", "link", "--date-field", "published", "--outlet-field", "paper"])
    assert code == EXIT_OK
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert str(docs["date"].dtype) == "datetime64[us, UTC]"
    for a in arts:
        d = docs.loc[a["id"]]
        assert (d.title, d.url, d.outlet_id) == (a["title"], a["url"], a["source"])
        assert d.outlet and d.outlet != a["source"]  # the slug's name from lexicons/outlets.toml
        assert d.date == pd.Timestamp(datetime.fromisoformat(a["date"]).replace(tzinfo=UTC))


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_with_another_separator_is_read_by_its_header(tmp_path, sep):
    """A semicolon CSV (a spreadsheet's export in many locales) was one column named
    'id;text;title': every file rejected with E104."""
    arts = articles(3)
    src = tmp_path / "export.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=sep)
        w.writerow(["id", "text", "title"])
        for a in arts:  # texts hold commas, and a quoted separator
            w.writerow([a["id"], a["text"] + f"، نعم{sep}لا", a["title"]])
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_OK
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert sorted(docs.index) == sorted(a["id"] for a in arts)
    assert docs.loc[arts[0]["id"], "title"] == arts[0]["title"]
    assert docs.loc[arts[0]["id"], "text"].endswith(f"، نعم{sep}لا")


def test_field_names_from_the_configuration(tmp_path):
    arts = _csv_articles(tmp_path / "export.csv", 2)
    cfg_dir = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg_dir)
    cfg = cfg_dir / "isnad.toml"
    text = cfg.read_text(encoding="utf-8")
    for key, col in (("id", "article_id"), ("text", "body"), ("title", "headline"), ("url", "link"),
                     ("date", "published"), ("outlet", "paper")):
        text = __import__("re").sub(rf"(?m)^{key}_fields = .*$", f'{key}_fields = ["{col}"]', text)
    cfg.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(tmp_path / "export.csv"), "--out", str(out), "--config", str(cfg), "--workers", "1",
                 "--quiet"]) == EXIT_OK
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs.doc_id) == sorted(a["id"] for a in arts)
    assert docs.title.notna().all() and docs.url.notna().all() and docs.date.notna().all()
    cfg.write_text(text + '\n[input.bogus]\n', encoding="utf-8")
    assert main([str(tmp_path / "export.csv"), "--out", str(tmp_path / "o2"), "--config", str(cfg)]) == EXIT_USAGE


def test_missing_text_field_lists_the_columns_and_names_the_flag(tmp_path):
    (tmp_path / "a.csv").write_text("article_id,body,headline\n1,قال الوزير,ع\n", encoding="utf-8")
    src = write_jsonl(tmp_path / "b.jsonl", [{"id": "j1", "content": "قال", "headline": "ع"}])
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a.csv"), str(src)], out, options=_opts())
    msgs = dict(zip(*pd.read_parquet(out / "rejected")[["doc_id", "message"]].T.values))
    assert "article_id, body, headline" in msgs["a.csv"] and "--text-field" in msgs["a.csv"]
    assert "id, content, headline" in msgs["j1"] and "--text-field" in msgs["j1"]


def test_broken_json_message_is_a_whole_sentence(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "x", "text": \n[1, 2]\n{"id": "y", "text": "قال\nnull\n',
                                      encoding="utf-8")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a.jsonl")], out, options=_opts())
    rej = pd.read_parquet(out / "rejected").set_index("doc_id")
    assert rej.loc["a.jsonl:1", "message"] == "[E103] line 1 is not valid JSON: expecting value at column 21."
    assert rej.loc["a.jsonl:2", "message"] == "[E103] line 2 is not valid JSON: a JSON array, not an object."
    # json's own message ends with "at" here: it was "starting at at column 21"
    assert rej.loc["a.jsonl:3", "message"] == \
        "[E103] line 3 is not valid JSON: unterminated string starting at column 21."
    assert rej.loc["a.jsonl:4", "message"] == "[E103] line 4 is not valid JSON: a JSON null, not an object."


def test_ids_with_control_characters_or_of_text_length_are_rejected(tmp_path):
    """'a\\nb' and 'x\\x00' were written as doc_ids (a key terminals, CSV and links show),
    and --id-field naming the text column made every text an id."""
    text = "قال الوزير إن «المملكة ترحب بالاتفاق»."
    src = tmp_path / "ids.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for i in ("good", "a\nb", "z" * 1001, "tab\there", "ok2"):
            w.writerow([i, text])
    (tmp_path / "nul.jsonl").write_text(json.dumps({"id": "x\x00y", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), str(tmp_path / "nul.jsonl"), "--out", str(out), "--workers", "1", "--quiet"]) \
        == EXIT_REJECTED
    rej = pd.read_parquet(out / "rejected").set_index("doc_id")
    assert rej.reason.to_dict() == {"ids.csv:3": "E117", "ids.csv:4": "E118", "ids.csv:5": "E117",
                                    "nul.jsonl:1": "E117"}
    assert rej.loc["ids.csv:3", "message"] == \
        '[E117] field id holds a control character (U+000A at position 1: "a\\nb"), which an id cannot'
    assert "U+0000 at position 1" in rej.loc["nul.jsonl:1", "message"]
    assert "1,001 characters long" in rej.loc["ids.csv:4", "message"] and "--id-field" in rej.loc["ids.csv:4", "message"]
    assert sorted(pd.read_parquet(out / "documents").doc_id) == ["good", "ok2"]


def test_a_list_or_object_in_a_metadata_field_rejects_that_record(tmp_path):
    """A list id became the doc_id "['a']" and an object title the title "{'a': 1}"."""
    text = "قال الوزير إن «المملكة ترحب بالاتفاق»."
    rows = [{"id": ["a"], "text": text}, {"id": "t", "text": text, "title": {"a": 1}},
            {"id": "d", "text": text, "date": [2015, 7, 21]}, {"id": "n", "text": 7},
            {"id": 5, "text": text, "title": 12, "date": "2015-07-21"}, {"id": "  ", "text": text}]
    src = tmp_path / "m.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):  # reported again by a re-run, never written twice
        assert main([str(src), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_REJECTED
    rej = pd.read_parquet(out / "rejected").set_index("doc_id")
    assert sorted(rej.index) == ["d", "m.jsonl:1", "n", "t"]
    assert rej.loc["m.jsonl:1", "message"] == \
        "[E116] field id holds an array (['a']), not text, a number or a date"
    assert rej.loc["t", "reason"] == "E116" and "field title holds an object" in rej.loc["t", "message"]
    assert "field date holds an array" in rej.loc["d", "message"]
    assert rej.loc["n", "message"] == "[E105] document text is not a string but number"
    docs = pd.read_parquet(out / "documents")
    assert docs.doc_id.tolist() == ["5", "m.jsonl:6"]  # a blank id is known by its place, never ""
    assert docs.title.tolist()[0] == "12"  # numbers are fine as text


@pytest.mark.parametrize("value, expected", [
    ("2015-07-21 02:51:32", datetime(2015, 7, 21, 2, 51, 32, tzinfo=UTC)),
    ("2015-07-21T05:51:32+03:00", datetime(2015, 7, 21, 2, 51, 32, tzinfo=UTC)),
    ("2015-07-21T02:51:32.5Z", datetime(2015, 7, 21, 2, 51, 32, 500000, tzinfo=UTC)),
    ("2015/07/21", datetime(2015, 7, 21, tzinfo=UTC)),
    ("21/07/2015 02:51", datetime(2015, 7, 21, 2, 51, tzinfo=UTC)),
    ("٢٠١٥-٠٧-٢١", datetime(2015, 7, 21, tzinfo=UTC)),
    ("Tue, 21 Jul 2015 02:51:32 +0000", datetime(2015, 7, 21, 2, 51, 32, tzinfo=UTC)),
    ("yesterday", None), ("2015-13-45", None), ("", None), ("9" * 200, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_dates_are_utc_timestamps_and_bad_ones_null_with_a_warning(tmp_path, capsys):
    arts = articles(3)
    arts[0] = dict(arts[0], date="2015-07-21T05:51:32+03:00")
    arts[1] = dict(arts[1], date="قبل ساعتين")
    arts[2] = dict(arts[2], date=None)
    src = write_jsonl(tmp_path / "a.jsonl", arts)
    assert main([str(src), "--out", str(tmp_path / "out"), "--workers", "1"]) == EXIT_OK  # not a rejection
    err_out = capsys.readouterr().out
    assert "warning: 1 date(s) could not be read" in err_out and "قبل ساعتين" in err_out
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs.loc[arts[0]["id"], "date"] == pd.Timestamp("2015-07-21 02:51:32", tz="UTC")
    assert pd.isna(docs.loc[arts[1]["id"], "date"]) and pd.isna(docs.loc[arts[2]["id"], "date"])


# ----------------------------------------------------------------------------- 2: what is read

@pytest.mark.parametrize("out_rel", ["feed.jsonl", "afile/sub"])
def test_an_output_path_that_is_a_file_says_so(tmp_path, capsys, out_rel):
    """--out naming a file (the input itself, say) was 'not writable: File exists'."""
    src = write_jsonl(tmp_path / "feed.jsonl", articles(2))
    (tmp_path / "afile").write_text("x")
    assert main([str(src), "--out", str(tmp_path / out_rel), "--quiet"]) == EXIT_USAGE
    blocker = tmp_path / out_rel.split("/")[0]
    assert f"[E202] output folder {tmp_path / out_rel} is not writable: {blocker} is a file, not a folder" \
        in capsys.readouterr().err
    assert src.read_text(encoding="utf-8").count("\n") == 2  # the input is untouched


def test_output_folder_inside_the_input_is_never_read(tmp_path):
    inp = tmp_path / "news"
    inp.mkdir()
    write_jsonl(inp / "feed.jsonl", articles(5))
    out = inp / "out"
    first = run_batch([str(inp)], out, options=_opts())
    assert (first["processed"], first["rejected"]) == (5, 0)
    second = run_batch([str(inp)], out, options=_opts())  # out/ now holds Parquet files and _isnad/
    assert (second["processed"], second["rejected"], second["skipped"]) == (0, 0, 5)
    assert any("isnad output" in n for n in second["notes"])
    # a copy of a table elsewhere in the input (no _isnad/ beside it) is recognised too
    shutil.copytree(out / "documents", inp / "copied")
    third = run_batch([str(inp)], tmp_path / "elsewhere", options=_opts())
    assert (third["processed"], third["rejected"]) == (5, 0)
    # named directly: skipped; and when nothing else is left, a usage error
    part = next((out / "documents").rglob("*.parquet"))
    assert main([str(part), "--out", str(tmp_path / "o3")]) == EXIT_USAGE


def test_unsupported_missing_and_empty_inputs_are_usage_errors(tmp_path, capsys):
    (tmp_path / "a.json").write_text('{"id": 1, "text": "قال"}\n', encoding="utf-8")
    assert main([str(tmp_path / "a.json"), "--out", str(tmp_path / "o")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "E113" in err and ".jsonl" in err and ".csv" in err and "rename it .jsonl" in err
    assert main([str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")]) == EXIT_USAGE
    assert "E107" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([str(empty), "--out", str(tmp_path / "o")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "E114" in err and "no input files" in err
    assert main([str(tmp_path), "--out", str(tmp_path / "o")]) == EXIT_USAGE  # only a.json in it
    assert "a.json" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing written


def test_small_input_with_workers_says_it_runs_in_one_process(tmp_path, capsys):
    src = write_jsonl(tmp_path / "a.jsonl", articles(2))
    assert main([str(src), "--out", str(tmp_path / "out"), "--workers", "2"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "ran in this process, not in 2 workers" in err


def test_a_no_op_run_writes_nothing(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", articles(2))
    out = tmp_path / "out"
    run_batch([str(src)], out, options=_opts())
    before = sorted(p.relative_to(out) for p in out.rglob("*") if "_isnad" not in p.parts)
    stats = run_batch([str(src)], out, options=_opts())
    assert stats["skipped"] == 2
    assert sorted(p.relative_to(out) for p in out.rglob("*") if "_isnad" not in p.parts) == before


def test_summary_ranks_named_speakers_and_puts_anonymous_and_documents_apart(tmp_path, capsys):
    text = ("وقال وزير الخارجية عادل الجبير إن المملكة تدعم الحل. وقالت مصادر مطلعة إن الاجتماع تأجل. "
            "وأفادت المصادر أن الوفد وصل. وذكر التقرير أن النمو تراجع. وجاء في البيان أن الوضع مستقر.")
    src = write_jsonl(tmp_path / "a.jsonl", [{"id": "s1", "text": text}])
    assert main([str(src), "--out", str(tmp_path / "out"), "--workers", "1"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    top = lines.index("top speakers (people and organisations):")
    assert "الجبير" in lines[top + 1]
    named = [ln for ln in lines[top + 1:] if ln.startswith("    ")]
    assert not any("المصادر" in ln or "التقرير" in ln or "البيان" in ln for ln in named)
    assert any(ln.startswith("  anonymous sources:") for ln in lines)
    assert any(ln.startswith("  documents:") for ln in lines)


def test_file_names_that_are_not_utf8_are_written_escaped(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    name = os.fsdecode(b"\xe9t\xe9-\xff.txt")  # Latin-1 bytes: lone surrogates in Python
    (d / name).write_text("قال الوزير إن «المملكة ترحب بالاتفاق». وأضاف أن الحل سياسي.", encoding="utf-8")
    (d / os.fsdecode(b"vide-\xfe.txt")).write_bytes(b"")
    out = tmp_path / "out"
    assert main([str(d), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_REJECTED
    docs = pd.read_parquet(out / "documents")
    assert len(docs) == 1 and "\\udce9" in docs.source_path[0] and "\\udce9" in docs.doc_id[0]
    rej = pd.read_parquet(out / "rejected")
    assert list(rej.reason) == ["E101"] and "\\udcfe" in rej.source_path[0]
    assert main([str(d), "--out", str(out), "--workers", "1", "--quiet"]) == EXIT_REJECTED  # and again
