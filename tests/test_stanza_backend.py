"""The Stanza adapter on real ``stanza`` Documents built from CoNLL-U (no model download).

Skipped when the optional ``stanza`` package is not installed (``pip install ".[stanza]"``;
``.ci/run`` installs it so CI runs these).
"""
from __future__ import annotations

import pytest

stanza = pytest.importorskip("stanza", reason='optional backend: pip install ".[stanza]"')
from stanza.utils.conll import CoNLL  # noqa: E402

from stages.stanza_backend import (StanzaSpeakers, align_mwt, stanza_entities,  # noqa: E402
                                   stanza_words)


def conllu(text: str, tokens: list[tuple], offsets: bool = True) -> str:
    """CoNLL-U for one sentence. ``tokens``: (surface, ner, [(form, upos, head, deprel), ...]);
    a token with several words becomes a multi-word token line plus its word lines."""
    lines = [f"# text = {text}"]
    wid = 0
    cursor = 0
    for surface, ner, words in tokens:
        start = text.index(surface, cursor)
        end = cursor = start + len(surface)
        misc = [f"start_char={start}|end_char={end}"] if offsets else []
        misc.append(f"ner={ner}")
        if len(words) == 1:
            form, upos, head, rel = words[0]
            wid += 1
            lines.append(f"{wid}\t{form}\t{form}\t{upos}\t_\t_\t{head}\t{rel}\t_\t{'|'.join(misc)}")
        else:
            lines.append(f"{wid + 1}-{wid + len(words)}\t{surface}\t_\t_\t_\t_\t_\t_\t_\t{'|'.join(misc)}")
            for form, upos, head, rel in words:
                wid += 1
                lines.append(f"{wid}\t{form}\t{form}\t{upos}\t_\t_\t{head}\t{rel}\t_\t_")
    return "\n".join(lines) + "\n\n"


def doc_of(text, tokens, offsets=True):
    return CoNLL.conll2doc(input_str=conllu(text, tokens, offsets))


# وقالَ (with a fatha) = و + قالَ; للمراسلين = ل + المراسلين (the written form lost an alef)
MINISTER = "وقالَ وزير الخارجية عادل الجبير للمراسلين إن الوضع خطير."
MINISTER_TOKENS = [
    ("وقالَ", "O", [("و", "CCONJ", 2, "cc"), ("قالَ", "VERB", 0, "root")]),
    ("وزير", "O", [("وزير", "NOUN", 2, "nsubj")]),
    ("الخارجية", "O", [("الخارجية", "NOUN", 3, "nmod")]),
    ("عادل", "B-PER", [("عادل", "PROPN", 3, "appos")]),
    ("الجبير", "E-PER", [("الجبير", "PROPN", 5, "flat")]),
    ("للمراسلين", "O", [("ل", "ADP", 8, "case"), ("المراسلين", "NOUN", 2, "obl")]),
    ("إن", "O", [("إن", "SCONJ", 11, "mark")]),
    ("الوضع", "O", [("الوضع", "NOUN", 11, "nsubj")]),
    ("خطير", "O", [("خطير", "ADJ", 2, "ccomp")]),
    (".", "O", [(".", "PUNCT", 2, "punct")]),
]

# no subject found by the rules (a time word and a long title before the name)
OFFICIAL = "وأكد اليوم مسؤول كبير في الوزارة محمد العلي أن الاتفاق وشيك."
OFFICIAL_TOKENS = [
    ("وأكد", "O", [("و", "CCONJ", 2, "cc"), ("أكد", "VERB", 0, "root")]),
    ("اليوم", "O", [("اليوم", "NOUN", 2, "obl:tmod")]),
    ("مسؤول", "O", [("مسؤول", "NOUN", 2, "nsubj")]),
    ("كبير", "O", [("كبير", "ADJ", 4, "amod")]),
    ("في", "O", [("في", "ADP", 7, "case")]),
    ("الوزارة", "S-ORG", [("الوزارة", "NOUN", 4, "nmod")]),
    ("محمد", "B-PER", [("محمد", "PROPN", 4, "appos")]),
    ("العلي", "E-PER", [("العلي", "PROPN", 8, "flat")]),
    ("أن", "O", [("أن", "SCONJ", 12, "mark")]),
    ("الاتفاق", "O", [("الاتفاق", "NOUN", 12, "nsubj")]),
    ("وشيك", "O", [("وشيك", "ADJ", 2, "ccomp")]),
    (".", "O", [(".", "PUNCT", 2, "punct")]),
]


@pytest.mark.parametrize("token, forms, pieces", [
    ("وقال", ["و", "قال"], ["و", "قال"]),
    ("وقالَ", ["و", "قال"], ["و", "قالَ"]),
    ("للصحفيين", ["ل", "الصحفيين"], ["ل", "لصحفيين"]),
    ("لـالمدينة", ["ل", "المدينة"], ["لـ", "المدينة"]),
    ("وللمدينة", ["و", "ل", "المدينة"], ["و", "ل", "لمدينة"]),
    ("عليه", ["على", "ه"], ["علي", "ه"]),
    ("مدرستها", ["مدرسة", "ها"], ["مدرست", "ها"]),
    ("بأنهم", ["ب", "أن", "هم"], ["ب", "أن", "هم"]),
    ("فسيقولون", ["ف", "س", "يقولون"], ["ف", "س", "يقولون"]),
])
def test_multi_word_tokens_align_exactly(token, forms, pieces):
    spans = align_mwt(token, forms)
    assert [token[s:e] for s, e in spans] == pieces
    assert spans[0][0] == 0 and spans[-1][1] == len(token)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("offsets", [True, False])
