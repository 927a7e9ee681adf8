"""Start-up checks of an output folder: bring it back to a committed, readable state.

Called with the lock held, before a run reads any input:

1. :func:`open_manifest`: a manifest SQLite cannot read (garbage, a torn disk page) is
   moved aside and rebuilt from the tables, which hold every document's ``doc_id`` and
   ``record_sha256`` (E205);
2. :func:`recover`: renames that a killed run committed but did not finish; every part
   file the manifest lists is checked (it exists, its Parquet footer reads, it holds its
   recorded row count; a new size is recorded, as the person keys and claim ids are
   written into the parts after each run): a batch with a lost or damaged file is removed
   whole and its documents are forgotten, so they are processed again when their input
   is read (E206); files no committed batch owns are deleted; files written by an older
   isnad are converted to the current schema (E208); superseded rows still pending
   (older manifests, a rebuilt one) are removed.

Nothing here raises for damage it can repair: every repair is said once on stderr
through ``warn`` and the run goes on.
"""
from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from stages.errors import MESSAGES

from .commit import drop_rows, publish, replace_files
from .manifest import DUP_CODE, STATE_DIR, Entry, Loc, Manifest, ManifestCorrupt, dup_key
from .schemas import TABLES
from .writer import conform, parquet_bytes, part_path

# The tables every batch of every isnad version wrote: a committed batch without one of
# them lost it.  (A table added later is simply absent from older batches.)
BASE_TABLES = ("documents", "sentences", "quotes", "speakers", "sources", "rejected")

Warn = Callable[[str], None]


def _say(warn: Warn, code: str, **kw) -> None:
    warn(f"[{code}] " + MESSAGES[code].format(**kw))


# --------------------------------------------------------------------------- the manifest

def open_manifest(out: Path, warn: Warn, compression: str = "zstd") -> Manifest:
    """The manifest of ``out``; rebuilt from the tables when SQLite cannot read it, or
    when it is gone, or empty (SQLite takes a zero-byte file for a new database), while
    the tables are there: their files would otherwise be taken for the leftovers of a
    killed run, and deleted.  (A killed run's own files are never visible before their
    batch is committed, so visible parts with no committed batch mean a lost manifest.)"""
    path = out / STATE_DIR / "manifest.sqlite"
    try:
        manifest = Manifest(out)
    except ManifestCorrupt as e:
        error = str(e)
    else:
        if not manifest.committed_parts() and _part_files(out):
            n_docs, n_parts = rebuild(out, manifest)
            _say(warn, "E210", path=path, out=out, n_docs=n_docs, n_parts=n_parts)
        return manifest
    backup = path.with_name(f"manifest.sqlite.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    os.replace(path, backup)
    for suffix in ("-wal", "-shm", "-journal"):  # they belong to the damaged file
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, backup.with_name(backup.name + suffix))
    manifest = Manifest(out)
    n_docs, n_parts = rebuild(out, manifest)
    _say(warn, "E205", path=path, error=error, backup=backup.name, out=out, n_docs=n_docs, n_parts=n_parts)
    return manifest


def _part_files(out: Path) -> dict[Loc, dict[str, Path]]:
    found: dict[Loc, dict[str, Path]] = defaultdict(dict)
    for table in TABLES:
        d = out / table
        if not d.is_dir():
            continue
        for run_dir in d.glob("run_id=*"):
            for f in run_dir.glob("part-*.parquet"):
                found[(run_dir.name[len("run_id="):], f.stem)][table] = f
    return found


