"""Stage 1: normalisation for matching (offsets keep pointing into the original)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .textnorm import normalize_text

# Where the pipeline's tokenizer leaves the text it was given (pipeline.nlp): reading
# it is free, while ``doc.text`` rebuilds the text from every token in Python.
TEXT_KEY = "isnad_text"


@Language.factory("isnad_normalizer", assigns=["doc._.isnad_norm"], default_config={})
def make_normalizer(nlp: Language, name: str) -> "Normalizer":
    return Normalizer()


class Normalizer:
    """Sets ``doc._.isnad_norm``: folded text (افادت = أفادت, علي = على, ة/ه, digits)
    without diacritics or tatweel, and the map back to original offsets.
    ``doc._.isnad_norm.orig`` is the original text (same as ``doc.text``, cheaper)."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.pop(TEXT_KEY, None)
        if text is None:  # a Doc made some other way (Doc(vocab, words), another tokenizer)
            text = doc.text
        doc._.isnad_norm = normalize_text(text)
        return doc