def test_words_map_to_original_offsets(offsets):
    sdoc = doc_of(MINISTER, MINISTER_TOKENS, offsets)
    assert sdoc.sentences[0].tokens[0].words[1].text == "قالَ"
    words = stanza_words(sdoc, MINISTER)
    got = [MINISTER[w.start:w.end] for w in words]
    assert got == ["و", "قالَ", "وزير", "الخارجية", "عادل", "الجبير", "ل", "لمراسلين", "إن", "الوضع",
                   "خطير", "."]
    assert [w.index for w in words] == list(range(len(words)))
    verb = words[1]
    assert verb.head == -1 and words[2].head == 1 and words[2].deprel == "nsubj"
    assert words[6].mwt and not words[2].mwt
    ents = stanza_entities(sdoc, words, MINISTER)
    assert [(MINISTER[s:e], label) for s, e, label in ents] == [("عادل الجبير", "PER")]


def test_entity_on_a_clitic_token_starts_at_the_name():
    text = "ورحب وبوتين بالقرار."
    sdoc = doc_of(text, [
        ("ورحب", "O", [("و", "CCONJ", 2, "cc"), ("رحب", "VERB", 0, "root")]),
        ("وبوتين", "S-PER", [("و", "CCONJ", 4, "cc"), ("بوتين", "PROPN", 2, "nsubj")]),
        ("بالقرار", "O", [("ب", "ADP", 6, "case"), ("القرار", "NOUN", 2, "obl")]),
        (".", "O", [(".", "PUNCT", 2, "punct")]),
    ])
    words = stanza_words(sdoc, text)
    assert [(text[s:e], label) for s, e, label in stanza_entities(sdoc, words, text)] == [("بوتين", "PER")]


def run_with(nlp, text, sdoc, forget_rules=False):
    """The rules pipeline with the Stanza stage inserted after isnad_content
    (``forget_rules``: as if the rules had found no speaker mention)."""
    stage = StanzaSpeakers(lambda t: sdoc)
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        doc = proc(doc)
        if name == "isnad_content":
            if forget_rules:
                for q in doc._.isnad_quotes:
                    q.speaker_start = q.speaker_end = None
            doc = stage(doc)
    return doc


def test_subject_of_the_cue_verb_sharpens_the_speaker(nlp):
    doc = run_with(nlp, MINISTER, doc_of(MINISTER, MINISTER_TOKENS))
    [q] = doc._.isnad_quotes
    assert MINISTER[q.ostart:q.oend] == "الوضع خطير"
    # the rules alone run on to an addressee they do not list (للمراسلين); the parse stops at the subject
    assert MINISTER[q.ospeaker_start:q.ospeaker_end] == "وزير الخارجية عادل الجبير"
    assert q.method.endswith("+stanza")
    assert q.speaker_type == "person"


def test_subject_found_where_the_rules_found_none(nlp):
    plain = nlp(OFFICIAL)._.isnad_quotes[0]
    doc = run_with(nlp, OFFICIAL, doc_of(OFFICIAL, OFFICIAL_TOKENS))
    [q] = doc._.isnad_quotes
    assert OFFICIAL[q.ostart:q.oend] == "الاتفاق وشيك"
    assert OFFICIAL[q.ospeaker_start:q.ospeaker_end] == "مسؤول كبير في الوزارة محمد العلي"
    assert "+stanza" in q.method and "+stanza" not in plain.method


def test_entity_after_the_cue_when_the_parse_has_no_subject(nlp):
    text = "وأكد محمد العلي أن الاتفاق وشيك."
    sdoc = doc_of(text, [
        ("وأكد", "O", [("و", "CCONJ", 2, "cc"), ("أكد", "VERB", 0, "root")]),
        ("محمد", "B-PER", [("محمد", "PROPN", 2, "obj")]),
        ("العلي", "E-PER", [("العلي", "PROPN", 3, "flat")]),
        ("أن", "O", [("أن", "SCONJ", 7, "mark")]),
        ("الاتفاق", "O", [("الاتفاق", "NOUN", 7, "nsubj")]),
        ("وشيك", "O", [("وشيك", "ADJ", 2, "ccomp")]),
        (".", "O", [(".", "PUNCT", 2, "punct")]),
    ])
    doc = run_with(nlp, text, sdoc, forget_rules=True)
    [q] = doc._.isnad_quotes
    assert text[q.ospeaker_start:q.ospeaker_end] == "محمد العلي"


def test_parse_that_disagrees_with_the_rules_is_ignored(nlp):
    tokens = list(MINISTER_TOKENS)
    # a bad parse: the complementiser as the subject, outside the rules' mention
    tokens[1] = ("وزير", "O", [("وزير", "NOUN", 2, "obl")])
    tokens[6] = ("إن", "O", [("إن", "SCONJ", 2, "nsubj")])
    sdoc = doc_of(MINISTER, tokens)
    doc = run_with(nlp, MINISTER, sdoc)
    plain = nlp(MINISTER)._.isnad_quotes[0]
    [q] = doc._.isnad_quotes
    assert (q.ospeaker_start, q.ospeaker_end) == (plain.ospeaker_start, plain.ospeaker_end)
    assert "+stanza" not in q.method
