"""Claims: quotes that say the same thing, across documents and outlets.

Every quote takes part, nested ones too (a quote inside another quote's content,
``parent_quote_id`` set: «ونقل عن الوزير قوله "…"» — someone said it as well), and
counts like any other member in ``n_quotes``, ``first_*`` and the rest: so identical
contents share a claim whether one article has them at the top level and another inside
a quote.

Built in the driver after every run, over the whole datasets (a claim links articles
of different batches and runs), and written like the batch tables: all or nothing.

**Same claim.** A quote's content is normalised — letters folded (أ/إ/آ/ا، ى/ي، ة/ه),
diacritics, tatweel and bidi marks removed (:func:`stages.textnorm.fold`), punctuation
dropped — so ``«إن المملكة تدعم الحلَّ»`` and ``ان المملكه تدعم الحل`` are one *form*.
Every form belongs to exactly one claim (:func:`pipeline.claim_forms.assign`).  A new
form joins the claim whose *seed* (the form that founded it) it resembles: word-set
Jaccard >= ``similarity`` (0.6), at least ``min_shared_words`` (5) words in common,
and the same numbers (``قتل 15`` and ``قتل 17`` are two claims, and so are yesterday's
and today's weather bulletins).
Comparing with the seed, never with any member, keeps claims from drifting along a
chain of small edits: every member resembles the claim's ``text``.  Candidate seeds
come from MinHash/LSH over the word sets (:func:`pipeline.neardup.near_duplicates`), each
checked exactly.

**Stable ids.** ``claim_id`` is ``c`` + 16 hex digits of the BLAKE2b hash of the seed
form.  Once given, a quote keeps its claim_id in later runs (it is stored in
``quotes.claim_id``) and new quotes join existing claims first, so ids users joined on
do not move when articles arrive.  A claim lives while its seed form has a quote: when
the seed's documents are reprocessed into other words or removed, the claim's other
forms are clustered again (the first new claim among them keeps the old id).  A
rebuild from scratch gives the same id to every claim whose seed is its earliest form.

**Always current.** ``first_*``, counts, outlets, speakers and relays are recomputed
from the current rows at every build, so an earlier article arriving later becomes
``first_*``, and a superseded document leaves no stale member.

**Crash safety.** Quote part files whose claim_id changes are rewritten under a
temporary name and renamed (:func:`pipeline.derived.relabel`), then
``OUT/claims/claims.parquet`` the same way; :mod:`pipeline.derived` then records a
fingerprint of the documents they reflect.  A build that dies is simply done again by
the next run: quotes already labelled keep their ids, the rest are assigned.
"""
from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

# forms, ids, rules and the assignment; derived.py, runner.py, commands/trace.py,
# commands/report_claims.py and the tests import them from here
from .claim_forms import (MIN_SHARED_WORDS, SIMILARITY, _CHUNK, Form, Rules, assign,  # noqa: F401
                          claim_id_of, load_rules, normalise, normalise_many)
from .datasets import columns, scan, sql_str, table_glob
from .derived import changes_by_file, relabel
from .schemas import CLAIMS, QUOTES
from .writer import parquet_bytes, write_atomic

CLAIMS_FILE = Path("claims") / "claims.parquet"
MEMORY_LIMIT = "256MB"


# ----------------------------------------------------------------------------- build

def build(out: Path, rules: Rules | None = None, compression: str = "zstd", durable: bool = True,
          rebuild: bool = False) -> dict:
    t0 = time.perf_counter()
    out = Path(out)
    con = connect()
    con.execute("SET TimeZone = 'UTC'")  # documents.date is a UTC timestamp
    n = _load(con, out, rebuild)
    cols = con.sql("SELECT quote_id, claim_id, ord, filename FROM tq ORDER BY ord").to_arrow_table()
    qcol = cols.column("quote_id")
    qids = qcol.to_pylist()
    files = _interned(cols.column("filename"))
    existing = cols.column("claim_id").to_pylist()
    order = cols.column("ord").to_pylist()
    del cols
    keys = _keys(con)
    pa.default_memory_pool().release_unused()
    old, old_seeds = (None, {}) if rebuild else _old_claims(con, out, keys)
    t_load = time.perf_counter() - t0
    claim_ids, seeds = assign(keys, order, existing, old_seeds, rules)
    t_assign = time.perf_counter() - t0 - t_load

    _seed_texts(con, seeds, keys, order, old, old_seeds)
    del old, keys, order

    changes = changes_by_file(files, [(q,) for q in qids], existing, claim_ids)
    rewritten = relabel(changes, QUOTES, ("quote_id",), "claim_id", compression, durable)
    assigned = sum(map(len, changes.values()))
    con.register("asg", pa.table({"quote_id": qcol,
                                  "claim_id": pa.array(claim_ids, pa.string())}))
    del qids, files, existing, changes
    table = _aggregate(con)
    con.close()
    pa.default_memory_pool().release_unused()
    write_atomic(out / CLAIMS_FILE, parquet_bytes(table, compression), durable)
    multi_doc = pc.sum(pc.greater(table["n_documents"], 1)).as_py() or 0
    multi_outlet = pc.sum(pc.greater(table["n_outlets"], 1)).as_py() or 0
    return {"quotes": n, "claims": table.num_rows, "multi_document": multi_doc, "multi_outlet": multi_outlet,
            "assigned": assigned, "rewritten_parts": rewritten, "seconds": time.perf_counter() - t0,
            "load_seconds": t_load, "assign_seconds": t_assign}


