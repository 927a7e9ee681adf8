"""Names in a document, from the learned recogniser, looked up only where the rules ask.

The mention rules know titles, organisation heads and a few first names from the
lexicons; where a name runs on past them they ask the recogniser (:mod:`stages.ner`)::

    وقال المتحدث باسم الوزارة في غزة [أشرف القدرة] إن …   (the name after a place)
    وطالب رئيس البعثة [بتال العتيبي] من جميع اللاعبين …      (a name the lexicon lacks)
    وأضاف [وليد المعلم] أن …                                (المعلم is no title here)

Tagging every cue window of an article costs about as much as tokenising it, so a
:class:`DocNames` tags a small window around a word the first time a rule asks about
it and remembers what it found; an article whose mentions the lexicons settle is
never tagged at all.
"""
from __future__ import annotations

from bisect import bisect_right

from .ner import Entity, NameTagger
from .words import Words

BEFORE, AFTER = 2, 12  # the window tagged around a word a rule asks about
CUE_BEFORE, CUE_AFTER = 3, 10  # the window around each cue, tagged together
PERSON_MIN_PROB = 0.5  # below this a PERS entity is too unsure to move a mention's end


class DocNames:
    """Lazily tagged names of one document's :class:`Words` (see the module docstring)."""

    __slots__ = ("tagger", "words", "_done", "_ents", "_starts", "_anchors", "_memo", "_asked", "_win_end",
                 "_win_len", "_seen")

    def __init__(self, tagger: NameTagger | None, words: Words, anchors: list[int] = ()):
        self.tagger = tagger
        self.words = words
        self._done: list[tuple[int, int]] = []  # tagged word ranges
        self._win_end: dict[int, int] = {}  # a tagged window's start -> the furthest end from it
        self._win_len = 0  # the longest tagged window
        self._ents: list[Entity] = []  # found so far, sorted by start word
        self._starts: list[int] = []
        self._seen: set[int] = set()  # start words of _ents
        # words the rules will ask about (the cues): their windows are tagged together at the
        # first question, one decoding pass for the whole article instead of one per window
        self._anchors = list(anchors)
        self._memo = None  # what the tagging calls on these words share (stages.ner.Memo)
        # words asked about whose window needs no tagging again: covered by a tagged window,
        # or tagged alone before (the same window alone finds the same names again)
        self._asked: set[int] = set()

    def _inside_one(self, lo: int, hi: int) -> bool:
        """Does one tagged window hold ``[lo, hi)``? Only windows starting in ``[hi -
        longest, lo]`` can: a few dict look-ups, not a scan of every window tagged so far
        (a document of thousands of cues asked about thousands of words)."""
        win_end = self._win_end
        return any(win_end.get(a, -1) >= hi for a in range(max(0, hi - self._win_len), lo + 1))

    def _cover(self, i: int) -> None:
        if self.tagger is None or i in self._asked:
            return
        if self._inside_one(i - BEFORE, i + AFTER):
            self._asked.add(i)
            return
        n = len(self.words)
        wins = [(max(0, i - BEFORE), min(n, i + AFTER))]
        if self._anchors:
            wins += [(max(0, a - CUE_BEFORE), min(n, a + CUE_AFTER)) for a in self._anchors]
            self._anchors = []
        else:
            self._asked.add(i)
        if self._memo is None:
            self._memo = self.tagger.memo(self.words)
        for e in self.tagger.entities_in(self.words, wins, self._memo):
            if e.start_word not in self._seen:
                self._seen.add(e.start_word)
                k = bisect_right(self._starts, e.start_word)
                self._ents.insert(k, e)
                self._starts.insert(k, e.start_word)
        self._done.extend(wins)
        for a, b in wins:
            self._win_end[a] = max(self._win_end.get(a, -1), b)
            self._win_len = max(self._win_len, b - a)

    def at(self, i: int, types: tuple[str, ...] = ("PERS", "ORG", "MEDIA")) -> Entity | None:
        """The entity of one of ``types`` that starts at word ``i``."""
        self._cover(i)
        k = bisect_right(self._starts, i) - 1
        if k >= 0 and self._starts[k] == i and self._ents[k].type in types:
            return self._ents[k]
        return None

    def covering(self, i: int, types: tuple[str, ...] = ("PERS",)) -> Entity | None:
        """The entity of one of ``types`` that contains word ``i``."""
        self._cover(i)
        k = bisect_right(self._starts, i) - 1
        while k >= 0 and i - self._starts[k] < 8:
            e = self._ents[k]
            if e.start_word <= i < e.end_word and e.type in types:
                return e
            k -= 1
        return None

    def first_in(self, i0: int, i1: int, types: tuple[str, ...] = ("PERS",),
                 min_prob: float = PERSON_MIN_PROB) -> Entity | None:
        """The first entity of ``types`` starting in words ``[i0, i1)``."""
        if i0 >= i1:
            return None
        self._cover(i0)
        if i1 > i0 + AFTER - 1:
            self._cover(i1 - 1)
        k = bisect_right(self._starts, i0 - 1)
        while k < len(self._ents) and self._starts[k] < i1:
            e = self._ents[k]
            if e.type in types and e.prob >= min_prob:
                return e
            k += 1
        return None
