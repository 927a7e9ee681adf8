"""Write output tables as Parquet datasets with their explicit schemas.

Layout (hive-style, one partition per run, one part file per batch)::

    OUT/<table>/run_id=<RUN_ID>/part-<NNNNN>.parquet

Every file appears atomically: it is written under a hidden temporary name
(``.part-NNNNN.parquet.tmp``, which pyarrow, pandas, DuckDB and Polars globs all
skip), flushed to disk, then renamed.  A reader never sees a half-written file.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schemas import TABLES

# Within one batch commit the documents part is renamed last, so that a reader who
# sees a document also sees its quotes, sentences, speakers and sources.
COMMIT_ORDER = ("rejected", "sentences", "quotes", "speakers", "sources", "documents")


def to_table(name: str, rows: list[dict]) -> pa.Table:
    schema = TABLES[name]
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.Table.from_pydict(cols, schema=schema)


def parquet_bytes(table: pa.Table, compression: str = "zstd") -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=compression)
    return sink.getvalue().to_pybytes()


def part_path(out: Path, table: str, run_id: str, part: str) -> Path:
    return out / table / f"run_id={run_id}" / f"{part}.parquet"


def tmp_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.tmp")


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(final: Path, data: bytes, durable: bool = True) -> None:
    """``data`` at ``final``, all or nothing (temporary name, fsync, rename)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(final)
    with open(tmp, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, final)
    if durable:
        _fsync_dir(final.parent)


def stage_part(out: Path, run_id: str, part: str, blobs: dict[str, bytes], durable: bool = True) -> list[Path]:
    """Write every table's bytes for one batch under temporary names (invisible)."""
    staged = []
    for name in COMMIT_ORDER:
        final = part_path(out, name, run_id, part)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = tmp_path(final)
        with open(tmp, "wb") as f:
            f.write(blobs[name])
            if durable:
                f.flush()
                os.fsync(f.fileno())
        staged.append(tmp)
    return staged


def publish_part(out: Path, run_id: str, part: str, durable: bool = True) -> None:
    """Rename one batch's staged files into view, documents last."""
    for name in COMMIT_ORDER:
        final = part_path(out, name, run_id, part)
        os.replace(tmp_path(final), final)
    if durable:
        for name in COMMIT_ORDER:
            _fsync_dir(part_path(out, name, run_id, part).parent)


def empty_blobs(compression: str = "zstd") -> dict[str, bytes]:
    return {name: parquet_bytes(schema.empty_table(), compression) for name, schema in TABLES.items()}


def prune_part(out: Path, run_id: str, part: str, drop_doc_ids: set[str], drop_dup_keys: set[str],
               compression: str = "zstd", dup_code: str = "E109") -> int:
    """Rewrite one batch's files without the rows of superseded documents.

    ``drop_doc_ids``: every row of these documents goes (in ``rejected``, except the
    duplicate-id reports, which are keyed separately).  ``drop_dup_keys``:
    ``doc_id + "\\x1f" + source_path`` of duplicate-id reports to drop.  Idempotent.
    Returns the number of rows removed.
    """
    removed = 0
    ids = pa.array(sorted(drop_doc_ids), pa.string())
    dups = pa.array(sorted(drop_dup_keys), pa.string())
    for name in COMMIT_ORDER:
        path = part_path(out, name, run_id, part)
        if not path.exists():
            continue
        table = pq.ParquetFile(path).read()
        drop = pc.is_in(table["doc_id"], value_set=ids)
        if name == "rejected":
            is_dup = pc.equal(table["reason"], dup_code)
            key = pc.binary_join_element_wise(table["doc_id"], table["source_path"], "\x1f")
            drop = pc.or_(pc.and_(drop, pc.invert(is_dup)),
                          pc.and_(is_dup, pc.is_in(key, value_set=dups)))
        drop = pc.fill_null(drop, False)
        n = pc.sum(drop).as_py() or 0
        if n:
            write_atomic(path, parquet_bytes(table.filter(pc.invert(drop)), compression))
            removed += n
    return removed


def write_tables(out: Path, tables: dict[str, list[dict]], part: str = "part-0", compression: str = "zstd") -> None:
    """Write every table (empty ones too) to ``out/<table>/<part>.parquet`` atomically
    (a flat, single-shot layout; :mod:`pipeline.runner` writes run partitions)."""
    for name in TABLES:
        write_atomic(out / name / f"{part}.parquet",
                     parquet_bytes(to_table(name, tables.get(name, [])), compression), durable=False)