def connect():
    """A DuckDB connection for the derived builds: memory held to ``MEMORY_LIMIT``
    (DuckDB keeps freed buffers up to its limit, 80 % of the machine by default, and the
    whole run is to stay under 1 GB), spilling to the system's temporary folder past it."""
    import tempfile

    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {sql_str(tempfile.gettempdir())}")
    return con


def _interned(col: pa.ChunkedArray) -> list[str]:
    """A column of a few distinct strings (part file names) as a list sharing them."""
    enc = pc.dictionary_encode(col).combine_chunks()
    names = enc.dictionary.to_pylist()
    return [names[i] for i in enc.indices.to_pylist()]


def _keys(con) -> list[str]:
    """Normalised contents of ``tq``'s quotes in publication order, read a batch at a
    time (the texts are never all in Python at once)."""
    keys: list[str] = []
    reader = con.sql("SELECT text FROM tq ORDER BY ord").to_arrow_reader(_CHUNK)
    for batch in reader:
        keys += normalise_many(batch.column(0).to_pylist())
    return keys


def _load(con, out: Path, rebuild: bool) -> int:
    """Temp table ``tq``: every quote (nested ones too) with what the claims need, and ``ord``,
    its rank by publication (date, then doc_id and position; undated last)."""
    qg = table_glob(out, "quotes")
    if qg is None:
        con.execute("""CREATE TEMP TABLE tq (quote_id VARCHAR, doc_id VARCHAR, text VARCHAR, claim_id VARCHAR,
                       filename VARCHAR, speaker_name VARCHAR, relayed_by VARCHAR[], person VARCHAR,
                       date VARCHAR, outlet VARCHAR, url VARCHAR, ord BIGINT)""")
        return 0
    quotes = scan(qg, filename=True)
    qcols = columns(con, quotes)
    claim = "NULL::VARCHAR" if rebuild or "claim_id" not in qcols else "claim_id"
    dg, sg = table_glob(out, "documents"), table_glob(out, "speakers")
    docs = (f"(SELECT doc_id, any_value(date) AS date, any_value(outlet) AS outlet, any_value(url) AS url "
            f"FROM {scan(dg)} GROUP BY doc_id)") if dg else \
        "(SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS date, NULL::VARCHAR AS outlet, NULL::VARCHAR AS url WHERE false)"
    if sg:
        scols = columns(con, scan(sg))
        key = "person_key" if "person_key" in scols else "speaker_key"
        spk = f"(SELECT doc_id, speaker_id, any_value({key}) AS person FROM {scan(sg)} GROUP BY ALL)"
    else:
        spk = "(SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS speaker_id, NULL::VARCHAR AS person WHERE false)"
    con.execute(f"""CREATE TEMP TABLE tq AS
        SELECT q.quote_id, q.doc_id, q.text, q.claim_id, q.filename, q.speaker_name, q.relayed_by, s.person,
               d.date, d.outlet, d.url,
               row_number() OVER (ORDER BY TRY_CAST(d.date AS TIMESTAMP) NULLS LAST, q.doc_id, q.start, q.quote_id) AS ord
        FROM (SELECT quote_id, doc_id, text, {claim} AS claim_id, filename, speaker_name, speaker_id, relayed_by, start
              FROM {quotes}) q
        LEFT JOIN {docs} d USING (doc_id)
        LEFT JOIN {spk} s ON s.doc_id = q.doc_id AND s.speaker_id = q.speaker_id""")
    return con.execute("SELECT count(*) FROM tq").fetchall()[0][0]


def _old_claims(con, out: Path, keys: list[str]) -> tuple[Path | None, dict[str, str]]:
    """The last build's claims file and ``claim_id -> seed form`` of its claims (None
    and empty when there is none or it is unreadable: the labels the quotes carry are
    enough).

    Most claims are named after their seed (:func:`claim_id_of`), so hashing the current
    forms finds their seeds; only the texts of the others (their seed is gone, or they
    kept the id of a dissolved claim) are read and normalised.  Read with DuckDB (held to
    its memory limit; Arrow's pool would keep the 90k texts' buffers to the end)."""
    import duckdb

    path = out / CLAIMS_FILE
    if not path.is_file():
        return None, {}
    src = f"read_parquet({sql_str(str(path))})"
    try:
        ids = [cid for (cid,) in con.execute(f"SELECT claim_id FROM {src}").fetchall()]
        by_id = {claim_id_of(k): k for k in set(keys)}
        seeds = {cid: by_id[cid] for cid in ids if cid in by_id}
        del by_id
        rest = [cid for cid in ids if cid not in seeds]
        if rest:
            con.register("rest", pa.table({"claim_id": pa.array(rest, pa.string())}))
            found = con.execute(f"SELECT claim_id, text FROM {src} JOIN rest USING (claim_id)").fetchall()
            con.unregister("rest")
            seeds.update(zip((c for c, _ in found), normalise_many([t for _, t in found])))
    except (OSError, duckdb.Error):
        return None, {}
    return path, seeds


