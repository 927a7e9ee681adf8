"""The preposition a cue governs, read one way by the content frame and the subject finder
(stages.lexicon.is_governed_prep): a word that only begins with ب (بعدما، بينهما) opens no
content, while the subject finder keeps its looser reading (any ب-word after the noun)."""
from __future__ import annotations

import pytest

from stages.lexicon import is_governed_prep, load_lexicon
from stages.speakers_np import NounPhrases
from stages.subjects import SubjectFinder
from stages.textnorm import fold
from stages.words import Words


@pytest.mark.parametrize("word, prep, strict, any_b", [
    ("بالقرار", "ب", True, True),      # رحب بالقرار
    ("بجهود", "ب", True, True),        # أشاد بجهود
    ("بجهود", "الي|ب", True, True),    # نوّه بـ / نوّه إلى: either
    ("الي", "الي|ب", True, True),
    ("عن", "عن", True, True),          # أعرب عن
    ("علي", "عن", False, False),
    ("بعدما", "ب", False, True),       # "after": no governed بـ, for the content frame
    ("بينهما", "ب", False, True),      # "between them"
    ("بلاده", "ب", False, True),       # "his country"
    ("بعدم", "ب", False, True),        # أقر بعدم: a real بـ the exclusions also catch
    ("بهذا", "ب", False, True),
    ("بعد", "ب", False, False),        # three letters: never
    ("ب", "ب", False, True),           # a bare ب (بـ«…» with the tatweel folded away)
    ("جهود", "ب", False, False),
])
def test_is_governed_prep(word, prep, strict, any_b):
    assert is_governed_prep(word, prep) is strict
    assert is_governed_prep(word, prep, any_b=True) is any_b


def _subjects(text: str) -> list[str]:
    finder = SubjectFinder(NounPhrases(load_lexicon(None)))
    norm = fold(text)
    assert len(norm) == len(text)  # offsets shared with the text (no diacritics here)
    found = finder.in_window(Words.of(norm), 0, len(norm), lambda o: len(norm))
    return [text[s.start:s.end] for s in found]


@pytest.mark.parametrize("text, subject", [
    ("وأشاد الزويهري بجهود اللجنة", ["الزويهري"]),
    # the subject finder reads any ب-word as the governed بـ: أقر بعدم، رحب بهذا are
    # real objects of the preposition, and the noun before them is the verb's subject
    ("وأقر الزويهري بعدم وجود أخطاء في التحكيم", ["الزويهري"]),
    ("ورحب الزويهري بهذا القرار", ["الزويهري"]),
    ("وأشاد الزويهري بعدما انتهت المباراة بأداء اللاعبين", ["الزويهري"]),
    # no cue that governs بـ: an unknown name before a ب-word is no subject
    ("ونشر الزويهري بعدما انتهت المباراة صورة", []),
])
def test_narration_subject_before_b_words(text, subject):
    # (the name is unknown to the lexicon and no recogniser runs here: only the governed
    # preposition makes it a subject)
    assert _subjects(text) == subject


@pytest.mark.parametrize("text, content", [
    ("وأشاد الوزير بجهود اللجنة في تنظيم البطولة.", "جهود اللجنة في تنظيم البطولة"),
    # بعدما is "after", not the governed بـ: the content opens at the بـ after it
    ("وأشاد الوزير بعدما انتهت المباراة بأداء اللاعبين في الشوط الثاني.", "أداء اللاعبين في الشوط الثاني"),
])
def test_content_opens_at_governed_b(nlp, text, content):
    quotes = nlp(text)._.isnad_quotes
    assert [text[q.ostart:q.oend] for q in quotes] == [content]
