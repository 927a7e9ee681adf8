"""Quotation-mark pairing and names in marks (stages/quotemarks.py).

``doc._.isnad_marks`` holds Mark records in normalised offsets: ``open_at`` /
``close_at`` are the mark characters, ``start``/``end`` the inside, ``is_name``
tells a name or title in marks from quoted speech.
"""
from __future__ import annotations

import pytest

BODY = "إن الاقتصاد ينمو بثبات رغم الظروف الصعبة"


def marks(doc):
    norm = doc._.isnad_norm.text
    return [(norm[m.start:m.end], m) for m in doc._.isnad_marks]


def orig_inner(doc, m) -> str:
    n = doc._.isnad_norm
    return doc.text[n.to_orig(m.start):n.to_orig_end(m.end)]


def speech(doc):
    return [m for m in doc._.isnad_marks if not m.is_name]


@pytest.mark.parametrize("open_, close", [
    ("«", "»"), ("“", "”"), ("„", "“"), ("‹", "›"), ('"', '"'), ("'", "'"), ("〝", "〞"),
])
def test_mark_pairs(nlp, open_, close):
    text = f"وقال الوزير {open_}{BODY}{close} ثم غادر القاعة."
    doc = nlp(text)
    (m,) = doc._.isnad_marks
    n = doc._.isnad_norm
    assert doc.text[n.to_orig(m.open_at)] == open_
    assert m.close_at is not None and doc.text[n.to_orig(m.close_at)] == close
    assert orig_inner(doc, m) == BODY
    assert not m.is_name
    (q,) = doc._.isnad_quotes
    assert q.kind == "direct"
    assert text[q.ostart:q.oend] == BODY


def test_apostrophe_inside_a_word_is_not_a_mark(nlp):
    doc = nlp("وزار الوفد مخيم Za'atari أمس.")
    assert doc._.isnad_marks == []


def test_unclosed_quote_ends_at_paragraph_end(nlp):
    text = "وقال “نتطلع إلى تعزيز التعاون الاقتصادي في عام 2018.\nوانتهى اللقاء بالتوقيع."
    doc = nlp(text)
    (m,) = speech(doc)
    assert m.close_at is None
    assert orig_inner(doc, m) == "نتطلع إلى تعزيز التعاون الاقتصادي في عام 2018."
    (q,) = doc._.isnad_quotes
    assert q.kind == "direct"
    assert text[q.ostart:q.oend] == "نتطلع إلى تعزيز التعاون الاقتصادي في عام 2018"


def test_unclosed_quote_at_end_of_text(nlp):
    text = "وقال الرئيس: «سنواصل الإصلاحات الاقتصادية مهما كانت الصعوبات"
    doc = nlp(text)
    (m,) = speech(doc)
    assert m.close_at is None
    (q,) = doc._.isnad_quotes
    assert text[q.ostart:q.oend] == "سنواصل الإصلاحات الاقتصادية مهما كانت الصعوبات"


def test_quote_over_several_sentences(nlp):
    text = "وقال الرئيس: «لن نتراجع. سنواصل العمل! هل تسمعون؟ حتى النهاية». وانتهى الاجتماع."
    doc = nlp(text)
    (m,) = speech(doc)
    assert orig_inner(doc, m) == "لن نتراجع. سنواصل العمل! هل تسمعون؟ حتى النهاية"
    (q,) = doc._.isnad_quotes
    assert q.kind == "direct"
    assert text[q.ostart:q.oend] == "لن نتراجع. سنواصل العمل! هل تسمعون؟ حتى النهاية"


@pytest.mark.parametrize("open_, close", [("«", "»"), ("“", "”")])
@pytest.mark.parametrize("paragraphs", [
    ["نحن لن نتراجع عن موقفنا الثابت.", "ونحن ماضون في طريقنا حتى النهاية"],
    ["لم نكن في يومنا.", "سنعود أقوى في المباراة المقبلة.", "الجمهور يستحق الأفضل"],
], ids=["two-paragraphs", "three-paragraphs"])
def test_reopened_mark_at_each_paragraph_is_one_quote(nlp, open_, close, paragraphs):
    body = f"\n{open_}".join(paragraphs)
    text = f"وقال الرئيس: {open_}{body}{close}.\nوانتهى اللقاء."
    doc = nlp(text)
    (m,) = speech(doc)
    inner = orig_inner(doc, m)
    assert inner == body
    assert m.close_at is not None
    quotes = doc._.isnad_quotes
    assert len(quotes) == 1
    assert quotes[0].kind == "direct"
    assert text[quotes[0].ostart:quotes[0].oend] == body
    assert "الرئيس" in text[quotes[0].ospeaker_start:quotes[0].ospeaker_end]


