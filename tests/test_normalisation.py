"""Normalisation for matching (stages/textnorm.py, stages/normalizer.py).

ANNOTATION.md measures offsets in the *original* text, while cues and names must
match whatever spelling the outlet used: alef forms, ى/ي, ة/ه, hamza-less
spellings, tatweel, diacritics, Arabic-Indic digits, bidi controls.  These tests
pin both halves: the folded form is the same for every spelling, and every span
the pipeline reports still points into the untouched original text.
"""
from __future__ import annotations

import re

import pytest

from stages.textnorm import fold, normalize_text

# ---------------------------------------------------------------- fold()

ALEF_FORMS = ["أ", "إ", "آ", "ٱ"]


@pytest.mark.parametrize("alef", ALEF_FORMS)
def test_alef_forms_fold_to_bare_alef(alef):
    assert fold(alef) == "ا"
    assert fold(f"{alef}حمد") == "احمد"


@pytest.mark.parametrize("variant, plain", [
    ("إلى", "إلي"),  # alef maqsura vs yaa: إلي = إلى
    ("على", "علي"),  # علي = على
    ("مستشفى", "مستشفي"),
    ("رأى", "راي"),
])
def test_alef_maqsura_and_yaa_are_one_letter(variant, plain):
    assert fold(variant) == fold(plain)


@pytest.mark.parametrize("variant, plain", [
    ("الوزارة", "الوزاره"),
    ("مطلعة", "مطلعه"),
    ("مضيفة", "مضيفه"),
])
def test_taa_marbuta_and_haa_are_one_letter(variant, plain):
    assert fold(variant) == fold(plain)


@pytest.mark.parametrize("hamza, plain", [
    ("أفادت", "افادت"),
    ("أضاف", "اضاف"),
    ("إن", "ان"),
    ("أكّد", "اكد"),
    ("آخر", "اخر"),
    ("مؤكدا", "موكدا"),
    ("رئيس", "رييس"),
])
def test_hamza_less_spellings_match(hamza, plain):
    assert fold(hamza) == fold(plain)


@pytest.mark.parametrize("decorated, plain", [
    ("قالـــــت", "قالت"),  # tatweel (kashida)
    ("مضيـفاً", "مضيفا"),  # tatweel + tanween
    ("قالَ", "قال"),  # fatha
    ("إنّ", "ان"),  # shadda
    ("بيّنَ", "بين"),
    ("الْوَزِيرُ", "الوزير"),  # sukun, kasra, damma
    ("مُؤَكِّدًا", "موكدا"),
    ("هٰذا", "هذا"),  # superscript alef
])
def test_tatweel_and_diacritics_are_removed(decorated, plain):
    assert fold(decorated) == plain


@pytest.mark.parametrize("digits, ascii_digits", [
    ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic
    ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Persian / extended
    ("٢٠١٥", "2015"),
])
def test_arabic_indic_digits_fold_to_ascii(digits, ascii_digits):
    assert fold(digits) == ascii_digits


@pytest.mark.parametrize("ch", ["\u200e", "\u200f", "\u202b", "\u202c", "\u2067", "\u2069", "\u200b", "\ufeff"])
def test_bidi_and_zero_width_controls_are_removed(ch):
    assert fold(f"وقال{ch}") == "وقال"


@pytest.mark.parametrize("persian, arabic", [("ی", "ي"), ("ک", "ك"), ("کشف", "كشف")])
def test_persian_letter_forms_fold_to_arabic(persian, arabic):
    assert fold(persian) == fold(arabic)


def test_fold_leaves_plain_text_alone():
    plain = "وقال الوزير ان المملكه تدعم الحل السياسي"
    assert fold(plain) == plain


# ------------------------------------------------------- normalize_text()

def test_normalize_text_fast_path_shares_offsets():
    text = "وأفادت الوزارة إلى"
    n = normalize_text(text)
    assert n.index is None
    assert len(n.text) == len(text)  # folding is one code point for one
    assert n.text == "وافادت الوزاره الي"
    assert n.to_orig(3) == 3 and n.to_orig_end(6) == 6


