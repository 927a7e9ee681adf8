"""Stage 1: normalisation for matching (offsets keep pointing into the original)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .textnorm import normalize_text


@Language.factory("isnad_normalizer", assigns=["doc._.isnad_norm"], default_config={})
def make_normalizer(nlp: Language, name: str) -> "Normalizer":
    return Normalizer()


class Normalizer:
    """Sets ``doc._.isnad_norm``: folded text (افادت = أفادت, علي = على, ة/ه, digits)
    without diacritics or tatweel, and the map back to original offsets."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.isnad_norm = normalize_text(doc.text)
        return doc
