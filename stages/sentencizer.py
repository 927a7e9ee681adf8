"""Stage 3: quote-aware sentence segmentation.

A sentence ends at . ؟ ? ! … (configurable; see ``[sentences]`` in the config)
or at a paragraph end, but never inside quotation marks; a quotation that closes
after its full stop (``… ووحدتها.”``) belongs to its sentence; decimals (``2.5``),
single-letter abbreviations (``أ.ف.ب``، ``د.``، ``ص.ب``) and the Arabic
two-dot pause (``..``) do not split.
"""
from __future__ import annotations

import re

from spacy.attrs import IDX, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from .model import ext
from .lexicon import load_lexicon
from .spanindex import SpanSet


@Language.factory(
    "isnad_sentencizer",
    requires=["doc._.isnad_norm", "doc._.isnad_marks"],
    assigns=["doc._.isnad_sentences", "token.is_sent_start"],
    default_config={"config_path": None},
)
def make_sentencizer(nlp: Language, name: str, config_path: str | None) -> "Sentencizer":
    cfg = load_lexicon(config_path).config.get("sentences", {})
    terms = list(cfg.get("terminators", [".", "؟", "?", "!", "…"]))
    if cfg.get("split_on_semicolon", False):
        terms.append("؛")
    return Sentencizer(terms)


class Sentencizer:
    def __init__(self, terminators: list[str]):
        chars = "".join(re.escape(t) for t in terminators)
        self.term_re = re.compile(f"[{chars}]+")

    def __call__(self, doc: Doc) -> Doc:
        norm = ext(doc, "isnad_norm")
        sents = self.split(norm.text, ext(doc, "isnad_paragraphs"), ext(doc, "isnad_marks"))
        doc._.isnad_sentences = sents
        if not len(doc):
            return doc
        if doc.has_annotation("DEP"):  # parsed: let spaCy's setter refuse as it does
            for s, e in sents:
                span = doc.char_span(norm.to_orig(s), norm.to_orig_end(e), alignment_mode="expand")
                if span is not None and len(span):
                    span[0].is_sent_start = True
            doc[0].is_sent_start = True
            return doc
        # The first token of ``doc.char_span(start, end, alignment_mode="expand")`` for
        # every sentence, found on the token offsets at once, instead of a Span and a
        # Token object per sentence; then one write of the whole SENT_START column.
        # spaCy's tokens tile the text (each starts where the one before ends, its
        # trailing space included), so the token holding character c is the last one
        # starting at or before c, for 0 <= c < len(text) (spaCy's token_by_char).
        arr = doc.to_array([IDX, SPACY, SENT_START])
        idx = arr[:, 0].astype("int64")
        space = arr[:, 1]
        flags = arr[:, 2].copy()
        n_tok, total = len(idx), norm.orig_len
        starts = [norm.to_orig(s) for s, _ in sents]
        lasts = [norm.to_orig_end(e) - 1 for _, e in sents]
        first_tok = idx.searchsorted(starts, side="right").tolist() if sents else []
        last_tok = idx.searchsorted(lasts, side="right").tolist() if sents else []
        for c, last, start, end in zip(starts, lasts, first_tok, last_tok):
            if not (0 <= c < total and 0 <= last < total):
                continue  # no token there: char_span gives None
            start -= 1
            end -= 1
            nxt = int(idx[start + 1]) if start + 1 < n_tok else total
            if space[start] and c == nxt - 1:  # starts in the token's trailing space
                start += 1
            if start <= end:  # a non-empty span
                flags[start] = 1
        flags[0] = 1
        doc.from_array([SENT_START], flags)
        return doc

    def split(self, text: str, paragraphs, marks) -> list[tuple[int, int]]:
        # spans no sentence may end inside: the inside of every quotation (closed or not)
        # (a terminator as the last inner char ends the sentence with the mark, so a
        # quotation guards [start, end - 1); nested and overlapping ones merge, and one
        # bisection per terminator answers: a look-back over every open mark was
        # quadratic, «.«.«. …)
        guarded = SpanSet((m.start, m.end - 1) for m in marks)
        out: list[tuple[int, int]] = []
        for ps, pe in paragraphs:
            start = ps
            for m in self.term_re.finditer(text, ps, pe):
                i, j = m.start(), m.end()
                run = m.group()
                if run == ".." or i in guarded:
                    continue
                if run == "." and _no_split_dot(text, i):
                    continue
                # a closing mark right after the terminator belongs to this sentence
                while j < pe and text[j] in "»”\"')›":
                    j += 1
                if j - start > 0 and text[start:j].strip():
                    out.append(_trim(text, start, j))
                start = j
            if text[start:pe].strip():
                out.append(_trim(text, start, pe))
        return out


def _no_split_dot(text: str, i: int) -> bool:
    """2.5 (decimal), أ.ف.ب / د. / ص.ب (one-letter abbreviations), www.x.com."""
    prev = text[i - 1:i]
    nxt = text[i + 1:i + 2]
    if prev.isdigit() and nxt.isdigit():
        return True
    if nxt.isalnum() and prev.isascii() and prev.isalnum():
        return True  # e.g. kau.edu.sa, U.S.
    if prev.isalpha() and nxt.isalpha():
        # a dotted name, no space after the dot: جيه.إل.إل، العربية.نت — a short segment
        # follows; a missing space after a full stop (…نعمة.وفي الفترة) is followed by a word
        k = i + 1
        while k < len(text) and text[k].isalpha() and k - i <= 3:
            k += 1
        if k - i - 1 <= 2:
            return True
    k = i - 1
    while k >= 0 and text[k].isalpha():
        k -= 1
    word = text[k + 1:i]
    if len(word) != 1:
        return False
    # 2015م. / 1436 هـ. : an era letter after a year ends the sentence
    before = text[max(0, k - 1):k + 1].strip()
    return not before[-1:].isdigit()


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
