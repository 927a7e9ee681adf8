"""Arabic normalisation *for matching only*.

The pipeline never rewrites the document: every offset it reports points into the
original text.  Matching, however, has to see ``افادت`` and ``أفادت`` as one word,
``علي`` and ``على`` as one preposition, ``مضيفاً`` and ``مضيفا`` as one cue.  So we
build a normalised copy of the text together with an offset map back to the
original.

Folding is length-preserving (one code point in, one out) except for removed
characters (diacritics, tatweel, bidi controls), which is why a map is needed.
When nothing is removed the map is ``None`` and offsets are shared as they are (the
fast path).  When something is removed, the map is kept *sparse*: one breakpoint per
run of removed characters (a few per article), looked up by bisection; the dense
per-character list :attr:`NormText.index` is only built if someone asks for it.

Speed: folding is a short chain of ``str.replace`` calls on the letters that occur
(C speed, ~20x faster than ``str.translate`` with a dict), and removal is one
``re.sub`` pass.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import Optional

# Letters folded to one representative (alef forms, alef maqsura, taa marbuta,
# hamza carriers) and Arabic-Indic / Persian digits to ASCII digits.
_FOLD_PAIRS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي",
    "ة": "ه", "ۀ": "ه",
    "ؤ": "و",
    "ک": "ك",
}
for _i in range(10):
    _FOLD_PAIRS[chr(0x0660 + _i)] = str(_i)  # ٠١٢…
    _FOLD_PAIRS[chr(0x06F0 + _i)] = str(_i)  # ۰۱۲… (Persian)
FOLD = str.maketrans(_FOLD_PAIRS)
_FOLD_LIST = tuple(_FOLD_PAIRS.items())
# a chain of replacements equals one translate only if no target is also a source
assert not set(_FOLD_PAIRS.values()) & set(_FOLD_PAIRS), "fold targets must not be sources"

# Removed for matching: harakat, shadda, sukun, superscript alef, Quranic marks,
# tatweel, and invisible bidi / zero-width controls that break word matching.
_REMOVED_CLASS = "[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
REMOVED = re.compile(_REMOVED_CLASS)
_REMOVED_RUNS = re.compile(f"({_REMOVED_CLASS}+)")


def _fold_letters(s: str) -> str:
    """``s.translate(FOLD)``, faster on long texts: replace only the letters present."""
    for a, b in _FOLD_LIST:
        if a in s:
            s = s.replace(a, b)
    return s


class NormText:
    """A normalised copy of a text and the way back to original offsets.

    >>> n = normalize_text("قالَ إنّ")
    >>> n.text
    'قال ان'
    >>> n.to_orig(4), n.to_orig_end(6)
    (5, 8)

    ``orig`` is the original text (``doc.text`` without rebuilding it from tokens);
    ``spelled`` is the original without the removed marks: the letters as written (ى and
    ي, ة and ه, أ and ا apart) at the normalised text's offsets.

    >>> n.spelled
    'قال إن'
    """

    __slots__ = ("text", "orig", "spelled", "orig_len", "_cuts", "_shifts", "_index")

    def __init__(self, text: str, orig: str, cuts: Optional[list[int]] = None,
                 shifts: Optional[list[int]] = None, spelled: Optional[str] = None):
        self.text = text
        self.orig = orig
        self.spelled = orig if spelled is None else spelled
        self.orig_len = len(orig)
        # normalised positions >= cuts[k] (and < cuts[k+1]) are shifts[k] chars behind
        self._cuts = cuts or None
        self._shifts = shifts
        self._index: Optional[list[int]] = None

    def __repr__(self) -> str:
        return f"NormText(text={self.text!r}, removed={self.orig_len - len(self.text)})"

    @property
    def shared(self) -> bool:
        """True when nothing was removed: normalised and original offsets are the same
        numbers (``index is None``, without building the dense map)."""
        return self._cuts is None

    @property
    def index(self) -> Optional[list[int]]:
        """Dense map: ``index[i]`` is the original offset of normalised char ``i``
        (``None`` when nothing was removed). Built on first use."""
        if self._cuts is None:
            return None
        if self._index is None:
            idx: list[int] = []
            bounds = self._cuts + [len(self.text)]
            shift = 0
            pos = 0
            for k, cut in enumerate(bounds):
                idx.extend(range(pos + shift, cut + shift))
                if k < len(self._shifts):
                    shift = self._shifts[k]
                pos = cut
            self._index = idx
        return self._index

    def to_orig(self, i: int) -> int:
        """Original offset of the normalised character at ``i`` (a span start)."""
        cuts = self._cuts
        if cuts is None:
            return i
        n = len(self.text)
        if i >= n:
            return self.orig_len
        if i < 0:  # as the dense map's negative indexing
            i += n
            if i < 0:
                raise IndexError("list index out of range")
        k = bisect_right(cuts, i) - 1
        return i + self._shifts[k] if k >= 0 else i

    def to_orig_end(self, j: int) -> int:
        """Original offset just after the normalised character ``j - 1`` (a span end)."""
        cuts = self._cuts
        if cuts is None:
            return j
        if j <= 0:
            return 0
        if j > len(self.text):  # as the dense map would
            raise IndexError("list index out of range")
        # removed marks right after the last character belong to it: a span ending in
        # محسومٌ keeps its tanween, so it ends where the next kept character starts —
        # but not an invisible bidi or zero-width control that follows the word
        end = self.to_orig(j)
        floor = self.to_orig(j - 1) + 1
        orig = self.orig
        while end > floor and orig[end - 1] in _INVISIBLE:
            end -= 1
        return end


_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")


def fold(s: str) -> str:
    """Normalise a short string (a lexicon entry, a name): removal plus folding.

    >>> fold("أشارَ إلى") == fold("اشار الي")
    True
    """
    if len(s) <= 64:  # names and lexicon words come back again and again: remembered
        return _fold_short(s)
    return REMOVED.sub("", s).translate(FOLD)


@lru_cache(maxsize=16384)
def _fold_short(s: str) -> str:
    return REMOVED.sub("", s).translate(FOLD)


def normalize_text(text: str) -> NormText:
    """Normalise a document, keeping a map back to original offsets."""
    if not REMOVED.search(text):
        return NormText(_fold_letters(text), text)
    # parts alternate kept text / removed run / kept text …
    parts = _REMOVED_RUNS.split(text)
    ends = list(accumulate(map(len, parts)))  # original offset after each part
    cuts: list[int] = []
    shifts: list[int] = []
    removed = 0
    for k in range(1, len(parts), 2):
        run_start = ends[k - 1]
        removed += ends[k] - run_start
        cut = run_start - (removed - (ends[k] - run_start))  # normalised position of the run
        if cuts and cuts[-1] == cut:  # cannot happen with maximal runs; kept for safety
            shifts[-1] = removed
        else:
            cuts.append(cut)
            shifts.append(removed)
    kept = "".join(parts[0::2])
    return NormText(_fold_letters(kept), text, cuts, shifts, kept)
