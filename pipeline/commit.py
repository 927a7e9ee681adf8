"""Commit a batch: its new part files and the rewrites of older parts, as one step for readers.

A reprocessed document's previous rows live in an older part.  Writing the new rows
to a new part and pruning the old part afterwards let readers see the document twice
in between (86 of 803 reads while reprocessing).  Instead, the new rows of a
document that is already in the output go *into the part that holds its old rows*:
that part is rewritten with the old version replaced by the new one, and renamed over
itself, so each table file swaps one version for the other in a single rename.
Documents new to the output go to the batch's own new part.  Rows that only leave
(a document now rejected, a stale rejection) are dropped from their part the same way.

The order makes it crash-safe:

1. every file (the new part, the rewritten parts) is written under its hidden
   temporary name and flushed;
2. one manifest transaction records the batch, every document's location, every file's
   row count and size, and the list of renames to do (``staged``);
3. the renames (documents last, per part), then ``staged`` is cleared.

Killed before 2: the temporaries are strays, deleted by the next run; the output is
as before.  Killed after 2: the next run finishes the renames from ``staged``.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .manifest import Entry, Loc, Manifest
from .schemas import TABLES
from .writer import (COMMIT_ORDER, blob_rows, drop_mask, fsync_dirs, parquet_bytes, part_path, read_blob,
                     tmp_path, write_tmp)

Drops = dict[Loc, tuple[set[str], set[str]]]  # part -> (doc_ids, duplicate-report keys)


def commit_batch(out: Path, manifest: Manifest, run_id: str, part: str, blobs: dict[str, bytes],
                 entries: list[Entry], compression: str = "zstd", durable: bool = True) -> None:
    """Write and commit one processed batch (see the module docstring)."""
    here = (run_id, part)
    old = manifest.locations([e.key for e in entries])
    drops: Drops = defaultdict(lambda: (set(), set()))
    moves: dict[Loc, set[str]] = defaultdict(set)
    placed: list[tuple[Entry, Loc]] = []
    for e in entries:
        prev = old.get(e.key)
        if prev is None or prev.loc == here:
            placed.append((e, here))
            continue
        ids, dups = drops[prev.loc]
        if prev.dup:
            dups.add(f"{prev.doc_id}\x1f{prev.source_path}")
        else:
            ids.add(prev.doc_id)
        if e.status == "ok":  # the new version takes the old one's place
            moves[prev.loc].add(e.doc_id)
            placed.append((e, prev.loc))
        else:  # a rejection is reported in this batch's part; the old rows just go
            placed.append((e, here))
    writes: list[tuple[Path, bytes]] = []
    if drops:
        decoded = {n: read_blob(b) for n, b in blobs.items()} if moves else {}
        for loc in sorted(drops):
            writes += _rewrite(out, loc, *drops[loc], decoded, moves.get(loc, set()), compression)
        if moves:
            moved = pa.array(sorted(set().union(*moves.values())), pa.string())
            blobs = dict(blobs)
            for name, table in decoded.items():
                if name != "rejected":
                    keep = pc.invert(pc.is_in(table["doc_id"], value_set=moved))
                    blobs[name] = parquet_bytes(table.filter(keep), compression)
    writes += [(part_path(out, name, run_id, part), blobs[name]) for name in COMMIT_ORDER]
    _commit(manifest, here, placed, writes, [], durable)


def drop_rows(out: Path, manifest: Manifest, drops: Drops, forget: list[str], compression: str = "zstd",
              durable: bool = True) -> None:
    """Remove rows from their parts (and ``forget`` their keys) the same crash-safe way."""
    writes: list[tuple[Path, bytes]] = []
    for loc in sorted(drops):
        writes += _rewrite(out, loc, *drops[loc], {}, set(), compression)
    _commit(manifest, None, [], writes, forget, durable)


def replace_files(manifest: Manifest, writes: list[tuple[Path, bytes]], durable: bool = True) -> None:
    """Rewrite whole files (a schema upgrade) with their new sizes committed first."""
    _commit(manifest, None, [], writes, [], durable)


def _rewrite(out: Path, loc: Loc, ids: set[str], dups: set[str], decoded: dict[str, pa.Table],
             moved: set[str], compression: str) -> list[tuple[Path, bytes]]:
    """The files of part ``loc`` without the dropped rows and with the moved-in rows of
    ``decoded`` (the batch's tables); files that do not change are not rewritten."""
    writes = []
    moved_ids = pa.array(sorted(moved), pa.string())
    for name in COMMIT_ORDER:
        path = part_path(out, name, *loc)
        schema = TABLES[name]
        table = pq.read_table(path) if path.exists() else schema.empty_table()
        drop = drop_mask(table, name, ids, dups)
        n_drop = pc.sum(drop).as_py() or 0
        add = None
        if moved and name != "rejected" and name in decoded:
            add = decoded[name].filter(pc.is_in(decoded[name]["doc_id"], value_set=moved_ids))
        if not n_drop and (add is None or add.num_rows == 0):
            continue
        parts = [table.filter(pc.invert(drop)).cast(schema)]
        if add is not None and add.num_rows:
            parts.append(add.cast(schema))
        writes.append((path, parquet_bytes(pa.concat_tables(parts), compression)))
    return writes


def _commit(manifest: Manifest, new_part: Loc | None, placed: list[tuple[Entry, Loc]],
            writes: list[tuple[Path, bytes]], forget: list[str], durable: bool) -> None:
    out = manifest.out
    tmps: list[Path] = []
    try:
        for final, data in writes:
            tmps.append(write_tmp(final, data, durable))
        if durable:
            fsync_dirs(tmps)
    except BaseException:
        for t in tmps:
            t.unlink(missing_ok=True)
        raise
    files = {}
    for final, data in writes:
        rel = final.relative_to(out)  # <table>/run_id=<R>/<part>.parquet
        files[(rel.parent.name[len("run_id="):], final.stem, rel.parts[0])] = (blob_rows(data), len(data))
    staged = [(str(final), str(tmp_path(final))) for final, _ in writes]
    try:
        manifest.commit(new_part, placed, files, staged, forget)
    except BaseException:
        for t in tmps:
            t.unlink(missing_ok=True)
        raise
    publish(manifest, staged, durable)


def publish(manifest: Manifest, staged: list[tuple[str, str]], durable: bool = True) -> None:
    """Rename committed temporaries into view (a missing one was renamed already),
    documents last within each part, then forget them."""
    order = {name: i for i, name in enumerate(COMMIT_ORDER)}
    staged = sorted(staged, key=lambda ft: (Path(ft[0]).parent.name, Path(ft[0]).stem,
                                            order.get(Path(ft[0]).relative_to(manifest.out).parts[0], 99)))
    for final, tmp in staged:
        try:
            os.replace(tmp, final)
        except FileNotFoundError:
            if not os.path.exists(final):
                raise
    if durable:
        fsync_dirs([f for f, _ in staged])
    manifest.staged_done([f for f, _ in staged])
