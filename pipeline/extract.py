"""Turn a processed Doc into rows of the output tables (original-text offsets)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from spacy.tokens import Doc

from stages.model import ext
from stages.textnorm import fold

from . import __version__


@dataclass
class Record:
    """One input document and where it came from."""

    doc_id: str
    text: str
    source_path: str = ""
    title: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None  # as given: a slug (aawsat) or a name
    date: Optional[datetime] = None  # UTC (pipeline.fields.parse_date); the text as given is extra["date_raw"]
    extra: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def doc_rows(doc: Doc, rec: Record, processed_at: datetime | None = None, lexicon=None) -> dict[str, list[dict]]:
    """Rows for documents, sentences, quotes, speakers and sources from one Doc.
    ``lexicon``: the one the pipeline ran with (its outlets name the publisher)."""
    if lexicon is None:
        from stages.lexicon import load_lexicon
        lexicon = load_lexicon()
    outlet = lexicon.outlet(rec.outlet)
    # the names the document's own outlet goes by: a relay with one of them is the publisher
    publisher = outlet.keys if outlet else ({fold(rec.outlet)} if rec.outlet else None)
    norm = ext(doc, "isnad_norm")
    text = norm.orig  # == doc.text, without rebuilding it from the tokens
    did = rec.doc_id
    sents = [(norm.to_orig(s), norm.to_orig_end(e)) for s, e in ext(doc, "isnad_sentences")]
    sentence_rows = [{"doc_id": did, "sentence_id": i, "start": s, "end": e, "text": text[s:e]}
                     for i, (s, e) in enumerate(sents)]
    quotes = ext(doc, "isnad_quotes")
    qids = [f"{did}:q{i + 1}" for i in range(len(quotes))]
    qid_of = {id(q): qid for q, qid in zip(quotes, qids)}
    quote_rows, source_rows = [], []

    def sid(local: str | None) -> str | None:
        # the stage numbers speakers per document (s1, s2 …); prefixed like quote_id, the
        # id is unique in the whole dataset, so quotes ↔ speakers join on one column
        return f"{did}:{local}" if local is not None else None

    for i, q in enumerate(quotes):
        parent = qid_of.get(id(q.parent)) if q.parent is not None else None
        spk = text[q.ospeaker_start:q.ospeaker_end] if q.ospeaker_start is not None else None
        quote_rows.append({
            "doc_id": did, "quote_id": qids[i], "sentence_id": q.sentence,
            "start": q.ostart, "end": q.oend, "text": text[q.ostart:q.oend], "kind": q.kind,
            "cue": text[q.ocue_start:q.ocue_end], "cue_lemma": q.cue.lemma,
            "cue_start": q.ocue_start, "cue_end": q.ocue_end,
            "speaker": spk, "speaker_start": q.ospeaker_start, "speaker_end": q.ospeaker_end,
            "speaker_name": q.speaker_name, "speaker_type": q.speaker_type, "speaker_id": sid(q.speaker_id),
            "relayed_by": list(q.relayed_by), "parent_quote_id": parent,
            "confidence": float(q.confidence), "method": q.method, "claim_id": None,
        })
        # hop 0 is nearest the words: quote-level links first, then document credits
        links = list(reversed(q.sources)) + [dict(s) for s in ext(doc, "isnad_doc_sources") or []
                                             if s["source"] not in {x["source"] for x in q.sources}]
        for hop, src in enumerate(links):
            s, e = src.get("start"), src.get("end")
            source_rows.append({"doc_id": did, "quote_id": qids[i], "hop": hop, **src,
                                "source_text": text[s:e] if s is not None and e is not None else None,
                                "is_publisher": None if publisher is None else fold(src["source"] or "") in publisher})
    speaker_rows = [{"doc_id": did, "speaker_id": sid(sp.speaker_id), "name": sp.name, "type": sp.type,
                     "aliases": list(sp.aliases), "n_quotes": sp.n_quotes, "speaker_key": sp.key,
                     "title": sp.title, "person_key": None} for sp in ext(doc, "isnad_speakers") or []]
    document_row = {
        "doc_id": did, "source_path": rec.source_path, "title": rec.title, "url": rec.url,
        "outlet": outlet.name if outlet else rec.outlet, "outlet_id": rec.outlet, "date": rec.date,
        "text": text, "n_chars": len(text), "n_sentences": len(sents), "n_quotes": len(quotes),
        "relayed_by": list(ext(doc, "isnad_relays") or []), "content_sha256": rec.sha256,
        "record_sha256": rec.extra.get("content_hash"),
        "pipeline_version": __version__,
        "processed_at": processed_at or datetime.now(timezone.utc),
    }
    return {"documents": [document_row], "sentences": sentence_rows, "quotes": quote_rows,
            "speakers": speaker_rows, "sources": source_rows}
