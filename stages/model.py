"""The records stages pass to each other through ``Doc._`` extensions.

All offsets in these records are offsets into the *normalised* text
(``doc._.isnad_norm.text``) unless a field says ``orig``.  They become original
code-point offsets in one place: :func:`stages.attribution` fills the ``o*`` fields
of :class:`Quote`, and the exporter reads only those.  In the common case (no
diacritics or tatweel in the document) both are the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc

QUOTE_KINDS = ("direct", "indirect", "mixed")
SPEAKER_TYPES = ("person", "organization", "group", "document", "agency", "anonymous", "unknown")


@dataclass(slots=True)
class Mark:
    """A pair of quotation marks (or an unclosed opening mark).

    ``start``/``end`` delimit the text *inside* the marks; ``open_at`` and
    ``close_at`` are the mark characters themselves (``close_at`` is None when the
    quote runs unclosed to the end of its paragraph).
    """

    open_at: int
    close_at: Optional[int]
    start: int
    end: int
    char: str
    is_name: bool = False  # a name or title in marks: «الشرق الأوسط», “استانا 8”
    used: bool = False  # taken as the content of a direct quote


@dataclass(slots=True)
class Cue:
    """A reporting cue: ``وقال``، ``مشيرا إلى``، ``بحسب ما ذكر``، ``جاء في``."""

    start: int
    end: int  # end of the cue words, including a governed preposition if present
    lemma: str
    kind: str  # verb | participle | according | document | noun | colon
    prep: str = ""  # the governed preposition (normalised), e.g. "الي"
    feminine: bool = False
    plural: bool = False
    imperfect: bool = False
    word_end: int = 0  # end of the cue word itself (before a governed preposition)


@dataclass(slots=True)
class Quote:
    # --- normalised-text offsets, used while stages work ---
    start: int
    end: int
    kind: str
    cue: Cue
    sentence: int
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    speaker_type: str = "unknown"
    speaker_name: Optional[str] = None  # resolved name (also for implicit speakers)
    speaker_id: Optional[str] = None
    antecedent: Optional[int] = None  # index of the quote whose speaker this one inherits
    implicit: bool = False
    pronoun: bool = False  # a pronoun/honorific mention (سماحته، معاليه)
    relayed_by: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # relay links, innermost first
    parent: Optional["Quote"] = None  # the quote whose content holds this one (nested speech)
    confidence: float = 0.5  # set by stages.confidence; the rule stages only leave placeholders
    # the name recogniser's probability for the person's name in the speaker (stages/ner.py),
    # None when it found none; a feature of the confidence model
    name_prob: Optional[float] = None
    method: str = ""
    # the attribution frame: cue, speaker and adjuncts (where لـ«X» and في بيان live)
    frame_start: int = 0
    frame_end: int = 0
    mention_gender: str = ""  # "f" / "m" / "" as the cue's agreement tells
    # mentions that relay this quote, found by the content stage (normalised offsets):
    # a wrapper (وافادت 'سانا' انه [جاء في بيان …]) or an "according to" phrase naming
    # an outlet on a verb's quote (…، وفقا لما ذكرته “المدينة”); read by the relay stage
    relay_spans: list[tuple[int, int]] = field(default_factory=list)
    wrapped: bool = False  # the first of relay_spans is a wrapper around the whole quote
    # --- original-text offsets, filled by the attribution stage ---
    ostart: int = 0
    oend: int = 0
    ocue_start: int = 0
    ocue_end: int = 0
    ospeaker_start: Optional[int] = None
    ospeaker_end: Optional[int] = None


@dataclass(slots=True)
class Speaker:
    speaker_id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    title: Optional[str] = None
    key: str = ""
    n_quotes: int = 0


EXTENSIONS = {
    "isnad_norm": None,  # stages.textnorm.NormText
    "isnad_marks": None,  # list[Mark]
    "isnad_sentences": None,  # list[tuple[int, int]] (normalised offsets)
    "isnad_paragraphs": None,  # list[tuple[int, int]]
    "isnad_cues": None,  # list[Cue]
    "isnad_quotes": None,  # list[Quote]
    "isnad_speakers": None,  # list[Speaker]
    "isnad_relays": None,  # list[str]: agencies credited for the whole document
    "isnad_doc_sources": None,  # list[dict]: the credits with their offsets
    "isnad_confidence": None,  # str: the id of the model that set Quote.confidence
}


def register_extensions() -> None:
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


def ext(doc: Doc, name: str):
    """``getattr(doc._, name)`` for an isnad extension, without building spaCy's
    ``Underscore`` object on every ``doc._`` (3.6 µs against 0.1 µs; a stage reading
    ``doc._.isnad_norm`` once per quote pays it dozens of times per article).  spaCy keeps
    a Doc extension's value in ``doc.user_data`` under ``("._.", name, None, None)``;
    an unset one falls back to ``doc._`` (its default)."""
    try:
        return doc.user_data[("._.", name, None, None)]
    except KeyError:
        return getattr(doc._, name)
