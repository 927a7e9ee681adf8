"""Write output tables as Parquet datasets with their explicit schemas.

Layout (hive-style, one partition per run, one part file per batch)::

    OUT/<table>/run_id=<RUN_ID>/part-<NNNNN>.parquet

Every file appears atomically: it is written under a hidden temporary name
(``.part-NNNNN.parquet.tmp``, which pyarrow, pandas, DuckDB and Polars globs all
skip), flushed to disk, then renamed.  A reader never sees a half-written file.
How a batch's files and the rewrites of older parts are committed together is
:mod:`pipeline.commit`.
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
    tmp = write_tmp(final, data, durable)
    os.replace(tmp, final)
    if durable:
        _fsync_dir(final.parent)


def stage_part(out: Path, run_id: str, part: str, blobs: dict[str, bytes], durable: bool = True) -> list[Path]:
    """Write every table's bytes for one batch under temporary names (invisible)."""
    return [write_tmp(part_path(out, name, run_id, part), blobs[name], durable) for name in COMMIT_ORDER]


def publish_part(out: Path, run_id: str, part: str, durable: bool = True) -> None:
    """Rename one batch's staged files into view, documents last."""
    for name in COMMIT_ORDER:
        final = part_path(out, name, run_id, part)
        os.replace(tmp_path(final), final)
    if durable:
        for name in COMMIT_ORDER:
            _fsync_dir(part_path(out, name, run_id, part).parent)


def fsync_dirs(paths) -> None:
    for d in {Path(p).parent for p in paths}:
        _fsync_dir(d)


def empty_blobs(compression: str = "zstd") -> dict[str, bytes]:
    return {name: parquet_bytes(schema.empty_table(), compression) for name, schema in TABLES.items()}


def read_blob(data: bytes) -> pa.Table:
    return pq.read_table(pa.BufferReader(data))


def blob_rows(data: bytes) -> int:
    return pq.read_metadata(pa.BufferReader(data)).num_rows


def write_tmp(final: Path, data: bytes, durable: bool = True) -> Path:
    """``data`` under the hidden temporary name of ``final`` (flushed to disk): invisible
    to readers until :func:`os.replace` renames it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(final)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
    except BaseException as e:
        tmp.unlink(missing_ok=True)  # a full disk keeps no half-written temporary
        if isinstance(e, OSError) and e.filename is None:
            e.filename = str(final)  # f.write() does not say which file: the message will
        raise
    return tmp


def drop_mask(table: pa.Table, name: str, doc_ids: set[str], dup_keys: set[str], dup_code: str = "E109"):
    """Rows of ``table`` to drop: every row of ``doc_ids`` (in ``rejected``, except the
    duplicate-id reports, which are keyed apart) and the duplicate-id reports whose
    ``doc_id + "\\x1f" + source_path`` is in ``dup_keys``."""
    drop = pc.is_in(table["doc_id"], value_set=pa.array(sorted(doc_ids), pa.string()))
    if name == "rejected":
        is_dup = pc.equal(table["reason"], dup_code)
        key = pc.binary_join_element_wise(table["doc_id"], table["source_path"], "\x1f")
        drop = pc.or_(pc.and_(drop, pc.invert(is_dup)),
                      pc.and_(is_dup, pc.is_in(key, value_set=pa.array(sorted(dup_keys), pa.string()))))
    return pc.fill_null(drop, False)


def conform(table: pa.Table, schema: pa.Schema, convert=None) -> pa.Table:
    """``table`` with exactly ``schema``'s columns: missing ones null, same-named ones
    cast (``convert(name, column, type)`` first, for casts Arrow cannot do, e.g. the
    text dates of older outputs), extra ones dropped."""
    cols = []
    for f in schema:
        if f.name not in table.column_names:
            cols.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table[f.name]
        if col.type != f.type:
            done = convert(f.name, col, f.type) if convert else None
            if done is None:
                try:
                    done = col.cast(f.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                    done = pa.nulls(table.num_rows, f.type)
            col = done
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)


def write_tables(out: Path, tables: dict[str, list[dict]], part: str = "part-0", compression: str = "zstd") -> None:
    """Write every table (empty ones too) to ``out/<table>/<part>.parquet`` atomically
    (a flat, single-shot layout; :mod:`pipeline.runner` writes run partitions)."""
    for name in TABLES:
        write_atomic(out / name / f"{part}.parquet",
                     parquet_bytes(to_table(name, tables.get(name, [])), compression), durable=False)
