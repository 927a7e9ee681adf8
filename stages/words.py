"""Word-level view of the normalised text, shared by the cue, content and speaker stages.

spaCy tokens are kept for spans, but the rules walk *words*: runs of letters and
digits in the normalised text, with their offsets.  Building this list is one C-speed
``finditer`` pass; the rules then only look at the few sentences that hold a cue.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

WORD_RE = re.compile(r"[^\W_]+(?:\.[0-9]+)?")
# the same, captured: split() gives gap, word, gap, word, …, gap in one C pass
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})")

# Clitics that attach to the front of a word: و (and), ف (so), ب (with), ل (to),
# ك (like).  The article ال is kept: it tells definite noun phrases apart.
CONJ = ("و", "ف")
# words that stand inside a person's name before another part of it (علي بن أبي طالب،
# خالد عبد الرحمن): read by the cue finder and the subject finder
NAME_PARTICLES = frozenset(("بن", "ابن", "ابو", "ابي", "عبد", "ام", "بنت"))
# relative pronouns (folded), also after و: السفير أسامة نقلي [والذي] أكد أن …
RELATIVES = frozenset(("الذي", "التي", "الذين", "اللذان", "اللتان"))


@dataclass(slots=True)
class Words:
    """Words of a text: ``starts[i]``, ``ends[i]`` and the normalised form ``forms[i]``."""

    text: str
    starts: list[int]
    ends: list[int]
    forms: list[str]
    # the original spelling at these offsets (the text without the marks the normaliser
    # removes, letters unfolded: NormText.spelled), so a rule can look at a spelling
    # that folding erased (علي the name vs على)
    orig: str | None = None
    # names the learned recogniser finds, looked up lazily (stages.names.DocNames); set by
    # the content stage, None before it or when the recogniser is switched off
    names: object = None

    def orig_ends_with(self, i: int, ch: str) -> bool:
        """Does word ``i`` end with ``ch`` in the original spelling (ى vs ي, ة vs ه)?
        False when no spelling was given (``Words.of`` alone)."""
        return self.orig is not None and self.orig[self.ends[i] - 1:self.ends[i]] == ch

    def orig_form(self, i: int) -> str | None:
        return self.orig[self.starts[i]:self.ends[i]] if self.orig is not None else None

    @classmethod
    def of(cls, text: str) -> "Words":
        parts = _WORD_SPLIT.split(text)
        bounds = list(accumulate(map(len, parts)))  # offset after each part
        return cls(text, bounds[0:-1:2], bounds[1::2], parts[1::2])

    def __len__(self) -> int:
        return len(self.forms)

    def first_at_or_after(self, offset: int) -> int:
        return bisect_left(self.starts, offset)

    def last_before(self, offset: int) -> int:
        """Index of the last word ending at or before ``offset`` (-1 if none)."""
        return bisect_right(self.ends, offset) - 1

    def gap(self, i: int, j: int) -> str:
        """The characters between word ``i`` and word ``j`` (punctuation, marks, spaces)."""
        return self.text[self.ends[i]:self.starts[j]]


def strip_conj(w: str) -> str:
    """Drop a leading و/ف (وقال -> قال, فوفق -> وفق) when the rest is a real word."""
    if len(w) > 2 and w[0] in CONJ:
        return w[1:]
    return w


def bare(w: str) -> str:
    """A word without و/ف/ب/ل/ك clitics and the article, for head-noun lookups.

    ب/ل/ك come off only before the article, since many words start with them
    (بيان، لجنة، بلدية):

    >>> bare("والوزير"), bare("للمراكز"), bare("بالوزارة"), bare("البيان"), bare("بيان")
    ('وزير', 'مراكز', 'وزاره', 'بيان', 'بيان')
    """
    if len(w) > 3 and w[0] in "وف":
        w = w[1:]
    if len(w) > 3 and w[0] in "بلك":
        if w.startswith("لل"):
            return w[2:]
        if w[1:3] == "ال":
            w = w[1:]
    if len(w) > 3 and w.startswith("ال"):
        w = w[2:]
    return w


def definite(w: str) -> bool:
    """ال-words, also behind clitics: الوزير، والوزير، بالوزارة، للمراكز."""
    w = strip_conj(w)
    return w.startswith("ال") or w.startswith("لل") or (len(w) > 3 and w[0] in "بك" and w[1:3] == "ال")
