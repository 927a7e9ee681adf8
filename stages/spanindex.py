"""Per-document indexes that keep the rule stages linear in the length of a document.

The rules ask the same few questions for every cue: is there a speech mark inside
this content, which mark closes right here, how many words does this span hold, is
this offset inside a quotation.  Answered by scanning the sentence (or every mark of
the document) per cue, a sentence with thousands of cues or marks costs the square
of its length: ``قال «`` repeated, ``كلمة، كلمة، …``, ``الوضع مستقر، قال الوزير``
repeated (issue 12: 20k characters took 25 s).  These indexes are built once per
document in linear (or n log n) time and answer each question by bisection.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from functools import cached_property
from itertools import accumulate

from .model import Mark

_TOKEN = re.compile(r"\S+")


class SpanSet:
    """A union of half-open spans ``[a, b)``: ``x in spans`` by one bisection over the
    merged spans (``any(a <= x < b for a, b in spans)`` per offset was quadratic)."""

    def __init__(self, spans=()):
        # two lists of ints, no list per span: with 100,000s of spans (a document of
        # guillemets) a container per span made the garbage collector's passes grow
        # with the document (×2.3–2.6 per doubling for the sentencizer)
        starts: list[int] = []
        ends: list[int] = []
        for a, b in sorted(spans):
            if b <= a:
                continue
            if ends and a <= ends[-1]:
                if b > ends[-1]:
                    ends[-1] = b
            else:
                starts.append(a)
                ends.append(b)
        self.starts = starts
        self.ends = ends

    def __contains__(self, x: int) -> bool:
        k = bisect_right(self.starts, x) - 1
        return k >= 0 and x < self.ends[k]

    def __bool__(self) -> bool:
        return bool(self.starts)


class SpeechMarks(list):
    """The speech marks of a document (a list of :class:`Mark`, in text order) with
    look-ups by position: ``opening(a, b)`` (a mark opening in ``[a, b)``),
    ``closing_at(pos)`` (an unused mark closing at ``pos``), ``within(a, b)`` (a mark
    lying inside ``[a, b]``).  Marks never move; only their ``used`` flag changes."""

    def __init__(self, marks=()):
        super().__init__(marks)
        self._by_open = sorted(self, key=lambda m: m.open_at)
        self.opens = [m.open_at for m in self._by_open]
        self._skip: list[int] | None = None
        # by end: the latest start among the marks ending at or before b
        by_end = sorted(self, key=lambda m: m.end)
        self._ends = [m.end for m in by_end]
        self._max_start = list(accumulate((m.start for m in by_end), max))
        self._closing: dict[int, list[Mark]] = {}
        for m in self:
            if m.close_at is not None:
                self._closing.setdefault(m.close_at, []).append(m)

    def opening(self, a: int, b: int) -> bool:
        """A mark opens at an offset in ``[a, b)``."""
        k = bisect_left(self.opens, a)
        return k < len(self.opens) and self.opens[k] < b

    def first_unused(self, a: int, b: int) -> Mark | None:
        """The first mark not yet used that opens in ``[a, b)``. Used marks are jumped
        over with path compression (a mark once used stays used)."""
        ms = self._by_open
        if self._skip is None:
            self._skip = list(range(1, len(ms) + 1))
        skip = self._skip
        i = bisect_left(self.opens, a)
        path = []
        while i < len(ms) and ms[i].used:
            path.append(i)
            i = skip[i]
        for p in path:
            skip[p] = i
        return ms[i] if i < len(ms) and ms[i].open_at < b else None

    def closing_at(self, pos: int) -> Mark | None:
        """The first unused mark (in text order) whose closing mark is at ``pos``."""
        for m in self._closing.get(pos, ()):
            if not m.used:
                return m
        return None

    def within(self, a: int, b: int) -> bool:
        """A mark whose inside ``start:end`` lies in ``[a, b]`` (``a <= start``, ``end <= b``)."""
        k = bisect_right(self._ends, b)
        return k > 0 and self._max_start[k - 1] >= a


class Tokens:
    """Whitespace-separated tokens of a text, so that ``len(text[a:b].split())`` costs
    two bisections instead of a copy and a split of the span."""

    def __init__(self, text: str):
        self.text = text
        self.starts = array("q", (m.start() for m in _TOKEN.finditer(text)))

    def count(self, a: int, b: int) -> int:
        """``len(self.text[a:b].split())``."""
        if b <= a:
            return 0
        n = bisect_left(self.starts, b) - bisect_right(self.starts, a)
        return n + (not self.text[a].isspace())


class Positions:
    """Sorted offsets of the characters of one set in a text: the first one in a
    range by bisection (``text.find`` per cue re-reads a long sentence every time)."""

    def __init__(self, text: str, chars: str):
        self.at = array("q", (m.start() for m in re.finditer(f"[{re.escape(chars)}]", text)))

    def first(self, a: int, b: int) -> int:
        """The first offset in ``[a, b)``, or -1."""
        k = bisect_left(self.at, a)
        return self.at[k] if k < len(self.at) and self.at[k] < b else -1


def alpha_tokens_before(text: str, lo: int, hi: int, k: int) -> list[str]:
    """The last ``k`` (at most) whitespace-separated tokens of ``text[lo:hi]`` that hold
    a letter, nearest first, read backwards from ``hi`` (not a split of the whole span)."""
    out: list[str] = []
    j = hi
    while j > lo and len(out) < k:
        while j > lo and text[j - 1].isspace():
            j -= 1
        i = j
        while i > lo and not text[i - 1].isspace():
            i -= 1
        if i < j and any(ch.isalpha() for ch in text[i:j]):
            out.append(text[i:j])
        j = i
    return out


def alpha_tokens_after(text: str, lo: int, hi: int, k: int) -> list[str]:
    """The first ``k`` (at most) whitespace-separated tokens of ``text[lo:hi]`` that hold
    a letter, read forwards from ``lo``."""
    out: list[str] = []
    for m in _TOKEN.finditer(text, lo, hi):
        w = m.group()
        if any(ch.isalpha() for ch in w):
            out.append(w)
            if len(out) >= k:
                break
    return out


class Indexed:
    """Indexes of a document's text built on first use: a mixin for a per-document
    rule context that has ``text``, ``words`` and ``speech`` (:class:`SpeechMarks`)."""

    @cached_property
    def tokens(self) -> Tokens:
        return Tokens(self.text)

    @cached_property
    def word_counts(self) -> Counter:
        return Counter(self.words.forms)

    @cached_property
    def colons(self) -> Positions:
        return Positions(self.text, ":")

    @cached_property
    def closing_parens(self) -> Positions:
        return Positions(self.text, ")")

    @cached_property
    def alpha_before(self) -> array:
        """``alpha_before[i]``: how many letters (``str.isalpha``) ``text[:i]`` holds."""
        return array("q", accumulate(map(str.isalpha, self.text), initial=0))

    def opener_positions(self, a: int, b: int, marks_ok: bool, long_gap: int = 64):
        """The offsets of ``[a, b)`` where an opener may be: all of them for a short gap;
        for a long one (the rest of a long sentence), only the first colon or unused
        speech mark (when ``marks_ok``), found by bisection."""
        if b - a <= long_gap:
            return range(a, b)
        first = self.colons.first(a, b)
        if marks_ok:
            m = self.speech.first_unused(a, b)
            if m is not None and (first < 0 or m.open_at < first):
                first = m.open_at
        return (first,) if first >= 0 else ()

    def n_alpha(self, a: int, b: int) -> int:
        """``sum(ch.isalpha() for ch in text[a:b])``."""
        if b <= a:
            return 0
        cut = self.alpha_before
        return cut[min(b, len(cut) - 1)] - cut[a]
