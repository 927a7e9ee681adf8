"""`run.py who`: every quote by one speaker, across documents, with spelling variants."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from pipeline.commands import who
from pipeline.cli import main as cli_main

ARTICLES = [
    ("w1", "spa", "2015-03-01",
     "وقال وزير الخارجية السعودي عادل الجبير إن المملكة تدعم الحل السياسي في اليمن. "
     "وأضاف أن الرياض لن تتردد في حماية أمنها."),
    ("w2", "okaz", "2015-03-02", "وأكد الجبير أن العلاقات مع مصر قوية ومتينة."),
    ("w3", "alriyadh", "2015-03-03", "وقال خالد عليان إن الأسعار سترتفع هذا العام."),
    ("w4", "alwatan", "2015-03-04", "وقال محمد الجبيري إن الموسم الزراعي كان جيدا."),
    ("w5", "aawsat", "2015-03-05", "وقال خيرات عبد الرحمانوف إن الاجتماع المقبل سيعقد في أستانا."),
    ("w6", "alyaum", "2015-03-06", "وقال عبدالرحمانوف إن الوفود ستصل غدا."),
    ("w7", "aawsat", "2015-03-07", "وقال الجبير لـ«الشرق الأوسط» إن الحوار هو الطريق الوحيد."),
    ("w8", "sabq", "2015-03-08", "وقال المتحدث الرسمي أسامة نقلي إن الوزارة تتابع أوضاع المواطنين."),
]
JUBEIR = {"المملكة تدعم الحل السياسي في اليمن", "الرياض لن تتردد في حماية أمنها",
          "العلاقات مع مصر قوية ومتينة", "الحوار هو الطريق الوحيد"}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from pipeline.runner import run_batch
    d = tmp_path_factory.mktemp("who")
    src = d / "articles.jsonl"
    src.write_text("".join(json.dumps({"id": i, "source": o, "date": dt, "title": i, "text": t,
                                       "url": f"https://example.org/{i}"},
                                      ensure_ascii=False) + "\n" for i, o, dt, t in ARTICLES),
                   encoding="utf-8")
    run_batch([str(src)], d / "out", None)
    return d / "out"


def quotes(out, name):
    return {r["quote"] for r in who.find_quotes(out, name)}


# ------------------------------------------------------------------ normalisation (no pipeline)

def test_name_words_fold_article_and_abd():
    assert who.name_words("وزيرُ الخارجيّة عادل الجبـیر") == ["وزير", "خارجيه", "عادل", "جبير"]
    assert who.name_key("خيرات عبد الرحمانوف") == who.name_key("خيرات عبدالرحمانوف")
    assert who.name_key("أسامة") == who.name_key("اسامه") == who.name_key("إسامه")
    assert who.name_key("مصطفى") == who.name_key("مصطفي")


def test_whole_words_only():
    assert who.matches(who.name_key("علي"), "الدكتور علي الأحمد")
    assert not who.matches(who.name_key("علي"), "خالد عليان")
    assert not who.matches(who.name_key("علي"), "المشرف العام على الفريق")  # the preposition
    assert who.matches(who.name_key("علي"), "المشرف العام على الفريق عَلِي الغانم")
    assert not who.matches(who.name_key("الجبير"), "محمد الجبيري")
    assert who.matches(who.name_key("الجبير"), "وزير الخارجية عادل الجبير")
    assert who.matches(who.name_key("عادل الجبير"), "وزير الخارجية عادل الجبير")
    assert not who.matches(who.name_key("الجبير عادل"), "عادل الجبير")  # consecutive, in order


def test_patronymic_may_be_left_out():
    assert who.matches(who.name_key("عادل الجبير"), "وزير الخارجية عادل بن أحمد الجبير")
    assert who.matches(who.name_key("عادل بن أحمد الجبير"), "عادل بن أحمد الجبير")
    assert who.matches(who.name_key("بن لادن"), "أسامة بن لادن")
    assert not who.matches(who.name_key("عادل الجبير"), "عادل بن الجبير")  # nothing to skip


def test_prefilter_keeps_every_spelling():
    rx = who.prefilter(who.name_words("عادل الجبير"))
    for raw in ("عادِل الجبیر", "عـادل الجبـير", "وزير الخارجية عادل جبير"):
        assert rx.search(raw), raw
    assert who.prefilter(who.name_words("اسامه")).search("أُسامة")
    assert who.prefilter(who.name_words("عبدالرحمانوف")).search("عبد الرحمانوف")


# ------------------------------------------------------------------ end to end on real output

def test_surname_finds_full_name_across_documents_and_implicit_quotes(out):
    rows = who.find_quotes(out, "الجبير")
    assert {r["quote"] for r in rows} == JUBEIR
    assert {r["doc_id"] for r in rows} == {"w1", "w2", "w7"}
    implicit = [r for r in rows if r["speaker"] is None]
    assert [r["quote"] for r in implicit] == ["الرياض لن تتردد في حماية أمنها"]
    first = rows[0]  # oldest first
    assert (first["date"].isoformat(), first["outlet"]) == ("2015-03-01T00:00:00+00:00", "spa")
    assert first["sentence"].startswith("وقال وزير الخارجية السعودي عادل الجبير")


@pytest.mark.parametrize("name", ["جبير", "الجبیر", "ألجبير", "الجبـير", "الجَبِير"])
def test_spelling_variants(out, name):
    assert quotes(out, name) == JUBEIR


def test_full_name_and_title(out):
    assert quotes(out, "عادل الجبير") == {"المملكة تدعم الحل السياسي في اليمن",
                                         "الرياض لن تتردد في حماية أمنها"}
    assert quotes(out, "وزير الخارجية") >= {"المملكة تدعم الحل السياسي في اليمن"}


def test_taa_marbuta_and_hamza(out):
    assert quotes(out, "اسامه نقلي") == {"الوزارة تتابع أوضاع المواطنين"}


def test_abd_compound(out):
    expected = {"الاجتماع المقبل سيعقد في أستانا", "الوفود ستصل غدا"}
    assert quotes(out, "عبد الرحمانوف") == expected
    assert quotes(out, "عبدالرحمانوف") == expected


def test_no_partial_words(out):
    assert quotes(out, "علي") == set()  # not عليان
    assert "الموسم الزراعي كان جيدا" not in quotes(out, "الجبير")  # not الجبيري
    assert quotes(out, "عليان") == {"الأسعار سترتفع هذا العام"}


def test_relay_chain(out):
    (row,) = [r for r in who.find_quotes(out, "الجبير") if r["doc_id"] == "w7"]
    assert "الشرق الأوسط" in row["relayed_by"]
    assert "الشرق الأوسط" in row["chain"]


# ------------------------------------------------------------------ command line

def test_cli_table_and_exit_codes(out, capsys):
    assert cli_main(["who", "الجبير", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 quotes by «الجبير» in 3 outlets" in text
    assert "الحوار هو الطريق الوحيد" in text and "الشرق الأوسط" in text

    assert cli_main(["who", "علي", "--out", str(out)]) == 1
    assert "no quotes found for «علي»" in capsys.readouterr().out


def test_cli_json_csv_limit(out, capsys):
    assert cli_main(["who", "الجبير", "--out", str(out), "--format", "json", "--limit", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 2 and {"date", "outlet", "quote", "sentence", "relayed_by", "sources"} <= set(data[0])
    assert cli_main(["who", "الجبير", "--out", str(out), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("date,outlet,doc_id") and len(lines) == 5
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert all(r["url"] == f"https://example.org/{r['doc_id']}" and r["title"] == r["doc_id"] for r in rows)
    assert rows[0]["date"] == "2015-03-01T00:00:00+00:00"


def test_cli_no_output_folder(tmp_path, capsys):
    assert cli_main(["who", "الجبير", "--out", str(tmp_path)]) == 2
    assert "no isnad output" in capsys.readouterr().err
    assert cli_main(["who", "الجبير", "--out", str(tmp_path / "missing")]) == 2


def test_hive_partitioned_dataset(out, tmp_path):
    # OUT/<table>/run_id=.../part-*.parquet, the same run twice: still one row per quote
    for table in who.TABLES:
        for run in ("a", "b"):
            d = tmp_path / table / f"run_id={run}"
            d.mkdir(parents=True)
            for i, f in enumerate(sorted((out / table).rglob("*.parquet"))):
                shutil.copy(f, d / f"part-{i}.parquet")
    rows = who.find_quotes(tmp_path, "الجبير")
    assert sorted(r["quote"] for r in rows) == sorted(JUBEIR)


def test_unpaired_part_files_fall_back_to_whole_tables(out, tmp_path):
    # sentences and documents not written beside the quotes: still found, through a full read
    for table in who.TABLES:
        d = tmp_path / table / ("run_id=x" if table == "quotes" else "elsewhere")
        d.mkdir(parents=True)
        for i, f in enumerate(sorted((out / table).rglob("*.parquet"))):
            shutil.copy(f, d / f"part-{i}.parquet")
    rows = who.find_quotes(tmp_path, "الجبير")
    assert {r["quote"] for r in rows} == JUBEIR
    assert all(r["sentence"] and r["outlet"] for r in rows)
