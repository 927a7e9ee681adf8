"""What is built over the whole datasets after each run: person keys, then claims.

A claim links articles of different batches and runs, and a surname in tonight's
article may agree with a full name from last month, so neither can be computed by a
worker on its batch.  The driver builds them once the batches are committed
(:meth:`pipeline.runner._Run.execute`, or ``run.py claims``), with the output folder
locked:

1. ``speakers.person_key`` (:mod:`pipeline.people`) for every speaker;
2. ``quotes.claim_id`` and ``OUT/claims/claims.parquet`` (:mod:`pipeline.claims`);
3. the manifest records a fingerprint of the documents they reflect, so a run with
   nothing new does not build again.

Crash safety is the batch tables': every part file whose labels change is rewritten
under a temporary name and renamed (:func:`relabel`), the claims file likewise, and
the fingerprint is written last.  A build that dies is done again by the next run
(labels already written are kept: the claim ids stay).
"""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .writer import parquet_bytes, write_atomic

META_KEY = "derived_fingerprint"
# what the claims cover: bumped when a build would label other quotes than the last one
# did (2: nested quotes take part), so a folder built before is built again on its next
# run, even one that brings nothing new
CLAIMS_SCOPE = "2"


def fingerprint(db) -> str:
    """The state of every document in the manifest: the derived tables reflect it or not."""
    h = hashlib.sha256(f"claims scope {CLAIMS_SCOPE}\n".encode())
    # updated_at too: a reprocessed document keeps its key, hash and part (its new rows
    # replace the old ones in the same part file, pipeline.commit), but not its labels
    for row in db.execute("SELECT key, content_hash, status, run_id, part, updated_at FROM docs ORDER BY key"):
        h.update("\x1f".join(map(str, row)).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def is_fresh(out: Path, db) -> bool:
    from .claims import CLAIMS_FILE
    row = db.execute("SELECT v FROM meta WHERE k = ?", (META_KEY,)).fetchone()
    return bool(row) and (out / CLAIMS_FILE).is_file() and row[0] == fingerprint(db)


def update(out: Path, db, config: str | None = None, compression: str = "zstd", durable: bool = True,
           force: bool = False, rebuild: bool = False) -> dict | None:
    """Bring person keys, claim ids and the claims table up to date (OUT locked).

    ``db``: the manifest connection; ``force`` builds even when nothing changed;
    ``rebuild`` forgets the claim ids given so far.  Returns the figures of the build
    (the claims', with ``people`` and ``seconds`` for both), or None when current.
    """
    from . import claims

    if not force and not rebuild and is_fresh(out, db):
        return None
    t0 = time.perf_counter()
    ppl = update_people(out, config, compression, durable)
    stats = claims.build(out, claims.load_rules(config), compression, durable, rebuild)
    stats["people"] = ppl
    stats["seconds"] = time.perf_counter() - t0
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META_KEY, fingerprint(db)))
    return stats


def relabel(changes: dict[str, dict[tuple, str | None]], schema: pa.Schema, key_cols: tuple[str, ...], col: str,
            compression: str, durable: bool) -> int:
    """Rewrite part files with new values of ``col``: ``changes[file][key] = value``,
    the key being the row's ``key_cols``.  Each file is rewritten whole, in the current
    ``schema`` (a part written before ``col`` existed gets it), under a temporary name
    and renamed.  Returns the number of files rewritten."""
    for f, values in sorted(changes.items()):
        t = pq.ParquetFile(f).read()
        keys = zip(*(t.column(c).to_pylist() for c in key_cols))
        old = t.column(col).to_pylist() if col in t.column_names else [None] * t.num_rows
        new = pa.array([values.get(k, o) for k, o in zip(keys, old)], schema.field(col).type)
        arrays = [new if fld.name == col else t.column(fld.name).cast(fld.type) if fld.name in t.column_names
                  else pa.nulls(t.num_rows, fld.type) for fld in schema]
        write_atomic(Path(f), parquet_bytes(pa.Table.from_arrays(arrays, schema=schema), compression), durable)
    return len(changes)


def changes_by_file(files: list[str], keys: list[tuple], old: list, new: list) -> dict[str, dict[tuple, str | None]]:
    """``{file: {key: new}}`` for the rows whose value changed."""
    out: dict[str, dict[tuple, str | None]] = defaultdict(dict)
    for f, k, o, n in zip(files, keys, old, new):
        if o != n:
            out[f][k] = n
    return dict(out)


def update_people(out: Path, config: str | None = None, compression: str = "zstd", durable: bool = True) -> dict:
    """Compute ``person_key`` (:mod:`pipeline.people`) for every speaker of ``out`` and
    rewrite the speaker part files whose keys changed."""
    from stages.lexicon import load_lexicon

    from .claims import connect
    from .datasets import columns, scan, table_glob
    from .people import Row, Words, resolve
    from .schemas import SPEAKERS

    t0 = time.perf_counter()
    glob = table_glob(Path(out), "speakers")
    if glob is None:
        return {"speakers": 0}
    con = connect()
    src = scan(glob, filename=True)
    old = "person_key" if "person_key" in columns(con, src) else "NULL::VARCHAR"
    t = con.sql(f"SELECT doc_id, speaker_id, name, type, title, aliases, {old} AS person_key, filename "
                f"FROM {src}").to_arrow_table()
    cols = {c: t.column(c).to_pylist() for c in t.column_names}
    del t
    rows = [Row(n, ty, ti, list(a or [])) for n, ty, ti, a in zip(cols["name"], cols["type"], cols["title"],
                                                                   cols["aliases"])]
    keys, stats = resolve(rows, Words.of(load_lexicon(config), config))
    changes = changes_by_file(cols["filename"], list(zip(cols["doc_id"], cols["speaker_id"])), cols["person_key"], keys)
    stats["rewritten_parts"] = relabel(changes, SPEAKERS, ("doc_id", "speaker_id"), "person_key", compression, durable)
    stats["seconds"] = time.perf_counter() - t0
    return stats
