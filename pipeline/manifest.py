"""Run state of an output folder: the lock, the manifest, and crash recovery.

Everything lives in ``OUT/_isnad/`` (a name that dataset readers ignore):

``manifest.sqlite``
    ``docs``: one row per document key (its ``doc_id``; a duplicate-id report has
    its own key) with the content hash, status (ok / rejected), and the batch
    (``run_id``, ``part``) whose files hold its current rows.
    ``parts``: every committed batch.  A part file on disk that is not listed here
    was written by a run that died before committing it: it is deleted on the next
    run.  ``pending_prune``: older batches that still hold rows of documents that
    a later batch superseded; they are rewritten without those rows right after
    the commit, or by the next run if this one dies first.  ``runs``: one row a run.
``lock``
    ``flock``-ed by the running process; the kernel releases it when the process
    dies, even by ``kill -9``, so a stale lock never blocks the next night's run.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from stages.errors import RunError, make

from .schemas import TABLES

STATE_DIR = "_isnad"
SCHEMA_VERSION = "1"
DUP_CODE = "E109"

_DDL = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS runs(
    run_id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, pid INTEGER,
    argv TEXT, processed INTEGER, skipped INTEGER, rejected INTEGER, seconds REAL);
CREATE TABLE IF NOT EXISTS parts(
    run_id TEXT, part TEXT, n_docs INTEGER, committed_at TEXT, PRIMARY KEY(run_id, part));
CREATE TABLE IF NOT EXISTS docs(
    key TEXT PRIMARY KEY, doc_id TEXT, content_hash TEXT, status TEXT, reason TEXT,
    source_path TEXT, run_id TEXT, part TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS pending_prune(
    run_id TEXT, part TEXT, key TEXT, doc_id TEXT, source_path TEXT, dup INTEGER,
    PRIMARY KEY(run_id, part, key));
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable and unique: ``20261129T081500Z-3f9a1c`` (never parsed as a number)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + os.urandom(3).hex()


@dataclass
class Entry:
    """What a committed batch says about one input item."""

    key: str
    doc_id: str
    content_hash: str
    status: str  # ok | rejected
    reason: str | None
    source_path: str

    @property
    def dup(self) -> bool:
        return self.reason == DUP_CODE


def dup_key(doc_id: str, source_path: str, n: int) -> str:
    return f"{doc_id}\x1f{source_path}\x1f{n}"


class OutputLock:
    """Exclusive lock on an output folder (``flock``; released by the kernel on death)."""

    def __init__(self, out: Path, wait: float = 0.0):
        self.out = out
        self.path = out / STATE_DIR / "lock"
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    os.close(fd)
                    raise make(RunError, "E201", path=self.out, pid=pid, lock=self.path) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            finally:
                os.close(self.fd)  # closing releases the flock
                self.fd = None


class Manifest:
    def __init__(self, out: Path):
        self.out = out
        self.path = out / STATE_DIR / "manifest.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_DDL)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ queries
    def lookup(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """``key -> (content_hash, status)`` of the keys already recorded."""
        found: dict[str, tuple[str, str]] = {}
        for i in range(0, len(keys), 900):
            chunk = keys[i:i + 900]
            q = f"SELECT key, content_hash, status FROM docs WHERE key IN ({','.join('?' * len(chunk))})"
            found.update((k, (h, st)) for k, h, st in self.db.execute(q, chunk).fetchall())
        return found

    def committed_parts(self) -> set[tuple[str, str]]:
        return set(self.db.execute("SELECT run_id, part FROM parts").fetchall())

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, count(*) FROM docs GROUP BY status").fetchall())

    # ------------------------------------------------------------------ runs
    def begin_run(self, run_id: str, argv: list[str] | None) -> None:
        self.db.execute("UPDATE runs SET status='interrupted' WHERE status='running'")
        self.db.execute("INSERT INTO runs(run_id, started_at, status, pid, argv) VALUES (?,?,?,?,?)",
                        (run_id, now(), "running", os.getpid(), json.dumps(argv or [], ensure_ascii=False)))

    def finish_run(self, run_id: str, status: str, processed: int, skipped: int, rejected: int,
                   seconds: float) -> None:
        self.db.execute("UPDATE runs SET finished_at=?, status=?, processed=?, skipped=?, rejected=?, seconds=? "
                        "WHERE run_id=?", (now(), status, processed, skipped, rejected, seconds, run_id))

    # ------------------------------------------------------------------ commit
    def commit_part(self, run_id: str, part: str, entries: list[Entry]) -> None:
        """The commit point of a batch (its files are already in place): one transaction
        records the part, every document's new location, and the older parts that
        must now drop the superseded rows."""
        ts = now()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR REPLACE INTO parts VALUES (?,?,?,?)",
                       (run_id, part, sum(e.status == "ok" for e in entries), ts))
            for e in entries:
                old = db.execute("SELECT run_id, part, doc_id, source_path FROM docs WHERE key=?",
                                 (e.key,)).fetchone()
                if old and (old[0], old[1]) != (run_id, part):
                    db.execute("INSERT OR REPLACE INTO pending_prune VALUES (?,?,?,?,?,?)",
                               (old[0], old[1], e.key, old[2], old[3], int(e.dup)))
                db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                           (e.key, e.doc_id, e.content_hash, e.status, e.reason, e.source_path,
                            run_id, part, ts))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def pending_prunes(self) -> dict[tuple[str, str], tuple[set[str], set[str]]]:
        """``(run_id, part) -> (doc_ids to drop, duplicate-report keys to drop)``."""
        groups: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        for run_id, part, _key, doc_id, source_path, dup in self.db.execute(
                "SELECT run_id, part, key, doc_id, source_path, dup FROM pending_prune"):
            ids, dups = groups[(run_id, part)]
            (dups.add(f"{doc_id}\x1f{source_path}") if dup else ids.add(doc_id))
        return dict(groups)

    def prune_done(self, run_id: str, part: str) -> None:
        self.db.execute("DELETE FROM pending_prune WHERE run_id=? AND part=?", (run_id, part))


def stray_files(out: Path, committed: set[tuple[str, str]]) -> list[Path]:
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


def recover(out: Path, manifest: Manifest, prune) -> dict[str, int]:
    """Bring ``out`` back to its last committed state (call with the lock held)."""
    removed = 0
    for f in stray_files(out, manifest.committed_parts()):
        f.unlink(missing_ok=True)
        removed += 1
    for table in TABLES:  # partitions left empty by the clean-up
        d = out / table
        if d.is_dir():
            for sub in d.iterdir():
                if sub.is_dir() and sub.name.startswith("run_id=") and not any(sub.iterdir()):
                    sub.rmdir()
    pruned = 0
    for (run_id, part), (ids, dups) in manifest.pending_prunes().items():
        prune(run_id, part, ids, dups)
        manifest.prune_done(run_id, part)
        pruned += 1
    return {"stray_files": removed, "pruned_parts": pruned}
