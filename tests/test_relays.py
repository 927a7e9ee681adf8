"""Source tracing: article credits, quote relays, media, readers, nested quotes.

Each row: an Arabic text, the content of the quote to look at, its expected
``relayed_by`` (outermost first) and, where it matters, its speaker.  Negative rows
expect no relay (قال لي، a newspaper named as a topic, a city that is also a paper).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from pipeline.extract import Record, doc_rows


@dataclass
class Row:
    id: str
    text: str
    content: str
    relays: list[str]
    speaker: str | None = None


ROWS = [
    # ---- article credits
    Row("dateline-was", "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nوقال وزير الصحة إن الخدمات تحسنت كثيرا.",
        "الخدمات تحسنت كثيرا", ["واس"], "وزير الصحة"),
    Row("credit-afp", "باريس (أ ف ب) - قال وزير الخارجية الفرنسي إن المحادثات ستستأنف الأسبوع المقبل.",
        "المحادثات ستستأنف الأسبوع المقبل", ["فرانس برس"], "وزير الخارجية الفرنسي"),
    Row("credit-reuters-dash", "دبي - رويترز\nقال مسؤول في الشركة إن الأرباح ارتفعت في الربع الثاني.",
        "الأرباح ارتفعت في الربع الثاني", ["رويترز"], "مسؤول"),
    Row("credit-wakalat", "سبق- وكالات: قال وزير الدفاع الأمريكي إن خيار العمل العسكري ما زال مطروحا.",
        "خيار العمل العسكري ما زال مطروحا", ["وكالات"], "وزير الدفاع الأمريكي"),
    Row("neg-own-dateline", "الرياضي ـ الكويت\nقال المدرب إن الفريق يستحق الفوز.", "الفريق يستحق الفوز", [],
        "المدرب"),
    Row("opening-sana", "وافادت 'سانا' انه جاء في بيان الحكومة إن \"الإصلاحات مستمرة في جميع القطاعات\".",
        "الإصلاحات مستمرة في جميع القطاعات", ["سانا"], "بيان الحكومة"),
    # ---- quote relays
    Row("naqalat-an", "ونقلت وكالة رويترز عن مسؤول سعودي قوله إن المملكة ماضية في خططها.",
        "المملكة ماضية في خططها", ["رويترز"], "مسؤول سعودي"),
    Row("qala-li-sharq", "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا.",
        "الاتفاق سيوقع قريبا", ["الشرق الأوسط"], "الوزير"),
    Row("qala-li-reuters", "وقال مسؤول لرويترز إن الاجتماع تأجل إلى الشهر المقبل.",
        "الاجتماع تأجل إلى الشهر المقبل", ["رويترز"], "مسؤول"),
    Row("tasrih-li", "وقال المتحدث في تصريح لـ«عكاظ» إن التحقيقات مستمرة.",
        "التحقيقات مستمرة", ["عكاظ"], "المتحدث"),
    Row("hadith-qanat", "وقال الوزير في حديث لقناة العربية إن المفاوضات صعبة.",
        "المفاوضات صعبة", ["العربية"], "الوزير"),
    Row("unknown-paper-head", "وقال المدرب في مقابلة مع صحيفة ديلي ميرور إن الفريق جاهز.",
        "الفريق جاهز", ["ديلي ميرور"], "المدرب"),
    Row("bihasab-ma-naqalat", "وارتفعت أسعار النفط بنسبة كبيرة أمس، بحسب ما نقلت وكالة رويترز.",
        "ارتفعت أسعار النفط بنسبة كبيرة أمس", ["رويترز"]),
    Row("wifqan-lima", "وأشار الحقباني إلى أن أخاه كان طيب المعشر، وفقًا لما ذكرته “المدينة”.",
        "أخاه كان طيب المعشر", ["المدينة"], "الحقباني"),
    Row("tweet", "وقال الوزير في تغريدة على حسابه في «تويتر» إن القرار نهائي.",
        "القرار نهائي", ["تويتر"], "الوزير"),
    Row("hasbama-tv", "واوضح سيف حسبما نقل عنه التلفزيون الرسمي ان “الأرصدة المجمدة تبلغ 29 مليار دولار”.",
        "الأرصدة المجمدة تبلغ 29 مليار دولار", ["التلفزيون الرسمي"], "سيف"),
    # ---- carried to the same speaker's continuation, not to others
    Row("carry-wa-adaf", "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا. وأضاف أن المفاوضات انتهت.",
        "المفاوضات انتهت", ["الشرق الأوسط"]),
    Row("no-carry-other-speaker",
        "وقال الوزير لـ«الشرق الأوسط» إن الاتفاق سيوقع قريبا. وقال مسؤول آخر إن الموعد لم يحدد.",
        "الموعد لم يحدد", []),
    # ---- the newspaper as speaker, not relay
    Row("dhakarat-sahifa", "ذكرت صحيفة الحياة أن الحكومة تدرس خفض الدعم.",
        "الحكومة تدرس خفض الدعم", [], "صحيفة الحياة"),
    # ---- negatives
    Row("neg-qala-li", "وقال لي المدير إن الموعد تأجل إلى الأسبوع المقبل.", "الموعد تأجل إلى الأسبوع المقبل", [],
        "المدير"),
    Row("neg-city", "وقال الوزير في الرياض إن المملكة ماضية في الإصلاح.", "المملكة ماضية في الإصلاح", [],
        "الوزير"),
    Row("neg-paper-as-topic", "وانتقد الوزير ما نشرته صحيفة الوطن، وقال إن المعلومات غير دقيقة.",
        "المعلومات غير دقيقة", []),
]


def _quote(nlp, row: Row):
    doc = nlp(row.text)
    rows = doc_rows(doc, Record(row.id, row.text))
    hits = [q for q in rows["quotes"] if q["text"] == row.content and q["parent_quote_id"] is None]
    assert len(hits) == 1, [(q["text"], q["relayed_by"]) for q in rows["quotes"]]
    return hits[0], rows


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_relays(nlp, row):
    q, rows = _quote(nlp, row)
    assert q["relayed_by"] == row.relays, (q["relayed_by"], q["speaker"], q["speaker_name"])
    if row.speaker is not None:
        got = q["speaker"] or q["speaker_name"] or ""
        assert row.speaker in got, (got, q["speaker_name"])
    # every sources row points at its words in the text
    for s in rows["sources"]:
        assert 0 <= s["start"] <= s["end"] <= len(row.text)


def test_document_credit_on_documents_table(nlp):
    text = "الرياض 26 شوال 1436 هـ الموافق 11 اغسطس 2015 م واس\nوقال وزير الصحة إن الخدمات تحسنت."
    rows = doc_rows(nlp(text), Record("d", text))
    assert rows["documents"][0]["relayed_by"] == ["واس"]
    src = [s for s in rows["sources"] if s["source"] == "واس"]
    assert src and text[src[0]["start"]:src[0]["end"]] == "واس"


def test_founding_article_chain_and_nesting(nlp, astana_text):
    rows = doc_rows(nlp(astana_text), Record("astana", astana_text))
    quotes = rows["quotes"]
    top = [q for q in quotes if q["parent_quote_id"] is None]
    assert len(top) == 12
    assert all(q["relayed_by"] == ["سانا"] for q in quotes)
    # the first quote: سانا -> بيان الدول الضامنة (stated_in) -> the reader (read_by)
    first = min(top, key=lambda q: q["start"])
    chain = sorted((s for s in rows["sources"] if s["quote_id"] == first["quote_id"]), key=lambda s: -s["hop"])
    assert [(s["source"], s["relation"]) for s in chain] == [
        ("سانا", "reported_by"), ("بيان الدول الضامنة", "stated_in"),
        ("وزير خارجية كازاخستان خيرات عبد الرحمانوف", "read_by")]
    # the تشدد clause is a nested quote of الدول الضامنة, quoted from the statement
    nested = [q for q in quotes if q["parent_quote_id"] is not None and q["cue"] == "تشدد"]
    assert len(nested) == 1 and nested[0]["speaker"] == "الدول الضامنة"
    links = [s for s in rows["sources"] if s["quote_id"] == nested[0]["quote_id"]]
    assert any(s["relation"] == "quoted_from" for s in links)
    # all 12 top-level quotes by at most 3 speakers; the minister keeps his title
    assert len({q["speaker_id"] for q in top}) <= 3
    minister = next(s for s in rows["speakers"] if s["type"] == "person")
    assert minister["title"] == "وزير خارجية كازاخستان"
    assert "عبد الرحمانوف" in minister["aliases"]