def test_normalize_text_maps_every_character_back():
    text = "وقالَ الوزيـــر إنّ الأمرَ محسومٌ"
    n = normalize_text(text)
    assert n.text == "وقال الوزير ان الامر محسوم"
    assert n.orig_len == len(text)
    for i, ch in enumerate(n.text):
        o = n.to_orig(i)
        assert fold(text[o]) == ch, (i, ch, text[o])
    # a span of whole words maps to the same words in the original
    s = n.text.index("الوزير")
    e = s + len("الوزير")
    assert text[n.to_orig(s):n.to_orig_end(e)] == "الوزيـــر"
    s = n.text.index("محسوم")
    assert fold(text[n.to_orig(s):n.to_orig_end(s + len("محسوم"))]) == "محسوم"
    assert n.to_orig(len(n.text)) == len(text)
    assert n.to_orig_end(0) == 0


# --------------------------------------------------- through the pipeline

def _quotes(nlp, text):
    doc = nlp(text)
    assert doc.text == text  # the pipeline never rewrites the document
    return doc, doc._.isnad_quotes


def _only_quote(nlp, text):
    doc, quotes = _quotes(nlp, text)
    assert len(quotes) == 1, [text[q.ostart:q.oend] for q in quotes]
    return doc, quotes[0]


def test_diacritics_and_tatweel_offsets_point_into_original(nlp):
    text = "وقالَ الوزيـــر إنّ الاتفاقَ سيُوقّع قريباً في الرياض."
    doc, q = _only_quote(nlp, text)
    assert q.kind == "indirect"
    assert text[q.ostart:q.oend] == "الاتفاقَ سيُوقّع قريباً في الرياض"
    assert fold(text[q.ocue_start:q.ocue_end]) == "وقال"
    assert text[q.ospeaker_start:q.ospeaker_end] == "الوزيـــر"
    span = doc.spans["isnad_quotes"][0]
    assert span.start_char == q.ostart and span.end_char == q.oend


def test_tatweel_inside_cue_word(nlp):
    text = "وقـــال الوزير إن عدد الضحايا بلغ ١٢٣ شخصا."
    _, q = _only_quote(nlp, text)
    assert q.cue.lemma == "قال"
    assert text[q.ocue_start:q.ocue_end] == "وقـــال"
    # Arabic-Indic digits stay as written in the reported content
    assert text[q.ostart:q.oend] == "عدد الضحايا بلغ ١٢٣ شخصا"


@pytest.mark.parametrize("text, cue_surface, lemma", [
    ("وافادت مصادر مطلعة ان الاجتماع تأجل إلى الأسبوع المقبل.", "وافادت", "أفاد"),
    ("وأفادت مصادر مطلعة أن الاجتماع تأجل إلى الأسبوع المقبل.", "وأفادت", "أفاد"),
    ("واكد الوزير ان الاجتماع تأجل إلى الأسبوع المقبل.", "واكد", "أكد"),
    ("واضافت الوزارة ان الاجتماع تأجل إلى الأسبوع المقبل.", "واضافت", "أضاف"),
    ("وأكّدَ الوزيرُ أنَّ الاجتماع تأجل إلى الأسبوع المقبل.", "وأكّدَ", "أكد"),
])
def test_cue_matches_every_spelling(nlp, text, cue_surface, lemma):
    _, q = _only_quote(nlp, text)
    assert q.cue.lemma == lemma
    assert fold(text[q.ocue_start:q.ocue_end]) == fold(cue_surface)
    assert text[q.ostart:q.oend] == text[text.index("الاجتماع"):text.rindex(".")]


@pytest.mark.parametrize("text, content", [
    ("وأشار المتحدث إلي أن الحادث وقع ليلا.", "الحادث وقع ليلا"),  # إلي written for إلى
    ("وأشار المتحدث إلى أن الحادث وقع ليلا.", "الحادث وقع ليلا"),
    ("وشدد الأمير علي أن الأمن أولوية قصوى.", "الأمن أولوية قصوى"),  # علي written for على
    ("وشدد الأمير على أن الأمن أولوية قصوى.", "الأمن أولوية قصوى"),
])
def test_governed_preposition_in_either_spelling(nlp, text, content):
    _, q = _only_quote(nlp, text)
    assert text[q.ostart:q.oend] == content


def test_bidi_marks_do_not_break_matching_or_offsets(nlp):
    text = "وقال\u200f الوزير\u200f إن الأمر \u200eمحسوم تماما."
    _, q = _only_quote(nlp, text)
    assert q.cue.lemma == "قال"
    assert text[q.ospeaker_start:q.ospeaker_end] == "الوزير"
    assert text[q.ostart:q.oend].replace("\u200e", "") == "الأمر محسوم تماما"
    assert q.oend <= len(text)


