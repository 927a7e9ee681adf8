"""isnad's tokenizer: one regular-expression pass, linear in the length of the text.

spaCy's stock tokenizer tries prefix, suffix, infix and special-case rules on every
whitespace-separated chunk, one regex call at a time; on ordinary news that is about
two thirds of the cost of tokenising (the rest is creating the lexemes of new words,
which any Doc pays), and on long runs of punctuation it is quadratic: 16,000 ``،`` in
one chunk take 15 s, 16,000 nested or mismatched guillemets 17–24 s.  This tokenizer
finds every token and the space after it with one ``findall`` and builds the Doc with
``Doc(vocab, words, spaces)``: the same ``Doc``, spans and extensions for spaCy users.

Tokens (the whitespace rules are spaCy's, so ``doc.text`` is the input exactly):

- a word: a letter or digit, then letters, digits, ``_``, tatweel and the marks the
  normaliser removes (harakat, shadda, Quranic marks, zero-width and bidi controls), so
  ``قالَ`` and ``الوزيرُ\u200f`` stay one token as in spaCy; ``لـ«الشرق`` gives لـ « الشرق;
- a number with inner separators: ``2.5``, ``1,000``, ``10:30``, ``2015/10/12``, ``٢٫٥``;
- a web address (``http://…``, ``www.…``) up to a space, a quotation mark or a bracket,
  without its trailing punctuation;
- ``..`` or a longer run of full stops (an ellipsis);
- any other character alone: every punctuation mark and quotation mark is a token of
  its own, so a span can start at the name after ``«`` and ``،،،`` is three tokens;
- whitespace as in spaCy: one space after a token is that token's trailing space, any
  other run of whitespace (``\\n\\n``, a second space) is a token.

Where it differs from ``spacy.blank("ar")``: punctuation between two words is split
(``كلمة،كلمة`` gives three tokens, spaCy one; ``2015م.`` two, spaCy one), abbreviations
keep their full stop apart (``د.`` gives د . ), an e-mail address is several tokens.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc
from spacy.util import registry

from stages.normalizer import TEXT_KEY

from .lexattrs import faster

# what the normaliser removes for matching (stages.textnorm._REMOVED_CLASS) apart from
# tatweel, which is a letter (\w) already: they stay inside the word they touch
_INNER = "\u064b-\u065f\u0670\u06d6-\u06ed\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
_STOP = "\\s«»“”„‹›〝〞\"'<>()\\[\\]{}،؛"  # where a web address ends
_TOKEN = (
    # an address without its trailing punctuation (backtracks over that run only)
    r"(?i:https?://|www\.)[^" + _STOP + r"]*[^" + _STOP + r".,:;!?؟]"
    + r"|" + _DIGIT + r"++(?:[.,:/\u066b\u066c]" + _DIGIT + r"++)++"  # 2.5, 1,000, 10:30
    + r"|[^\W_][\w" + _INNER + r"]*+"  # a word
    + r"|\.\.++"  # an ellipsis
    + r"|\S"  # any other character
    + r"|\s++"  # whitespace that is not a token's one trailing space
)
# (token, " " or ""): possessive quantifiers, no backtracking, so the pass is linear
TOKEN_RE = re.compile(f"({_TOKEN})( ?)")
# The tokens tile the text, so split() gives "", token, space, "", token, space, …, "":
# words and spaces are two slices, with no tuple per token (findall + zip cost twice this)
_TOKEN_SPLIT = TOKEN_RE.split


class IsnadTokenizer:
    """``nlp.tokenizer`` for isnad: ``Doc(vocab, words, spaces)`` from one regex pass.

    It also leaves its input in ``doc.user_data`` for the normaliser (``doc.text``
    would rebuild the text from every token in Python)."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        parts = _TOKEN_SPLIT(text)
        if len(parts) > 1:  # spaces: " " or "" (truthy as spaCy wants)
            doc = Doc(self.vocab, words=parts[1::3], spaces=parts[2::3])
        else:
            doc = Doc(self.vocab)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # nothing to save: the rules are the regular expression above
    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return b""

    def from_bytes(self, bytes_data: bytes, *, exclude=tuple()) -> "IsnadTokenizer":
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        from pathlib import Path
        Path(path).write_bytes(b"")

    def from_disk(self, path, *, exclude=tuple()) -> "IsnadTokenizer":
        return self

    def __reduce__(self):
        return (self.__class__, (self.vocab,))


@registry.tokenizers("isnad.Tokenizer.v1")
def create_tokenizer():
    """For ``spacy.blank("ar", config={"nlp": {"tokenizer": {"@tokenizers":
    "isnad.Tokenizer.v1"}}})`` and saved pipelines.

    It also gives the vocabulary faster lexical attribute functions with the same
    values (:mod:`pipeline.lexattrs`): creating the lexemes of new words is most of
    what building a Doc costs."""
    def make(nlp):
        nlp.vocab.lex_attr_getters = faster(nlp.vocab.lex_attr_getters)
        return IsnadTokenizer(nlp.vocab)
    return make
