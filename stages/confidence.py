"""Stage 9: ``Quote.confidence`` as a calibrated probability.

The rules leave on every quote a record of how they found it: the cue's kind and
lemma, the opener in ``Quote.method`` (``verb:comp``، ``according:after`` …), how the
speaker was found (after the verb, before it ``:svo``, inherited ``+implicit`` …),
the mention, the relays.  :func:`quote_features` turns that record into a few
numbers, and a logistic regression fitted on the gold sets
(``python run.py models train-confidence``; ``pipeline/calibration.py``) turns them
into the probability that the quote is right: matched to a gold quote *and* its
speaker right, as the reference scorer reads ``confidence``.

The fitted model is a small JSON file (``stages/models/confidence.json``): feature
names, their centring and scale, the weights, the intercept.  Nothing here learns;
this stage only reads the file and applies it, in linear time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from .errors import ConfigError, make
from .lexicon import Lexicon, load_lexicon
from .model import Quote
from .textnorm import fold
from .words import WORD_RE, Words, bare

DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "confidence.json"
MODEL_FORMAT = "isnad-confidence/1"

# How the speaker was found, from the suffix the speakers stage appends to the method:
# explicit (after the cue: وقال الوزير)، svo (before it: الوزير قال)، implicit (an earlier
# quote's speaker: وأضاف)، subject (a narration verb's subject: وكانت النقابة قد أدانت …
# وقالت)، entity (an organisation noun before a feminine cue: الشركة … وقالت)، pronoun
# (سماحته، معاليه)، none (no speaker at all)
RESOLUTIONS = ("explicit", "svo", "implicit", "subject", "entity", "pronoun", "none")
OPENERS = ("comp", "prep", "colon", "mark", "object", "postposed", "before", "after", "inside", "subhead")
CUE_KINDS = ("verb", "participle", "according", "document", "noun", "colon")
SPEAKER_TYPES = ("person", "organization", "group", "document", "agency", "anonymous", "unknown")

# The features, in the order the model stores them. One-hot groups leave out their
# commonest value (verb, comp, explicit, person, indirect), which the intercept carries.
FEATURES = (
    *(f"cue_{k}" for k in CUE_KINDS[1:]),
    *(f"opener_{k}" for k in OPENERS[1:]),
    "kind_direct", "kind_mixed",
    *(f"speaker_{k}" for k in RESOLUTIONS[1:]),
    *(f"type_{k}" for k in SPEAKER_TYPES[1:]),
    "mention_words", "name_words", "first_name", "title",
    "lemma_saying", "lemma_strict", "lemma_stance", "cue_imperfect",
    "gap_words", "content_words", "antecedent_back",
    "relay_quote", "relay_document", "speaker_quotes",
    "position", "doc_quotes",
    "name_prob", "name_prob_missing",
)


@dataclass(frozen=True)
class DocFacts:
    """What :func:`quote_features` needs to know about the document around a quote."""

    text: str  # the normalised text (offsets of Quote are into it)
    words: Words
    n_quotes: int  # top-level quotes in the document
    speaker_quotes: dict  # speaker_id -> number of quotes the document gives that speaker
    doc_relays: bool  # the whole article is credited to an agency
    lex: Lexicon


def resolution(q: Quote) -> str:
    """How the speaker of ``q`` was found (one of :data:`RESOLUTIONS`)."""
    if q.speaker_name is None:
        return "none"
    suffix = q.method.split("+", 1)[1] if "+" in q.method else ""
    if suffix.startswith("implicit-entity"):
        return "entity"
    if suffix.startswith("subject"):
        return "subject"
    if q.pronoun:
        return "pronoun"
    if suffix.startswith("implicit"):
        return "implicit"
    if ":svo" in q.method.split("+", 1)[0]:
        return "svo"
    return "explicit"


def opener(q: Quote) -> str:
    """What opened the content: ``comp`` (إن، أن)، ``prep`` (أشار إلى)، ``colon``، ``mark``
    (قال «…»)، ``object`` (أكد ضرورة …)، ``postposed`` (…، قال X)، ``before``/``after``/
    ``inside`` an according phrase, ``subhead`` (X : claim)."""
    parts = q.method.split("+", 1)[0].split(":")
    op = parts[1] if len(parts) > 1 else ""
    return op if op in OPENERS else "comp"


def _words_between(words: Words, a: int, b: int) -> int:
    return max(0, words.first_at_or_after(b) - words.first_at_or_after(a)) if b > a else 0


def quote_features(q: Quote, index: int, facts: DocFacts) -> dict[str, float]:
    """The features of quote ``q`` (the ``index``-th of its document), from what the
    stages recorded on it. Pure: reads ``q`` and ``facts``, changes nothing.

    Counts enter as ``log(1 + n)`` so that one long mention or paragraph does not
    dominate; one-hot groups (cue kind, opener, speaker resolution, speaker type, quote
    kind) are 0/1. ``name_prob`` reads an optional ``q.name_prob`` (the probability,
    from a name recogniser, that the mention names a source); without one it is 0 and
    ``name_prob_missing`` is 1.
    """
    lex, text, words = facts.lex, facts.text, facts.words
    f = dict.fromkeys(FEATURES, 0.0)
    kind = q.cue.kind if q.cue.kind in CUE_KINDS else "verb"
    if kind != "verb":
        f[f"cue_{kind}"] = 1.0
    op = opener(q)
    if op != "comp":
        f[f"opener_{op}"] = 1.0
    if q.kind in ("direct", "mixed"):
        f[f"kind_{q.kind}"] = 1.0
    res = resolution(q)
    if res != "explicit":
        f[f"speaker_{res}"] = 1.0
    stype = q.speaker_type if q.speaker_type in SPEAKER_TYPES else "unknown"
    if stype != "person":
        f[f"type_{stype}"] = 1.0
    if q.speaker_start is not None and q.speaker_end is not None:
        mention = WORD_RE.findall(text[q.speaker_start:q.speaker_end])
        f["mention_words"] = math.log1p(len(mention))
        f["title"] = float(any(w in lex.titles or bare(w) in lex.titles for w in mention))
    name = WORD_RE.findall(fold(q.speaker_name or ""))
    f["name_words"] = math.log1p(len(name))
    f["first_name"] = float(any(w in lex.first_names and w not in lex.boundaries for w in name))
    lemma = q.cue.lemma
    f["lemma_saying"] = float(lemma in lex.postposed)  # the verbs of saying proper (قال، أكد …)
    f["lemma_strict"] = float(lemma in lex.strict_lemmas)
    f["lemma_stance"] = float(lemma in _stance_lemmas(lex))
    f["cue_imperfect"] = float(q.cue.imperfect)
    if q.start >= q.cue.end:
        f["gap_words"] = math.log1p(_words_between(words, q.cue.end, q.start))
    else:  # content before the cue (…، قال X; according:before)
        f["gap_words"] = math.log1p(_words_between(words, q.end, q.cue.start))
    f["content_words"] = math.log1p(_words_between(words, q.start, q.end))
    if q.antecedent is not None:
        f["antecedent_back"] = math.log1p(max(0, index - q.antecedent))
    f["relay_quote"] = float(bool(q.sources))
    f["relay_document"] = float(facts.doc_relays)
    f["speaker_quotes"] = math.log1p(facts.speaker_quotes.get(q.speaker_id, 0)) if q.speaker_id else 0.0
    f["position"] = q.start / max(1, len(text))
    f["doc_quotes"] = math.log1p(facts.n_quotes)
    # the place for a name recogniser's belief in the mention (stages/ner.py, once it
    # attaches one): the model uses it only when it was trained with it
    p = getattr(q, "name_prob", None)
    if p is None:
        f["name_prob_missing"] = 1.0
    else:
        f["name_prob"] = float(p)
    return f


_STANCE: dict[int, frozenset[str]] = {}


def _stance_lemmas(lex: Lexicon) -> frozenset[str]:
    """Lemmas declared ``stance = true`` in cues.toml (توقع، رحب بـ، أدان …)."""
    got = _STANCE.get(id(lex))
    if got is None:
        got = _STANCE[id(lex)] = frozenset(c.lemma for c in lex.cue_forms.values() if c.stance)
    return got


def doc_facts(doc: Doc, lex: Lexicon) -> DocFacts:
    quotes = doc._.isnad_quotes or []
    sizes = {sp.speaker_id: sp.n_quotes for sp in doc._.isnad_speakers or []}
    return DocFacts(doc._.isnad_norm.text, doc.user_data["isnad_words"],
                    sum(q.parent is None for q in quotes), sizes, bool(doc._.isnad_relays), lex)


def features_of(doc: Doc, lex: Lexicon) -> list[dict[str, float]]:
    """Features of every quote of a processed document, in ``doc._.isnad_quotes`` order."""
    facts = doc_facts(doc, lex)
    return [quote_features(q, i, facts) for i, q in enumerate(doc._.isnad_quotes or [])]


@dataclass(frozen=True)
class ConfidenceModel:
    """A fitted logistic model: ``p = sigmoid(intercept + sum(w * (x - mean) / scale))``."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    meta: dict

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ConfidenceModel":
        """Read a model file; ConfigError E008 when it is missing or unusable."""
        p = Path(path) if path else DEFAULT_MODEL
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            if data.get("format") != MODEL_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {MODEL_FORMAT!r}")
            names = tuple(data["features"])
            unknown = [n for n in names if n not in FEATURES]
            if unknown:
                raise ValueError(f"unknown features {unknown}")
            model = cls(names, tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                        tuple(map(float, data["weights"])), float(data["intercept"]),
                        {k: v for k, v in data.items() if k not in ("features", "mean", "scale", "weights", "intercept")})
            if not len(model.mean) == len(model.scale) == len(model.weights) == len(names):
                raise ValueError("features, mean, scale and weights differ in length")
            if not all(math.isfinite(v) for v in (*model.mean, *model.weights, model.intercept)) \
                    or not all(s > 0 for s in model.scale):
                raise ValueError("non-finite weights or a scale that is not positive")
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise make(ConfigError, "E008", path=p, error=e) from None
        return model

    def logit(self, feats: dict[str, float]) -> float:
        z = self.intercept
        for name, m, s, w in zip(self.names, self.mean, self.scale, self.weights):
            z += w * (feats.get(name, 0.0) - m) / s
        return z

    def probability(self, feats: dict[str, float]) -> float:
        z = self.logit(feats)
        # in (0, 1) strictly, and no float32 rounding to 0 or 1 in the table
        return min(0.999, max(0.001, 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))))


@Language.factory(
    "isnad_confidence",
    requires=["doc._.isnad_quotes", "doc._.isnad_speakers", "doc._.isnad_relays"],
    assigns=["doc._.isnad_confidence"],
    default_config={"config_path": None, "model_path": None},
)
def make_confidence(nlp: Language, name: str, config_path: Optional[str], model_path: Optional[str]) -> "Confidence":
    return Confidence(load_lexicon(config_path), ConfidenceModel.load(model_path))


class Confidence:
    def __init__(self, lex: Lexicon, model: ConfidenceModel):
        self.lex, self.model = lex, model

    def __call__(self, doc: Doc) -> Doc:
        quotes = doc._.isnad_quotes or []
        for q, feats in zip(quotes, features_of(doc, self.lex)):
            q.confidence = round(self.model.probability(feats), 4)
        doc._.isnad_confidence = self.model.meta.get("id", "")
        return doc
