"""One explicit Arrow schema per output table. Tables are written even when empty."""
from __future__ import annotations

import pyarrow as pa

STR = pa.string()
I32 = pa.int32()

DOCUMENTS = pa.schema([
    ("doc_id", STR), ("source_path", STR), ("title", STR), ("url", STR), ("outlet", STR),
    ("date", STR), ("text", STR), ("n_chars", I32), ("n_sentences", I32), ("n_quotes", I32),
    ("relayed_by", pa.list_(STR)), ("content_sha256", STR), ("pipeline_version", STR),
    ("processed_at", pa.timestamp("us", tz="UTC")),
])

SENTENCES = pa.schema([
    ("doc_id", STR), ("sentence_id", I32), ("start", I32), ("end", I32), ("text", STR),
])

QUOTES = pa.schema([
    ("doc_id", STR), ("quote_id", STR), ("sentence_id", I32), ("start", I32), ("end", I32),
    ("text", STR), ("kind", STR), ("cue", STR), ("cue_lemma", STR), ("cue_start", I32), ("cue_end", I32),
    ("speaker", STR), ("speaker_start", I32), ("speaker_end", I32), ("speaker_name", STR),
    ("speaker_type", STR), ("speaker_id", STR), ("relayed_by", pa.list_(STR)),
    ("parent_quote_id", STR), ("confidence", pa.float32()), ("method", STR),
])

SPEAKERS = pa.schema([
    ("doc_id", STR), ("speaker_id", STR), ("name", STR), ("type", STR),
    ("aliases", pa.list_(STR)), ("n_quotes", I32), ("speaker_key", STR), ("title", STR),
])

SOURCES = pa.schema([
    ("doc_id", STR), ("quote_id", STR), ("hop", I32), ("source", STR), ("source_type", STR),
    ("relation", STR), ("start", I32), ("end", I32),
])

REJECTED = pa.schema([
    ("doc_id", STR), ("source_path", STR), ("reason", STR), ("message", STR),
])

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS, "sentences": SENTENCES, "quotes": QUOTES,
    "speakers": SPEAKERS, "sources": SOURCES, "rejected": REJECTED,
}