def test_name_with_hamza_variants_is_reported_as_written(nlp):
    text = "وقال الرئيس أحمد عبدالله إن الإصلاحات مستمرة."
    _, q = _only_quote(nlp, text)
    assert "أحمد" in (q.speaker_name or "")
    assert "أحمد عبدالله" in text[q.ospeaker_start:q.ospeaker_end]


COMBINING = re.compile("[\u064b-\u065f\u0670]")


@pytest.mark.parametrize("text, cue, content", [
    pytest.param("وقالَ الوزيرُ إنّ الأمرَ محسومٌ.", "وقالَ", "الأمرَ محسومٌ", id="qala-tanween"),
    pytest.param("وأكّدَ الوزيرُ أنَّ الاجتماعَ تأجّلَ.", "وأكّدَ", "الاجتماعَ تأجّلَ", id="akkada-fatha"),
])
def test_span_ends_keep_trailing_diacritics(nlp, text, cue, content):
    _, q = _only_quote(nlp, text)
    assert text[q.ocue_start:q.ocue_end] == cue
    assert text[q.ostart:q.oend] == content
    for end in (q.oend, q.ocue_end, q.ospeaker_end):
        assert not COMBINING.match(text[end:end + 1]), (end, text[:end])


def test_spelling_variants_are_one_speaker(nlp):
    text = ("وقالت وزارة الصحة إن عدد الإصابات ارتفع. وأكدت وزاره الصحه ان الوضع تحت السيطرة.\n"
            "وقال الوزير أحمد الخطيب إن السياحة تنمو. وأكد احمد الخطـــيب أنّ الموسم ناجح.")
    doc = nlp(text)
    ids = [q.speaker_id for q in doc._.isnad_quotes]
    assert len(ids) == 4 and None not in ids
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    assert len(doc._.isnad_speakers) == 2


# ------------------------------------------- decoration invariance (property)

HARAKAT = ["\u064e", "\u064f", "\u0650", "\u0652", "\u0651", "\u064b", "\u064c", "\u064d"]
NON_CONNECTING = set("اأإآٱدذرزوؤةءى")


def decorate(text: str, seed: int) -> str:
    """The same text as an outlet might type it: random harakat, kashida between
    connecting letters, and right-to-left marks after some words."""
    import random
    rnd = random.Random(seed)
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            if rnd.random() < 0.3:
                out.append(rnd.choice(HARAKAT))
            nxt = text[i + 1:i + 2]
            if ch not in NON_CONNECTING and "\u0621" <= nxt <= "\u064a" and rnd.random() < 0.15:
                out.append("\u0640" * rnd.randint(1, 4))
        elif ch == " " and rnd.random() < 0.1:
            out.append("\u200f")
    return "".join(out)


def _signature(doc) -> list[tuple]:
    t = doc.text
    sig = []
    for q in doc._.isnad_quotes:
        assert 0 <= q.ostart <= q.oend <= len(t)
        spk = t[q.ospeaker_start:q.ospeaker_end] if q.ospeaker_start is not None else None
        sig.append((q.kind, fold(t[q.ostart:q.oend]).strip(), q.cue.lemma, q.cue.kind,
                    fold(spk) if spk else None, q.speaker_type,
                    fold(q.speaker_name) if q.speaker_name else None))
    return sig


def _table_texts() -> list[str]:
    from test_attribution_table import CASES
    return list(dict.fromkeys(c.text for c in CASES))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decorated_text_gives_the_same_attributions(nlp, seed):
    """Diacritics, tatweel and bidi marks change nothing but the offsets."""
    texts = _table_texts()
    plain = list(nlp.pipe(texts))
    decorated_texts = [decorate(t, seed * 1000 + i) for i, t in enumerate(texts)]
    decorated = list(nlp.pipe(decorated_texts))
    diffs = []
    for t, p, d in zip(texts, plain, decorated):
        assert d.text != t or not any("\u0621" <= ch <= "\u064a" for ch in t)
        if _signature(p) != _signature(d):
            diffs.append((t, _signature(p), d.text, _signature(d)))
    assert diffs == []
