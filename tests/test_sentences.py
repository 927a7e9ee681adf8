"""Quote-aware sentence segmentation (stages/sentencizer.py).

``doc._.isnad_sentences`` holds (start, end) offsets in the normalised text;
``doc.sents`` / ``token.is_sent_start`` are set from them.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from stages.textnorm import fold

ROOT = Path(__file__).resolve().parent.parent


def sentences(doc) -> list[str]:
    norm = doc._.isnad_norm.text
    return [norm[s:e] for s, e in doc._.isnad_sentences]


def orig_sentences(doc) -> list[str]:
    n = doc._.isnad_norm
    return [doc.text[n.to_orig(s):n.to_orig_end(e)] for s, e in doc._.isnad_sentences]


def split(nlp, text: str) -> list[str]:
    return orig_sentences(nlp(text))


# ------------------------------------------------------------- terminators

@pytest.mark.parametrize("text, expected", [
    ("وصل الوفد إلى الرياض. وبدأت المحادثات اليوم.",
     ["وصل الوفد إلى الرياض.", "وبدأت المحادثات اليوم."]),
    ("هل انتهت الأزمة؟ لا أحد يعرف الجواب.",
     ["هل انتهت الأزمة؟", "لا أحد يعرف الجواب."]),
    ("يا له من يوم! عاد الهدوء إلى المدينة.",
     ["يا له من يوم!", "عاد الهدوء إلى المدينة."]),
    ("ثم انتهى الأمر… وبعدها عاد الهدوء.",
     ["ثم انتهى الأمر…", "وبعدها عاد الهدوء."]),
    ("هل انتهت? نعم انتهت.", ["هل انتهت?", "نعم انتهت."]),
])
def test_arabic_punctuation_ends_sentences(nlp, text, expected):
    assert split(nlp, text) == expected


def test_newline_ends_a_paragraph_and_its_sentence(nlp):
    text = "الرياض - واس\nوصل الوفد إلى الرياض\n\nوبدأت المحادثات اليوم"
    assert split(nlp, text) == ["الرياض - واس", "وصل الوفد إلى الرياض", "وبدأت المحادثات اليوم"]
    paras = nlp(text)._.isnad_paragraphs
    assert len(paras) == 3


def test_crlf_paragraphs(nlp):
    text = "وصل الوفد إلى الرياض\r\nوبدأت المحادثات اليوم"
    got = split(nlp, text)
    assert [s.strip() for s in got] == ["وصل الوفد إلى الرياض", "وبدأت المحادثات اليوم"]


# ------------------------------------------------------------- no-split

@pytest.mark.parametrize("text", [
    "وارتفع النمو بنسبة 2.5 في المئة خلال العام الماضي.",
    "وارتفع النمو بنسبة ٢٫٥ في المئة خلال العام الماضي.",
    "وارتفع النمو بنسبة ٢.٥ في المئة خلال العام الماضي.",  # Arabic-Indic digits, ASCII point
    "وذكرت أ.ف.ب أن الوفد وصل إلى الرياض مساء أمس.",
    "وقال د. محمد العلي إن الوفد وصل إلى الرياض.",
    "وتابع أن الوفد.. وصل إلى الرياض مساء أمس.",
    "وأعلن الموقع www.spa.gov.sa أن الوفد وصل.",
])
def test_decimals_and_abbreviations_do_not_split(nlp, text):
    assert split(nlp, text) == [text]


YEAR_MARK = ("a dot after the era letter of a date (2015م. / 1436هـ.) is taken for a one-letter "
             "abbreviation (_no_split_dot), so the sentence runs on into the next one; these date "
             "endings are everywhere in Saudi news")


@pytest.mark.parametrize("first", [
    pytest.param("وعقد الاجتماع في عام 2015م.", id="gregorian-m"),
    pytest.param("وانطلق المهرجان في 10 شوال 1436هـ.", id="hijri-h-tatweel"),
    pytest.param("وانطلق المهرجان في 10 شوال 1436 هـ.", id="hijri-h-spaced"),
    pytest.param("وبلغت الحصيلة 15 قتيلا.", id="plain"),
    pytest.param("وبلغ النمو 3%.", id="percent"),
])
def test_sentence_ending_in_a_date_or_number_splits(nlp, first):
    second = "وقال المدير إن الإقبال كبير."
    assert split(nlp, f"{first} {second}") == [first, second]


def test_decimal_inside_a_longer_text(nlp):
    text = "بلغ التضخم 2.5 في المئة. وقال الوزير إن النسبة مقبولة."
    assert split(nlp, text) == ["بلغ التضخم 2.5 في المئة.", "وقال الوزير إن النسبة مقبولة."]


# ----------------------------------------------------------- quotations

def test_never_split_inside_a_quotation(nlp):
    text = "وقال الرئيس: «لن نتراجع. سنواصل العمل! هل تسمعون؟ حتى النهاية». وانتهى الاجتماع."
    assert split(nlp, text) == [
        "وقال الرئيس: «لن نتراجع. سنواصل العمل! هل تسمعون؟ حتى النهاية».",
        "وانتهى الاجتماع.",
    ]


def test_never_split_inside_straight_quotes(nlp):
    text = 'وقال الرئيس: "لن نتراجع. سنواصل العمل حتى النهاية". وانتهى الاجتماع.'
    assert split(nlp, text) == ['وقال الرئيس: "لن نتراجع. سنواصل العمل حتى النهاية".', "وانتهى الاجتماع."]


def test_terminator_runs_end_one_sentence(nlp):
    assert split(nlp, "هل هذا معقول؟! لا أحد يصدق ذلك...") == ["هل هذا معقول؟!", "لا أحد يصدق ذلك..."]


def test_arabic_comma_does_not_split(nlp):
    text = "وقال الوزير إن الاقتصاد قوي، وإن التضخم تحت السيطرة، وإن البطالة تتراجع."
    assert split(nlp, text) == [text]


@pytest.mark.parametrize("close", ["”", "»", '"'])
def test_quote_closing_after_the_full_stop_belongs_to_its_sentence(nlp, close):
    opener = {"”": "“", "»": "«", '"': '"'}[close]
    text = f"وقال الوزير {opener}إن الاقتصاد ينمو بثبات.{close} ثم غادر القاعة."
    assert split(nlp, text) == [f"وقال الوزير {opener}إن الاقتصاد ينمو بثبات.{close}", "ثم غادر القاعة."]


def test_unclosed_quote_guards_until_paragraph_end(nlp):
    text = "وقال “نتطلع إلى السلام. ونأمل أن يتحقق في عام 2018.\nوانتهى اللقاء."
    got = split(nlp, text)
    assert got[0] == "وقال “نتطلع إلى السلام. ونأمل أن يتحقق في عام 2018."
    assert got[-1] == "وانتهى اللقاء."


def test_name_in_marks_does_not_block_splitting(nlp):
    text = "وانعقد اجتماع “استانا 8”. وحضره ممثلون عن الدول الضامنة."
    assert split(nlp, text) == ["وانعقد اجتماع “استانا 8”.", "وحضره ممثلون عن الدول الضامنة."]


# ------------------------------------------------------------ semicolon

SEMI = "وقال الوزير إن القوات وصلت؛ لحماية المدنيين في المدينة."


def test_semicolon_does_not_end_a_sentence_by_default(nlp):
    assert split(nlp, SEMI) == [SEMI]
    q = nlp(SEMI)._.isnad_quotes
    assert len(q) == 1
    assert SEMI[q[0].ostart:q[0].oend] == "القوات وصلت؛ لحماية المدنيين في المدينة"


def test_default_config_says_semicolon_off():
    cfg = tomllib.loads((ROOT / "config" / "isnad.toml").read_text(encoding="utf-8"))
    assert cfg["sentences"]["split_on_semicolon"] is False
    assert "؛" not in cfg["sentences"]["terminators"]


@pytest.fixture(scope="module")
def nlp_semicolon(tmp_path_factory):
    """The pipeline with ``split_on_semicolon = true`` (a temp copy of the default
    configuration, lexicon paths made absolute)."""
    from pipeline.nlp import build_nlp
    src = ROOT / "config" / "isnad.toml"
    text = src.read_text(encoding="utf-8")
    lex_dir = (src.parent / "lexicons").resolve()
    text = re.sub(r'"lexicons/', f'"{lex_dir.as_posix()}/', text)
    text = text.replace("split_on_semicolon = false", "split_on_semicolon = true")
    assert "split_on_semicolon = true" in text
    path = tmp_path_factory.mktemp("cfg") / "isnad_semicolon.toml"
    path.write_text(text, encoding="utf-8")
    return build_nlp(str(path))


def test_semicolon_switch_splits(nlp_semicolon):
    got = orig_sentences(nlp_semicolon(SEMI))
    assert got == ["وقال الوزير إن القوات وصلت؛", "لحماية المدنيين في المدينة."]


def test_semicolon_switch_still_guards_quotations(nlp_semicolon):
    text = "وقال: «وصلت القوات؛ لحماية المدنيين». وانتهى الاجتماع."
    assert orig_sentences(nlp_semicolon(text)) == ["وقال: «وصلت القوات؛ لحماية المدنيين».", "وانتهى الاجتماع."]


# --------------------------------------------------- spaCy sentence view

def test_doc_sents_follow_isnad_sentences(nlp):
    text = "وقال الرئيس: «لن نتراجع. سنواصل». وانتهى الاجتماع! هل يعود الوفد؟\nربما غدا."
    doc = nlp(text)
    assert len(doc._.isnad_sentences) == 4
    spacy_sents = [s.text.strip() for s in doc.sents]
    assert spacy_sents == orig_sentences(doc)
    starts = [t.i for t in doc if t.is_sent_start]
    assert len(starts) == 4 and starts[0] == 0


def test_sentence_offsets_are_normalised_and_map_back(nlp):
    text = "وقالَ الوزيـــر إنّ الأمر محسوم. وانتهى الاجتماعُ."
    doc = nlp(text)
    norm = sentences(doc)
    assert norm == [fold("وقال الوزير ان الامر محسوم."), fold("وانتهي الاجتماع.")]
    assert orig_sentences(doc)[0] == "وقالَ الوزيـــر إنّ الأمر محسوم."


def test_quote_sentence_index_points_to_its_sentence(nlp):
    text = "وصل الوفد إلى الرياض. وقال الوزير إن المحادثات مثمرة."
    doc = nlp(text)
    (q,) = doc._.isnad_quotes
    s, e = doc._.isnad_sentences[q.sentence]
    n = doc._.isnad_norm
    assert n.to_orig(s) <= q.ostart and q.oend <= n.to_orig_end(e)
    assert q.sentence == 1
