"""pipeline/lexattrs.py: faster lexical attribute functions with spaCy's values."""
import gzip
import json
import random

import pytest
import spacy

from pipeline.lexattrs import faster
from pipeline.tokenizer import TOKEN_RE

from conftest import DATA


def strings():
    """Every BMP code point, pairs and runs of tricky ones, and the tokens of corpus articles."""
    out = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    tricky = ["http://x", "https://a.b", "www.a", "www.", "a.com", "a.com/", "x.sa:80", "a@b.com", ".com", "com.",
              "-5", "+1,000", "1/2", "1/2/3", "±3.5", "~7", "١٢٣", "۱۲", "٢٫٥", "ثلاث", "الثالث", "عشرة", "''", "``",
              "€", "$$", "$€", "…", "!!", "؟!", "((", "ABCDE", "AbCd", "abcde", "x1y2", "ـــ", "قالَ", "لـ", "2015م",
              "\u200fقال", "LONG" * 30, "ا" * 120, "1" * 120, "ا" * 4, "اااااا", "ﻻ", "ﷲ", "ⅷ", "²³", "Σσ", "ǅ"]
    out += tricky
    rnd = random.Random(5)
    pool = tricky + ["ا", "1", ".", "/", "a", "A", "،", "ً", "٣", "-", "$", "«"]
    out += ["".join(rnd.choice(pool) for _ in range(rnd.randint(1, 4))) for _ in range(3000)]
    path = DATA / "saudinewsnet.jsonl.gz"
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line, _ in zip(f, range(200)):
                out += [w for w, _ in TOKEN_RE.findall(json.loads(line).get("text") or "")]
    return list(dict.fromkeys(out))


def test_same_values_as_spacy():
    stock = spacy.blank("ar").vocab.lex_attr_getters
    fast = faster(stock)
    assert sum(fast[a] is not stock[a] for a in stock) >= 20  # it does replace them
    words = strings()
    for attr, f in stock.items():
        g = fast[attr]
        for w in words:
            assert g(w) == f(w), (attr, w)


def test_unknown_functions_are_kept():
    mine = lambda s: 42  # noqa: E731
    assert faster({1: mine})[1] is mine


def test_pipeline_lexemes_are_spacys(nlp):
    """Tokens of the isnad pipeline carry the same lexical attributes as spaCy's."""
    blank = spacy.blank("ar")
    text = "وقال الوزيرُ لـ«الشرق الأوسط»: إن 2.5% من http://spa.gov.sa ثلاثة… (واس) $5 ‘x’"
    attrs = ("lower_", "norm_", "shape_", "prefix_", "suffix_", "is_alpha", "is_ascii", "is_digit", "is_lower",
             "is_upper", "is_title", "is_punct", "is_space", "is_bracket", "is_quote", "is_left_punct",
             "is_right_punct", "is_currency", "like_url", "like_num", "like_email", "is_stop", "lang_")
    for t in nlp.make_doc(text):
        ref = blank.vocab[t.text]
        for a in attrs:
            assert getattr(t, a) == getattr(ref, a), (t.text, a)
