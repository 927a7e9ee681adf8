"""The fast paths give what the slow ones gave (the benchmark's optimisations)."""
import random

from spacy.attrs import SENT_START

from stages.textnorm import FOLD, REMOVED, normalize_text
from stages.words import WORD_RE, Words

TEXTS = ["", "قالَ إنّ", "\u0640\u0640قال", "وقال\u200f «نعم»\u064b", "أكّد الوزيرُ أنّ ٢٠١٥م.",
         "ابc\u200f", "\ufeff", "no arabic at all", "مضيفاً: \"الوضع ـ مستقر\"."]


def _dense(text):
    """The reference: the original per-character map."""
    index = [i for i, ch in enumerate(text) if not REMOVED.match(ch)]
    return REMOVED.sub("", text).translate(FOLD), (index if len(index) < len(text) else None)


def test_normalize_text_matches_the_dense_map():
    rnd = random.Random(7)
    alphabet = "اأإآىةؤئقالو ٠١٩۰ .\n\u064b\u0651\u0640\u200f\ufeff«»"
    texts = TEXTS + ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(300)]
    for text in texts:
        n = normalize_text(text)
        norm, index = _dense(text)
        assert n.text == norm and n.orig == text and n.orig_len == len(text)
        assert n.index == index and n.shared == (index is None)
        for i in range(len(norm)):
            assert n.to_orig(i) == (index[i] if index is not None else i)
        assert n.to_orig(len(norm)) == (len(text) if index is not None else len(norm))


def test_words_of_matches_finditer():
    for text in TEXTS + ["وقال 2.5 مليون_x y.z ..", "a_b__c"]:
        w = Words.of(text)
        ms = list(WORD_RE.finditer(text))
        assert w.forms == [m.group() for m in ms]
        assert w.starts == [m.start() for m in ms] and w.ends == [m.end() for m in ms]


def test_tokenizer_keeps_text_and_sentence_starts_match_char_span(nlp):
    text = "وقال الوزير: «نعم.» ثم غادر.\n\nوأضاف  أن  الوضع مستقر؟ نعم!"
    doc = nlp(text)
    assert doc._.isnad_norm.orig == doc.text == text
    assert "isnad_text" not in doc.user_data  # read once by the normaliser, not kept
    norm = doc._.isnad_norm
    expected = {0}
    for s, e in doc._.isnad_sentences:
        span = doc.char_span(norm.to_orig(s), norm.to_orig_end(e), alignment_mode="expand")
        if span is not None and len(span):
            expected.add(span.start)
    assert {t.i for t in doc if t.is_sent_start} == expected
    assert set(doc.to_array([SENT_START]).tolist()) <= {0, 1}


def test_ext_reads_what_doc_underscore_reads(nlp, astana_text):
    from stages.model import EXTENSIONS, ext
    doc = nlp(astana_text)
    for name in EXTENSIONS:
        assert ext(doc, name) is getattr(doc._, name)
    bare = nlp.make_doc("نص")  # nothing set yet: the extensions' defaults
    for name, default in EXTENSIONS.items():
        assert ext(bare, name) is getattr(bare._, name) is default