def rebuild(out: Path, manifest: Manifest) -> tuple[int, int]:
    """Fill an empty manifest from the part files.  A batch counts when all its table
    files read (documents included); the latest part of a key wins, and the rows of the
    older ones are queued for removal.  Returns (documents, batches)."""
    latest: dict[str, tuple[Loc, Entry]] = {}
    superseded: list[tuple[Loc, Entry]] = []
    n_parts = 0
    for loc, files in sorted(_part_files(out).items()):
        if "documents" not in files or any(t not in files for t in BASE_TABLES if t in TABLES):
            continue  # a batch killed while its files appeared: never committed
        stats = {}
        try:
            for table, f in files.items():
                stats[(*loc, table)] = (pq.ParquetFile(f).metadata.num_rows, f.stat().st_size)
            docs = pq.read_table(files["documents"],
                                 columns=_have(files["documents"], ["doc_id", "source_path", "record_sha256"]))
            rej = pq.read_table(files["rejected"], columns=["doc_id", "source_path", "reason"])
        except Exception:  # noqa: BLE001 - a damaged batch is left out: its documents are processed again
            continue
        entries = []
        def col(name):
            return docs[name].to_pylist() if name in docs.column_names else [None] * docs.num_rows
        for doc_id, src, h in zip(col("doc_id"), col("source_path"), col("record_sha256")):
            entries.append(Entry(doc_id, doc_id, h or "", "ok", None, src or ""))
        n_dup: Counter = Counter()
        for doc_id, src, reason in zip(*(rej[c].to_pylist() for c in ("doc_id", "source_path", "reason"))):
            if reason == DUP_CODE:
                n_dup[(doc_id, src)] += 1
                key = dup_key(doc_id, src, n_dup[(doc_id, src)])
            else:
                key = doc_id
            entries.append(Entry(key, doc_id, "", "rejected", reason, src))  # "": reported again when read
        for e in entries:
            if e.key in latest:
                superseded.append(latest[e.key])
            latest[e.key] = (loc, e)
        manifest.commit(loc, [(e, loc) for e in entries], stats, [])
        n_parts += 1
    # a key's rows in older parts (a run killed before it removed them) go at the next step
    if superseded:
        manifest.db.executemany("INSERT OR REPLACE INTO pending_prune VALUES (?,?,?,?,?,?)",
                                [(*loc, e.key, e.doc_id, e.source_path, int(e.dup)) for loc, e in superseded])
    manifest.db.execute("INSERT INTO runs(run_id, started_at, status) VALUES (?, datetime('now'), 'rebuilt')",
                        (f"rebuilt-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.urandom(3).hex()}",))
    n_docs = sum(e.status == "ok" for _, e in latest.values())
    return n_docs, n_parts


def _have(path: Path, columns: list[str]) -> list[str]:
    names = pq.read_schema(path).names
    return [c for c in columns if c in names]


# --------------------------------------------------------------------------- the parts

def recover(out: Path, manifest: Manifest, warn: Warn, compression: str = "zstd", durable: bool = True) -> dict:
    """Bring ``out`` back to its last committed state (call with the lock held)."""
    publish(manifest, manifest.staged_files(), durable)
    lost, outdated = verify(out, manifest, warn)
    removed = 0
    for f in stray_files(out, manifest.committed_parts()):
        f.unlink(missing_ok=True)
        removed += 1
    _remove_empty_partitions(out)
    if outdated:
        migrate(out, manifest, outdated, warn, compression, durable)
    pending = manifest.pending_prunes()
    if pending:
        drop_rows(out, manifest, pending, [], compression, durable)
        for loc in pending:
            manifest.prune_done(*loc)
    return {"stray_files": removed, "lost_parts": lost, "migrated_files": len(outdated),
            "pruned_parts": len(pending)}


