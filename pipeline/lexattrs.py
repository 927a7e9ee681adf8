"""spaCy's lexical attribute functions, computed faster, with the same values.

Every word type a Doc meets for the first time becomes a lexeme, and spaCy then calls
23 Python functions on it (``vocab.lex_attr_getters``: lower, norm, shape, is_punct,
like_url, like_num, …).  On news, where a third of the words of an article are new to
the vocabulary, that is about a fifth of the cost of building the Docs: ``word_shape``
and ``like_url`` loop over the characters in Python, the membership tests build tuples
on each call.  :func:`faster` swaps the stock functions it knows for equivalents that
return the same value for every string (``tests/test_lexattrs.py`` checks every code
point of the BMP and the words of corpus articles): built-in methods where the stock
function only wraps one (``str.isalpha``), frozensets for the tuples, and a shortcut
for the common case before falling back to the stock function (``word_shape`` of a
word of plain Arabic letters is ``x`` per letter up to four).  Functions it does not
know (another language's, a user's) are kept as they are.
"""
from __future__ import annotations

import functools
import operator
import re
import unicodedata
from typing import Any, Callable

from spacy.lang import lex_attrs as base
from spacy.lang.ar import lex_attrs as ar
from spacy.util import _get_attr_unless_lookup

# Arabic letters (U+0620–U+064A): all isalpha(), none isupper() or isdigit()
_PLAIN_ARABIC = re.compile("[\u0620-\u064a]+").fullmatch
_category = unicodedata.category


def word_shape(text: str) -> str:
    """``spacy.lang.lex_attrs.word_shape``: shape characters, runs cut at four."""
    if len(text) < 100 and (_PLAIN_ARABIC(text) is not None):
        return "xxxx"[:len(text)]
    if text.isdigit() and len(text) < 100:  # isdigit characters are never isalpha
        return "dddd"[:len(text)]
    return base.word_shape(text)


def like_url(text: str) -> bool:
    """``spacy.lang.lex_attrs.like_url``: without a full stop only http(s):// is a URL."""
    if "." not in text and text:
        return text.startswith(("http://", "https://"))
    return base.like_url(text)


def is_punct(text: str) -> bool:
    """``spacy.lang.lex_attrs.is_punct``: the first character decides most words."""
    return (not text or _category(text[0])[0] == "P") and base.is_punct(text)


def is_currency(text: str) -> bool:
    return (not text or _category(text[0]) == "Sc") and base.is_currency(text)


def ar_like_num(text: str) -> bool:
    """``spacy.lang.ar.lex_attrs.like_num``: a word of plain letters is a number word
    or nothing (no sign, separator or digit to strip)."""
    if _PLAIN_ARABIC(text) is not None:
        return text in ar._num_words or text in ar._ordinal_words
    return ar.like_num(text)


def _norm(lookup: dict) -> Callable[[str], Any]:
    missing = object()

    def norm(text: str):
        value = lookup.get(text, missing)  # the stock function: the table, else lower()
        return text.lower() if value is missing else value
    return norm


def _is_stop(stops) -> Callable[[str], bool]:
    def is_stop(text: str) -> bool:
        return text.lower() in stops  # the same set: stop words added later count
    return is_stop


def _in(values) -> Callable[[str], bool]:
    return frozenset(values).__contains__


def _constant(value) -> Callable[[str], Any]:
    def get(text: str):
        return value
    return get


_SAME = {
    base.lower: str.lower, base.prefix: operator.itemgetter(0), base.suffix: operator.itemgetter(slice(-3, None)),
    base.is_alpha: str.isalpha, base.is_digit: str.isdigit, base.is_lower: str.islower,
    base.is_space: str.isspace, base.is_title: str.istitle, base.is_upper: str.isupper,
    base.is_ascii: str.isascii, base.word_shape: word_shape, base.like_url: like_url,
    base.is_punct: is_punct, base.is_currency: is_currency,
    base.is_bracket: _in(("(", ")", "[", "]", "{", "}", "<", ">")),
    base.is_quote: _in(('"', "'", "`", "«", "»", "‘", "’", "‚", "‛", "“", "”", "„", "‟", "‹", "›", "❮", "❯", "''",
                        "``")),
    base.is_left_punct: _in(("(", "[", "{", "<", '"', "'", "«", "‘", "‚", "‛", "“", "„", "‟", "‹", "❮", "``")),
    base.is_right_punct: _in((")", "]", "}", ">", '"', "'", "»", "’", "”", "›", "❯", "''")),
    ar.like_num: ar_like_num,
}


def _faster_one(func: Callable) -> Callable:
    if isinstance(func, functools.partial):
        f, args, kw = func.func, func.args, func.keywords
        if f is base.is_stop and not args and set(kw) == {"stops"}:
            return _is_stop(kw["stops"])
        if f is base.get_lang and not args and set(kw) == {"lang"}:
            return _constant(kw["lang"])
        if f is _get_attr_unless_lookup and not kw and len(args) == 2 and args[0] is base.lower \
                and len(args[1]) == 1 and isinstance(args[1][0], dict):
            return _norm(args[1][0])
        return func
    return _SAME.get(func, func)


def faster(getters: dict) -> dict:
    """``vocab.lex_attr_getters`` with the stock functions it knows replaced."""
    return {attr: _faster_one(func) for attr, func in getters.items()}
