"""speakers.person_key: one person or organisation across documents, from names only."""
from __future__ import annotations

import gzip
import itertools
import json

import pandas as pd
import pytest

from conftest import DATA
from pipeline import people
from pipeline.commands import who
from pipeline.runner import run_batch
from stages.lexicon import load_lexicon

CORPUS = DATA / "saudinewsnet.jsonl.gz"


@pytest.fixture(scope="module")
def lw():
    return people.Words.of(load_lexicon(None))


def key(lw, name, typ="person", title=None, aliases=()):
    return people.key_row(people.Row(name, typ, title, list(aliases)), lw)


# ----------------------------------------------------------------------------- one speaker

@pytest.mark.parametrize("name", ["الوزير", "المصدر", "المتحدث", "المتحدث الرسمي", "وزير الخارجية",
                                  "المتحدث الرسمي باسم الوزارة", "الملحق الثقافي"])
def test_a_bare_title_gets_no_key(lw, name):
    assert key(lw, name).key is None and key(lw, name).surname is None


def test_full_names_lose_their_title_and_keep_the_article(lw):
    assert key(lw, "وزير الخارجية السعودي عادل الجبير").key == "عادل الجبير"
    assert key(lw, "عادل بن أحمد الجبير", title="وزير الخارجية").key == "عادل الجبير"
    assert key(lw, "جبير المليحان", title="القاص").key == "جبير المليحان"
    assert key(lw, "د شالي الجدعاني رئيس مجلس الأمناء").key == "شالي الجدعاني"
    assert key(lw, "فلورنتينو بيريز رئيس ريال مدريد").key == "فلورنتينو بيريز"  # not the club
    # a patronymic chain without a family name is the name itself
    assert key(lw, "فهد بن سلطان بن عبدالعزيز", title="الأمير").key == "فهد بن سلطان بن عبدالعزيز"
    # the stage cut the name after بن: the title holds its start
    assert key(lw, "محمد القاسم", title="الشيخ عبدالعزيز بن").key == "عبدالعزيز القاسم"
    # presentation forms and spellings
    assert key(lw, "عبد الرحمن الركبان", title="المهندس").key == key(lw, "عبدالرحمن الركبان", title="المهندس").key


def test_a_phrase_is_not_a_name(lw):
    assert key(lw, "خادم الحرمين الشريفين يحفظه الله").key is None
    assert key(lw, "بضرورة الحفاظ").key is None  # no title, no known first name


def test_organisations_and_agencies(lw):
    assert key(lw, "وزارة الداخلية", "organization").key == "وزاره الداخليه"
    assert key(lw, "المملكة بأشد العبارات الجريمة", "organization").key == "المملكه"
    assert key(lw, "هيئة الغذاء والدواء", "organization").key == "هييه الغذاء والدواء"
    assert key(lw, "جامعة الدول العربية إقرار برلمان", "organization").key == "جامعه الدول العربيه"
    for bare in ("الوزارة", "الحكومة", "الشركة الأميركية", "صحيفة تركية"):
        assert key(lw, bare, "organization").key is None, bare
    assert key(lw, "البيان", "document").key is None
    assert key(lw, "مصادر مطلعة", "anonymous").key is None


def test_a_surname_joins_the_full_name_when_the_documents_agree(lw):
    rows = [people.Row("عادل الجبير", "person", "وزير الخارجية السعودي", []),
            people.Row("الجبير", "person", None, ["وزير الخارجية الجبير"]),  # agrees: الخارجية
            people.Row("الجبير", "person", None, []),  # nothing to agree on
            people.Row("الجبير", "person", "رئيس النادي", []),  # another office
            people.Row("تسيبراس", "person", "رئيس الوزراء اليوناني أليكسيس", []),
            people.Row("أليكسيس تسيبراس", "person", "رئيس الوزراء اليوناني", [])]
    keys, stats = people.resolve(rows, lw)
    assert keys[:4] == ["عادل الجبير", "عادل الجبير", None, None]
    assert keys[4] == keys[5] == "أليكسيس تسيبراس"  # the hamza says: no article
    assert stats["surnames_resolved"] == 2


