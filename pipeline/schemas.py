"""One explicit Arrow schema per output table. Tables are written even when empty."""
from __future__ import annotations

import pyarrow as pa

STR = pa.string()
I32 = pa.int32()

TS = pa.timestamp("us", tz="UTC")

# outlet: the outlet's name (lexicons/outlets.toml), else the value as given, which
# outlet_id keeps (the slug, e.g. aawsat); date: UTC (an input date without a zone is
# taken as UTC); record_sha256: the manifest's fingerprint of the record as read (text
# and metadata), from which a damaged manifest is rebuilt.
DOCUMENTS = pa.schema([
    ("doc_id", STR), ("source_path", STR), ("title", STR), ("url", STR), ("outlet", STR),
    ("outlet_id", STR), ("date", TS), ("text", STR), ("n_chars", I32), ("n_sentences", I32),
    ("n_quotes", I32), ("relayed_by", pa.list_(STR)), ("content_sha256", STR), ("record_sha256", STR),
    ("pipeline_version", STR), ("processed_at", TS),
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
    # filled after the run by pipeline/claims.py (null in a part until then, and for
    # nested quotes, which are read through their parent)
    ("claim_id", STR),
])

SPEAKERS = pa.schema([
    ("doc_id", STR), ("speaker_id", STR), ("name", STR), ("type", STR),
    ("aliases", pa.list_(STR)), ("n_quotes", I32), ("speaker_key", STR), ("title", STR),
    # the same person or organisation across documents (pipeline/people.py), filled
    # after the run; null for titles alone, documents, groups and anonymous sources
    ("person_key", STR),
])

# source: the normalised name (واس for «وكالة الأنباء السعودية»); source_text: exactly
# text[start:end]; is_publisher: the source is the document's own outlet (null when the
# outlet is unknown).
SOURCES = pa.schema([
    ("doc_id", STR), ("quote_id", STR), ("hop", I32), ("source", STR), ("source_text", STR),
    ("source_type", STR), ("relation", STR), ("start", I32), ("end", I32), ("is_publisher", pa.bool_()),
])

REJECTED = pa.schema([
    ("doc_id", STR), ("source_path", STR), ("reason", STR), ("message", STR),
])

# Built after each run over the whole datasets (pipeline/claims.py), one file per table
# (OUT/claims/claims.parquet), not one part per batch.  first_date has the type of
# documents.date.
CLAIMS = pa.schema([
    ("claim_id", STR), ("text", STR), ("first_doc_id", STR), ("first_quote_id", STR),
    ("first_date", DOCUMENTS.field("date").type), ("first_outlet", STR), ("first_url", STR),
    ("last_date", DOCUMENTS.field("date").type), ("n_quotes", I32), ("n_documents", I32), ("n_outlets", I32),
    ("outlets", pa.list_(STR)), ("speakers", pa.list_(STR)), ("speaker_keys", pa.list_(STR)),
    ("relays", pa.list_(STR)),
])

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS, "sentences": SENTENCES, "quotes": QUOTES,
    "speakers": SPEAKERS, "sources": SOURCES, "rejected": REJECTED,
}


def _with_pandas_metadata(schema: pa.Schema) -> pa.Schema:
    """Attach pandas metadata so that ``pd.read_parquet`` restores nullable integer
    columns as ``Int32`` (not float64) without a cast: speaker_start is null for an
    implicit speaker, and analysts index text with it."""
    import json

    def types(t: pa.DataType) -> tuple[str, str]:
        """(pandas_type, numpy_type) of an Arrow type, as pandas writes them."""
        if pa.types.is_integer(t):
            return "int32", "Int32"
        if pa.types.is_floating(t):
            return "float32", "float32"
        if pa.types.is_timestamp(t):
            return "datetimetz", "datetime64[us, UTC]"
        if pa.types.is_list(t):
            return "list[unicode]", "object"
        if pa.types.is_boolean(t):
            return "bool", "boolean"
        return "unicode", "object"

    meta = {
        "index_columns": [], "column_indexes": [],
        "columns": [{"name": f.name, "field_name": f.name, "pandas_type": types(f.type)[0],
                     "numpy_type": types(f.type)[1],
                     "metadata": {"timezone": "UTC"} if pa.types.is_timestamp(f.type) else None}
                    for f in schema],
        "attributes": {}, "creator": {"library": "isnad", "version": "1"}, "pandas_version": "3.1.1",
    }
    return schema.with_metadata({b"pandas": json.dumps(meta).encode()})


TABLES = {name: _with_pandas_metadata(schema) for name, schema in TABLES.items()}
DERIVED: dict[str, pa.Schema] = {"claims": _with_pandas_metadata(CLAIMS)}
CLAIMS = DERIVED["claims"]
DOCUMENTS, SENTENCES, QUOTES = TABLES["documents"], TABLES["sentences"], TABLES["quotes"]
SPEAKERS, SOURCES, REJECTED = TABLES["speakers"], TABLES["sources"], TABLES["rejected"]