def _seed_texts(con, seeds: dict[str, str], keys: list[str], order: list[int], old: Path | None,
                old_seeds: dict[str, str]) -> None:
    """Temp table ``seed`` (claim_id, text): a claim's text is kept from the last build
    while its seed is the same, else it is its seed's earliest quote (rows of ``tq`` by
    ``ord``).  Read in DuckDB, so the 90k texts never become Python strings."""
    first_row: dict[str, int] = {}
    for i, k in enumerate(keys):  # rows come in publication order
        first_row.setdefault(k, i)
    keep = [cid for cid, s in seeds.items() if old_seeds.get(cid) == s]
    kept = set(keep)
    want = [(cid, order[first_row[s]]) for cid, s in seeds.items() if cid not in kept]
    del first_row, kept
    con.register("want", pa.table({"claim_id": pa.array([c for c, _ in want], pa.string()),
                                   "ord": pa.array([o for _, o in want], pa.int64())}))
    parts = ["SELECT w.claim_id, t.text FROM want w JOIN tq t USING (ord)"]
    if keep and old is not None:  # the last claims file: it is replaced only at the end of the build
        con.register("keep", pa.table({"claim_id": pa.array(keep, pa.string())}))
        parts.append(f"""SELECT o.claim_id, any_value(o.text) FROM read_parquet({sql_str(str(old))}) o
                         JOIN keep k USING (claim_id) GROUP BY ALL""")
    con.execute("CREATE TEMP TABLE seed AS " + " UNION ALL ".join(parts))
    for name in ("want", "keep"):
        try:
            con.unregister(name)
        except Exception:  # noqa: BLE001 - not registered
            pass


def _aggregate(con) -> pa.Table:
    # the texts join the 90k claims after grouping, not the 116k quotes before it: the
    # hash table of the grouping holds no text
    rel = con.sql("""
        WITH agg AS (
            SELECT a.claim_id, min(t.ord) AS o,
                   arg_min(t.doc_id, t.ord) AS first_doc_id, arg_min(t.quote_id, t.ord) AS first_quote_id,
                   arg_min(t.date, t.ord) AS first_date, arg_min(t.outlet, t.ord) AS first_outlet,
                   arg_min(t.url, t.ord) AS first_url,
                   arg_max(t.date, t.ord) FILTER (WHERE TRY_CAST(t.date AS TIMESTAMP) IS NOT NULL) AS last_date,
                   count(*)::INT AS n_quotes, count(DISTINCT t.doc_id)::INT AS n_documents,
                   count(DISTINCT t.outlet)::INT AS n_outlets,
                   coalesce(list_sort(list(DISTINCT t.outlet) FILTER (WHERE t.outlet IS NOT NULL)), []) AS outlets,
                   coalesce(list_sort(list(DISTINCT t.speaker_name) FILTER (WHERE t.speaker_name IS NOT NULL)), [])
                       AS speakers,
                   coalesce(list_sort(list(DISTINCT t.person) FILTER (WHERE t.person IS NOT NULL AND t.person <> '')),
                            []) AS speaker_keys,
                   list_sort(list_distinct(flatten(list(coalesce(t.relayed_by, []))))) AS relays
            FROM tq t JOIN asg a USING (quote_id)
            GROUP BY a.claim_id)
        SELECT agg.* EXCLUDE (o), s.text FROM agg JOIN seed s USING (claim_id)
        ORDER BY agg.o""").to_arrow_table()
    return pa.Table.from_arrays([_as(rel.column(f.name), f.type) for f in CLAIMS], schema=CLAIMS)


def _as(col: pa.ChunkedArray, typ: pa.DataType) -> pa.ChunkedArray:
    """A DuckDB result column in the schema's type (dates may be text or timestamps)."""
    if col.type == typ:
        return col
    if pa.types.is_timestamp(typ) and pa.types.is_string(col.type):
        col = pc.cast(pc.cast(col, pa.timestamp("us")), pa.timestamp("us"))
        return pc.assume_timezone(col, typ.tz) if typ.tz else col
    if pa.types.is_timestamp(typ) and pa.types.is_timestamp(col.type) and col.type.tz is None and typ.tz:
        return pc.assume_timezone(col, typ.tz).cast(typ)
    return col.cast(typ)