def test_two_agreeing_full_names_leave_the_surname_alone(lw):
    rows = [people.Row("فهد الجبير", "person", "أمين المنطقة الشرقية", []),
            people.Row("محمد الجبير", "person", "أمين المنطقة الشرقية السابق", []),
            people.Row("الجبير", "person", "أمين المنطقة الشرقية", [])]
    keys, stats = people.resolve(rows, lw)
    assert keys[2] is None and stats["surnames_ambiguous"] == 1


def test_a_nationality_alone_is_too_weak_to_agree(lw):
    rows = [people.Row("محمد رضا نعمت زاده", "person", "وزير الصناعة الإيراني", []),
            people.Row("زاده", "person", "مساعدة الرئيس الإيراني", [])]
    assert people.resolve(rows, lw)[0][1] is None


# ----------------------------------------------------------------------------- in a run, and `who`

ARTICLES = [
    ("p1", "spa", "2015-07-01", "وقال وزير الخارجية السعودي عادل الجبير إن المملكة تدعم الحل السياسي في اليمن."),
    ("p2", "okaz", "2015-07-02", "وأكد وزير الخارجية الجبير أن العلاقات مع مصر قوية ومتينة."),
    ("p3", "alriyadh", "2015-07-03", "وقال رئيس شبكة القصة العربية جبير المليحان إن القصة القصيرة تعيش أزهى عصورها."),
    ("p4", "alwatan", "2015-07-04", "وقال الوزير إن المشروع سينتهي في موعده."),
    ("p5", "sabq", "2015-07-05", "وقال الوزير إن الميزانية تكفي لعام كامل."),
]


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("people")
    src = d / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "source": o, "date": dt, "text": t}, ensure_ascii=False) + "\n"
                           for i, o, dt, t in ARTICLES), encoding="utf-8")
    run_batch([str(src)], d / "out", None, workers=1, quiet=True, durable=False)
    return d / "out"


def test_person_keys_in_the_speakers_table(out):
    sp = pd.read_parquet(out / "speakers").set_index("doc_id")
    assert sp.loc["p1", "person_key"] == sp.loc["p2", "person_key"] == "عادل الجبير"
    assert sp.loc["p3", "person_key"] == "جبير المليحان"
    assert pd.isna(sp.loc["p4", "person_key"]) and pd.isna(sp.loc["p5", "person_key"])  # two ministers


def test_who_uses_the_person_key(out):
    def docs(name):
        return {r["doc_id"] for r in who.find_quotes(out, name)}
    assert docs("الجبير") == {"p1", "p2"}  # never the storyteller جبير المليحان
    assert docs("عادل الجبير") == {"p1", "p2"}  # p2 names him الجبير only, with his office
    assert docs("جبير المليحان") == {"p3"}
    assert "p3" in docs("جبير")  # without the article: the given name too


def test_no_bare_title_key_on_real_articles():
    if not CORPUS.exists():
        pytest.skip(f"shared data not available: {CORPUS}")
    lw = people.Words.of(load_lexicon(None))
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        docs = [json.loads(l) for l in itertools.islice(f, 3000, 3040)]
    from pipeline.nlp import build_nlp
    nlp = build_nlp()
    rows = [people.Row(sp.name, sp.type, sp.title, list(sp.aliases))
            for d in docs for sp in nlp(d["text"])._.isnad_speakers or []]
    keys, stats = people.resolve(rows, lw)
    assert stats["speakers"] >= 50 and stats["keyed"] >= 10
    for r, k in zip(rows, keys):
        if k:
            words = k.split()
            assert not all(people._is_title(w, lw) or people.has_article(w) for w in words) or r.type != "person", k
