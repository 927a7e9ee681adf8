"""Stage 8: final attribution records in original-text offsets, and spaCy spans.

Everything before this stage works on the normalised text; here every quote gets
its original code-point offsets (``text[start:end]`` is the span exactly), and the
quotes, cues and speaker mentions are exposed as ``doc.spans["isnad_quotes"]``,
``doc.spans["isnad_cues"]`` and ``doc.spans["isnad_speakers"]`` for spaCy users.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .model import Quote, ext


@Language.factory(
    "isnad_attribution",
    requires=["doc._.isnad_quotes", "doc._.isnad_relays"],
    assigns=["doc.spans"],
    default_config={"spans": True},
)
def make_attribution(nlp: Language, name: str, spans: bool) -> "Attribution":
    return Attribution(spans)


class Attribution:
    def __init__(self, spans: bool = True):
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        norm = ext(doc, "isnad_norm")
        quotes: list[Quote] = ext(doc, "isnad_quotes")
        for q in quotes:
            q.ostart, q.oend = norm.to_orig(q.start), norm.to_orig_end(q.end)
            q.ocue_start, q.ocue_end = norm.to_orig(q.cue.start), norm.to_orig_end(q.cue.end)
            if q.speaker_start is not None:
                q.ospeaker_start = norm.to_orig(q.speaker_start)
                q.ospeaker_end = norm.to_orig_end(q.speaker_end)
            for src in q.sources:
                src["start"], src["end"] = norm.to_orig(src["start"]), norm.to_orig_end(src["end"])
        for src in ext(doc, "isnad_doc_sources") or []:
            src["start"], src["end"] = norm.to_orig(src["start"]), norm.to_orig_end(src["end"])
        if self.spans:
            qs, cs, ss = [], [], []
            for q in quotes:
                sp = doc.char_span(q.ostart, q.oend, label=q.kind, alignment_mode="expand")
                if sp is not None:
                    qs.append(sp)
                c = doc.char_span(q.ocue_start, q.ocue_end, label=q.cue.kind, alignment_mode="expand")
                if c is not None:
                    cs.append(c)
                if q.ospeaker_start is not None:
                    s = doc.char_span(q.ospeaker_start, q.ospeaker_end, label=q.speaker_type, alignment_mode="expand")
                    if s is not None:
                        ss.append(s)
            doc.spans["isnad_quotes"] = qs
            doc.spans["isnad_cues"] = cs
            doc.spans["isnad_speakers"] = ss
        return doc