def test_quote_closing_in_the_next_paragraph_continues(nlp):
    first = "رغم منع التنظيم للصلاة، أقام المواطنون صلاة العيد في المساجد."
    second = "وبحسب المعلومات الواردة إلينا فإن المعتقلين نقلوا إلى جهة مجهولة"
    text = f"وقال المسؤول لـ«الشرق الأوسط»: «{first}\n\n{second}». وأضاف المسؤول أن التنظيم يواصل حملته."
    doc = nlp(text)
    (m,) = speech(doc)
    assert m.close_at is not None
    assert orig_inner(doc, m) == f"{first}\n\n{second}"
    contents = [text[q.ostart:q.oend] for q in doc._.isnad_quotes]
    assert contents == [f"{first}\n\n{second}", "التنظيم يواصل حملته"]


def test_unclosed_paragraph_not_reopened_stays_in_its_paragraph(nlp):
    text = "وقال الرئيس: «نحن لن نتراجع عن موقفنا الثابت.\nوانتهى اللقاء بعد ساعتين من النقاش."
    doc = nlp(text)
    (m,) = speech(doc)
    assert m.close_at is None
    assert orig_inner(doc, m) == "نحن لن نتراجع عن موقفنا الثابت."


def test_nested_marks(nlp):
    text = "وقال الرئيس: «إن شعار “الأمن أولا” ليس مجرد كلام بل هو التزام دائم»."
    doc = nlp(text)
    got = sorted(((orig_inner(doc, m), m.is_name) for m in doc._.isnad_marks), key=lambda x: -len(x[0]))
    assert got == [("إن شعار “الأمن أولا” ليس مجرد كلام بل هو التزام دائم", False), ("الأمن أولا", True)]
    (q,) = doc._.isnad_quotes
    assert q.kind == "direct"
    assert text[q.ostart:q.oend] == "إن شعار “الأمن أولا” ليس مجرد كلام بل هو التزام دائم"


def test_nested_same_style_marks(nlp):
    text = "وقال المتحدث: «وصف الوزير الخطة بأنها «خطوة أولى» نحو الحل الشامل»."
    doc = nlp(text)
    outer = max(doc._.isnad_marks, key=lambda m: m.end - m.start)
    assert orig_inner(doc, outer) == "وصف الوزير الخطة بأنها «خطوة أولى» نحو الحل الشامل"


@pytest.mark.parametrize("text, name", [
    ("وانعقد اجتماع “استانا 8” في العاصمة الكازاخية بحضور الوفود.", "استانا 8"),
    ("وشارك في عملية «عاصفة الحزم» عدد من الدول العربية.", "عاصفة الحزم"),
    ("وكانت صحيفة «الشرق الأوسط» قد نشرت التقرير أمس.", "الشرق الأوسط"),
    ("وتابع مسلسل \"باب الحارة\" ملايين المشاهدين.", "باب الحارة"),
])
def test_names_in_marks_are_not_speech(nlp, text, name):
    doc = nlp(text)
    (m,) = doc._.isnad_marks
    assert orig_inner(doc, m) == name
    assert m.is_name
    assert doc._.isnad_quotes == []


def test_outlet_in_marks_after_cue_is_a_name_not_the_quote(nlp):
    text = "وقال الوزير لـ«الشرق الأوسط» إن الاجتماع كان ناجحا بكل المقاييس."
    doc = nlp(text)
    (m,) = doc._.isnad_marks
    assert m.is_name
    (q,) = doc._.isnad_quotes
    assert q.kind == "indirect"
    assert text[q.ostart:q.oend] == "الاجتماع كان ناجحا بكل المقاييس"


def test_short_quote_after_colon_is_speech(nlp):
    doc = nlp("وسئل عن موقفه فقال: «نعم».")
    (m,) = doc._.isnad_marks
    assert not m.is_name


def test_short_marks_around_an_interrupting_cue_are_speech(nlp):
    doc = nlp("“نحن مستعدون للحوار”، قال الرئيس، “لكننا لن نتنازل”.")
    assert [m.is_name for m in doc._.isnad_marks] == [False, False]


def test_two_quotes_in_one_paragraph_are_paired_separately(nlp):
    text = "وقال الوزير «إن الوضع مستقر تماما في المنطقة» وأضاف «سنعمل على تعزيز الأمن في كل مكان»."
    doc = nlp(text)
    inners = [orig_inner(doc, m) for m in doc._.isnad_marks]
    assert inners == ["إن الوضع مستقر تماما في المنطقة", "سنعمل على تعزيز الأمن في كل مكان"]
    assert all(m.close_at is not None for m in doc._.isnad_marks)


def test_lone_closing_mark_is_ignored(nlp):
    doc = nlp("وصل الوفد» إلى الرياض أمس.")
    assert doc._.isnad_marks == []
