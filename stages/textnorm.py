"""Arabic normalisation *for matching only*.

The pipeline never rewrites the document: every offset it reports points into the
original text.  Matching, however, has to see ``افادت`` and ``أفادت`` as one word,
``علي`` and ``على`` as one preposition, ``مضيفاً`` and ``مضيفا`` as one cue.  So we
build a normalised copy of the text together with an offset map back to the
original.

Folding is length-preserving (one code point in, one out) except for removed
characters (diacritics, tatweel, bidi controls), which is why a map is needed.
When nothing is removed — the common case for news text — the map is ``None`` and
offsets are shared as they are (the fast path).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
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

# Removed for matching: harakat, shadda, sukun, superscript alef, Quranic marks,
# tatweel, and invisible bidi / zero-width controls that break word matching.
REMOVED = re.compile(
    "[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


@dataclass(frozen=True, slots=True)
class NormText:
    """A normalised copy of a text and the way back to original offsets.

    >>> n = normalize_text("قالَ إنّ")
    >>> n.text
    'قال ان'
    >>> n.to_orig(4), n.to_orig_end(6)
    (5, 8)
    """

    text: str
    index: Optional[list[int]]  # index[i] = original offset of normalised char i
    orig_len: int

    def to_orig(self, i: int) -> int:
        """Original offset of the normalised character at ``i`` (a span start)."""
        if self.index is None:
            return i
        if i >= len(self.index):
            return self.orig_len
        return self.index[i]

    def to_orig_end(self, j: int) -> int:
        """Original offset just after the normalised character ``j - 1`` (a span end)."""
        if self.index is None:
            return j
        if j <= 0:
            return 0
        return self.index[j - 1] + 1


def fold(s: str) -> str:
    """Normalise a short string (a lexicon entry, a name): removal plus folding.

    >>> fold("أشارَ إلى") == fold("اشار الي")
    True
    """
    return REMOVED.sub("", s).translate(FOLD)


def normalize_text(text: str) -> NormText:
    """Normalise a document, keeping a map back to original offsets."""
    if not REMOVED.search(text):
        return NormText(text.translate(FOLD), None, len(text))
    index: list[int] = []
    pieces: list[str] = []
    pos = 0
    for m in REMOVED.finditer(text):
        s = m.start()
        if s > pos:
            pieces.append(text[pos:s])
            index.extend(range(pos, s))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
        index.extend(range(pos, len(text)))
    return NormText("".join(pieces).translate(FOLD), index, len(text))