def verify(out: Path, manifest: Manifest, warn: Warn) -> tuple[int, list[tuple[Loc, str]]]:
    """Check every file of every committed batch; remove the batches with a lost or
    damaged file (E206).  Returns (batches removed, files in an older schema)."""
    recorded = manifest.part_files()
    outdated: list[tuple[Loc, str]] = []
    changed: dict[tuple[str, str, str], tuple[int, int]] = {}
    lost = 0
    for loc in sorted(manifest.committed_parts()):
        rec = recorded.get(loc, {})
        problem = None
        for table in (rec or {t: None for t in BASE_TABLES if t in TABLES}):
            path = part_path(out, table, *loc)
            want = rec.get(table)
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                problem = (path, "missing", want)
                break
            try:
                pf = pq.ParquetFile(path)
                rows, schema = pf.metadata.num_rows, pf.schema_arrow
            except Exception:  # noqa: BLE001 - any reader error: the file is damaged
                cut = f", {size:,} bytes instead of {want[1]:,}" if want and want[1] and size != want[1] else ""
                problem = (path, f"unreadable (its Parquet footer is damaged{cut}: truncated or overwritten?)",
                           want)
                break
            if want and rows != want[0]:
                problem = (path, f"holding {rows:,} rows instead of {want[0]:,}", want)
                break
            if not want or want[1] != size:
                # first seen, or rewritten whole and readable with its rows (the person keys
                # and claim ids are written into the parts after each run): the new reference
                changed[(*loc, table)] = (rows, size)
            if table in TABLES and not schema.equals(TABLES[table], check_metadata=False):
                outdated.append((loc, table))
        if problem is None:
            continue
        path, what, want = problem
        for table in TABLES:  # the batch goes whole: its documents are processed again
            part_path(out, table, *loc).unlink(missing_ok=True)
        outdated = [o for o in outdated if o[0] != loc]
        changed = {k: v for k, v in changed.items() if k[:2] != loc}
        n_docs = manifest.drop_part(loc)
        lost += 1
        _say(warn, "E206", path=path, problem=what, rows="?" if want is None else f"{want[0]:,}", n_docs=n_docs)
    if changed:
        manifest.record_files(changed)
    return lost, outdated


def stray_files(out: Path, committed: set[Loc]) -> list[Path]:
    """Files in the table folders that no committed batch owns: temporaries, parts of
    a run that died before committing them, and the flat ``part-0.parquet`` files
    of isnad versions before run partitions."""
    stray = []
    for table in TABLES:
        d = out / table
        if not d.is_dir():
            continue
        for f in d.iterdir():
            if f.is_file() and (f.name.endswith(".tmp") or (f.name.startswith("part-") and f.suffix == ".parquet")):
                stray.append(f)
            elif f.is_dir() and f.name.startswith("run_id="):
                run_id = f.name[len("run_id="):]
                for g in f.iterdir():
                    if g.name.endswith(".tmp") or (g.suffix == ".parquet" and (run_id, g.stem) not in committed):
                        stray.append(g)
    return stray


def _remove_empty_partitions(out: Path) -> None:
    for table in TABLES:
        d = out / table
        if d.is_dir():
            for sub in d.iterdir():
                if sub.is_dir() and sub.name.startswith("run_id=") and not any(sub.iterdir()):
                    sub.rmdir()


# --------------------------------------------------------------------------- older schemas

def _convert(name: str, col, typ):
    """Casts Arrow cannot do: the text dates of outputs before dates were timestamps."""
    if pa.types.is_timestamp(typ) and (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        from .fields import parse_date
        return pa.array([parse_date(v) for v in col.to_pylist()], typ)
    return None


def migrate(out: Path, manifest: Manifest, outdated: list[tuple[Loc, str]], warn: Warn,
            compression: str = "zstd", durable: bool = True) -> None:
    """Rewrite part files of an older schema with the current one: new columns null
    (``--reprocess`` fills them), changed types converted.  Older outputs had the
    slug in ``documents.outlet``: it moves to ``outlet_id`` as well."""
    for i in range(0, len(outdated), 50):  # committed 50 files at a time: memory stays small
        writes = []
        for loc, table in outdated[i:i + 50]:
            path = part_path(out, table, *loc)
            old = pq.read_table(path)
            new = conform(old, TABLES[table], _convert)
            if table == "documents" and "outlet_id" not in old.column_names and "outlet" in old.column_names:
                new = new.set_column(new.schema.get_field_index("outlet_id"), "outlet_id",
                                     pc.cast(old["outlet"], pa.string()))
            writes.append((path, parquet_bytes(new, compression)))
        replace_files(manifest, writes, durable)
    _say(warn, "E208", path=out, tables=", ".join(sorted({t for _, t in outdated})), n_files=len(outdated))
