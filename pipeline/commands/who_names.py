"""Name matching for ``run.py who`` and ``run.py trace`` (split out of who.py).

Matching is on *normalised words*, never on raw substrings:

- letters are folded as everywhere else in isnad (``أ/إ/آ -> ا``, ``ى -> ي``, ``ة -> ه``),
  diacritics, tatweel and bidi controls are dropped (:func:`stages.textnorm.fold`) — except
  that the preposition ``على`` stays apart from the name ``علي``;
- a query word without the article matches with or without it (``جبير`` finds
  ``الجبير``), one with it only with it: ``الجبير`` is a family name and never finds the
  storyteller ``جبير المليحان``; ``عبد X`` = ``عبدX`` = ``عبد الX``;
- a patronymic inside a name may be left out: ``عادل الجبير`` finds ``عادل بن أحمد الجبير``;
- the query's words must occur as consecutive whole words of a name, so a surname finds
  the full name (``الجبير`` -> ``وزير الخارجية عادل الجبير``) but ``علي`` never finds
  ``عليان``.

:func:`prefilter` is the cheap regular expression that keeps a superset of the matches, so
the normaliser runs over few distinct name strings.
"""
from __future__ import annotations

import re
from functools import lru_cache

from stages.textnorm import REMOVED, fold

from ..people import has_article, name_tokens, skip_patronymics

_ABD = "عبد"


def name_words(s: str | None) -> list[str]:
    """Normalised words of a name without the article, for the prefilter.

    >>> name_words("وزيرُ الخارجيّة عادل الجبیر")
    ['وزير', 'خارجيه', 'عادل', 'جبير']
    >>> name_words("خيرات عبد الرحمانوف") == name_words("خيرات عبدالرحمانوف")
    True
    """
    return [w.lstrip("^") for w in _marked(s)]


def _marked(s: str | None) -> list[str]:
    """:func:`pipeline.people.name_tokens` with the article as a mark: ``الجبير`` ->
    ``^جبير``; inside ``عبد`` compounds it is dropped (عبد الرحمن = عبدالرحمن = عبدرحمن)."""
    out = []
    for w in name_tokens(s):
        if w.startswith(_ABD + "ال") and len(w) > 5:
            out.append(_ABD + w[5:])
        elif has_article(w):
            out.append("^" + w[2:])
        else:
            out.append(w)
    return out


def name_key(s: str | None) -> str:
    """Space-padded normalised words, the article marked (``^جبير``).

    A name with a patronymic gets a second key without it, after a tab:
    ``عادل بن أحمد الجبير`` is found by ``عادل الجبير`` too.
    """
    ws = _marked(s)
    if not ws:
        return ""
    key = f" {' '.join(ws)} "
    short = skip_patronymics(ws)
    return key if short == ws else f"{key}\t {' '.join(short)} "


@lru_cache(maxsize=64)
def _query_rx(query_key: str) -> re.Pattern:
    """The query's words, consecutive and whole; a query word with the article needs
    it in the name (``الجبير`` is a family name: not ``جبير المليحان``), one without
    takes either (``جبير`` finds ``عادل الجبير``)."""
    words = query_key.split("\t")[0].split()
    return re.compile(" " + " ".join(re.escape(w) if w.startswith("^") else r"\^?" + re.escape(w)
                                     for w in words) + " ")


def matches(query_key: str, name: str | None) -> bool:
    return bool(query_key) and bool(_query_rx(query_key).search(name_key(name)))


# Every code point that folds to a given letter, for the prefilter regex.
def _fold_classes() -> dict[str, str]:
    classes: dict[str, set[str]] = {}
    for cp in range(0x0600, 0x0700):
        c = chr(cp)
        f = fold(c)
        if len(f) == 1 and f != c:
            classes.setdefault(f, {f}).add(c)
    for cp in range(0x06F0, 0x06FA):  # Persian digits fold to ASCII
        classes.setdefault(fold(chr(cp)), {fold(chr(cp))}).add(chr(cp))
    classes.update({"ي": classes.get("ي", {"ي"}) | {"ی", "ى", "ئ"}, "ه": classes.get("ه", {"ه"}) | {"ة", "ۀ"}})
    return {k: "".join(sorted(v)) for k, v in classes.items()}


_CLASSES = _fold_classes()
_GAP = "(?:" + REMOVED.pattern + ")*"


def prefilter(query_words: list[str]) -> re.Pattern:
    """A regex every raw string whose :func:`name_key` contains the query must match.

    It looks for the longest query word's stem (article and عبد removed) with any
    spelling that folds to it and any removed characters between its letters.
    """
    stems = [w[3:] if w.startswith(_ABD) and len(w) > 4 else w for w in query_words]
    stem = max(stems, key=len)
    parts = []
    for c in stem:
        variants = _CLASSES.get(c, "") + c
        if c.isalpha() and c.lower() != c.upper():
            variants += c.upper()
        parts.append("[" + "".join(re.escape(v) for v in dict.fromkeys(variants)) + "]")
    return re.compile(_GAP.join(parts))
