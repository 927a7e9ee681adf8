"""Run state of an output folder: the lock and the manifest.

Everything lives in ``OUT/_isnad/`` (a name that dataset readers ignore):

``manifest.sqlite``
    ``docs``: one row per document key (its ``doc_id``; a duplicate-id report has
    its own key) with the content hash, status (ok / rejected), and the batch
    (``run_id``, ``part``) whose files hold its current rows.
    ``parts``: every committed batch, and ``files``: the row count and size of each of
    its table files, checked at every start-up (:mod:`pipeline.recovery`).
    ``staged``: files written under temporary names whose batch is committed but that
    are not renamed into view yet (the next run renames them if this one dies first).
    ``pending_prune``: superseded rows still to remove (older manifests; a rebuilt one).
    ``runs``: one row a run.
``lock``
    ``flock``-ed by the running process; the kernel releases it when the process
    dies, even by ``kill -9``, so a stale lock never blocks the next night's run.

A manifest that SQLite cannot read raises :class:`ManifestCorrupt`;
:func:`pipeline.recovery.open_manifest` then rebuilds it from the tables.
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
SCHEMA_VERSION = "2"
DUP_CODE = "E109"

_DDL = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE IF NOT EXISTS runs(
    run_id TEXT PRIMARY KEY, started_at TEXT, finished_at TEXT, status TEXT, pid INTEGER,
    argv TEXT, processed INTEGER, skipped INTEGER, rejected INTEGER, seconds REAL);
CREATE TABLE IF NOT EXISTS parts(
    run_id TEXT, part TEXT, n_docs INTEGER, committed_at TEXT, PRIMARY KEY(run_id, part));
CREATE TABLE IF NOT EXISTS files(
    run_id TEXT, part TEXT, tbl TEXT, rows INTEGER, bytes INTEGER, PRIMARY KEY(run_id, part, tbl));
CREATE TABLE IF NOT EXISTS docs(
    key TEXT PRIMARY KEY, doc_id TEXT, content_hash TEXT, status TEXT, reason TEXT,
    source_path TEXT, run_id TEXT, part TEXT, updated_at TEXT);
CREATE INDEX IF NOT EXISTS docs_part ON docs(run_id, part);
CREATE TABLE IF NOT EXISTS staged(final TEXT PRIMARY KEY, tmp TEXT);
CREATE TABLE IF NOT EXISTS pending_prune(
    run_id TEXT, part TEXT, key TEXT, doc_id TEXT, source_path TEXT, dup INTEGER,
    PRIMARY KEY(run_id, part, key));
"""

Loc = tuple[str, str]  # (run_id, part)


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


@dataclass
class Located:
    """Where a key's current rows are."""

    loc: Loc
    doc_id: str
    status: str
    reason: str | None
    source_path: str

    @property
    def dup(self) -> bool:
        return self.reason == DUP_CODE


def dup_key(doc_id: str, source_path: str, n: int) -> str:
    return f"{doc_id}\x1f{source_path}\x1f{n}"


def _rollback(db: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (a failed COMMIT on a full
    disk rolls back by itself): the original error is the one to report."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


class ManifestCorrupt(Exception):
    """SQLite cannot read the manifest (not a database, malformed pages)."""


class OutputLock:
    """Exclusive lock on an output folder (``flock``; released by the kernel on death)."""

    def __init__(self, out: Path, wait: float = 0.0):
        self.out = out
        self.path = out / STATE_DIR / "lock"
        self.wait = wait
        self.fd: int | None = None
        self.previous = ""

    def __enter__(self) -> "OutputLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:  # a read-only folder (run.py claims on it was an E209 traceback)
            if e.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            raise make(RunError, "E202", path=self.out, error=f"{e.strerror} ({self.path})") from None
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
                    pid = os.pread(fd, 32, 0).decode("ascii", "replace").split("\n")[0].strip() or "?"
                    os.close(fd)
                    raise make(RunError, "E201", path=self.out, pid=pid, lock=self.path) from None
                time.sleep(0.2)
        # what the previous holder wrote: a run it began and never recorded as finished
        self.previous = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        self.fd = fd
        self.note("")
        return self

    def note(self, text: str) -> None:
        """The lock file says who holds it (its pid, for E201) and which run it is in.
        A few bytes rewritten in place: this works when the manifest cannot be written
        (a full disk, a file-size limit), so a run never stays "running" in it."""
        fd = self.fd
        if fd is None:
            return
        data = f"{os.getpid()}\n{text}\n".encode()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
        except OSError:
            pass

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            # the content stays: a run that could not record its end is named there
            os.close(self.fd)  # closing releases the flock
            self.fd = None


class Manifest:
    def __init__(self, out: Path):
        self.out = out
        self.path = out / STATE_DIR / "manifest.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        try:
            check = self.db.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in check[:3]))
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.executescript(_DDL)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        except sqlite3.OperationalError:
            self.db.close()  # locked, unwritable, I/O: not damage (the caller says what)
            raise
        except sqlite3.DatabaseError as e:  # not a database, malformed: damage
            self.db.close()
            raise ManifestCorrupt(str(e)) from None

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ queries
    def _chunks(self, sql: str, keys: list[str]):
        for i in range(0, len(keys), 900):
            chunk = keys[i:i + 900]
            yield from self.db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()

    def lookup(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """``key -> (content_hash, status)`` of the keys already recorded."""
        return {k: (h, st) for k, h, st in
                self._chunks("SELECT key, content_hash, status FROM docs WHERE key IN ({})", keys)}

    def locations(self, keys: list[str]) -> dict[str, Located]:
        """``key -> Located`` of the keys already recorded."""
        return {k: Located((r, p), d, st, reason, src) for k, r, p, d, st, reason, src in self._chunks(
            "SELECT key, run_id, part, doc_id, status, reason, source_path FROM docs WHERE key IN ({})", keys)}

    def committed_parts(self) -> set[Loc]:
        return set(self.db.execute("SELECT run_id, part FROM parts").fetchall())

    def part_files(self) -> dict[Loc, dict[str, tuple[int, int | None]]]:
        """``(run_id, part) -> {table: (rows, bytes)}`` as recorded."""
        out: dict[Loc, dict[str, tuple[int, int | None]]] = defaultdict(dict)
        for r, p, t, rows, size in self.db.execute("SELECT run_id, part, tbl, rows, bytes FROM files"):
            out[(r, p)][t] = (rows, size)
        return dict(out)

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, count(*) FROM docs GROUP BY status").fetchall())

    def rejected_from(self, source_paths: list[str]) -> dict[str, Located]:
        """Every recorded rejection of these input files: ``key -> Located``."""
        return {k: Located((r, p), d, "rejected", reason, src) for k, r, p, d, reason, src in self._chunks(
            "SELECT key, run_id, part, doc_id, reason, source_path FROM docs "
            "WHERE status = 'rejected' AND source_path IN ({})", source_paths)}

    # ------------------------------------------------------------------ runs
    # A run's row is written when it ends; while it runs, the lock file names it
    # (OutputLock.note), and a run that died without a row (kill -9, a full disk) gets
    # one from the next run, which finds its name in the lock file.

    def begin_run(self, run_id: str, argv: list[str] | None, lock: OutputLock | None = None) -> None:
        self.run_started = (run_id, now(), json.dumps(argv or [], ensure_ascii=False))
        self.db.execute("UPDATE runs SET status='interrupted' WHERE status='running'")  # older versions
        if lock is not None:
            prev = lock.previous.splitlines()
            if len(prev) >= 2 and prev[1].startswith("run "):
                _, prev_id, prev_start, *rest = prev[1].split(" ")
                self.db.execute("INSERT OR IGNORE INTO runs(run_id, started_at, status, pid) VALUES (?,?,?,?)",
                                (prev_id, prev_start, rest[0] if rest else "interrupted", int(prev[0] or 0)))
            lock.note(f"run {run_id} {self.run_started[1]}")

    def finish_run(self, run_id: str, status: str, processed: int, skipped: int, rejected: int,
                   seconds: float, lock: OutputLock | None = None) -> None:
        if lock is not None:  # first, in case the manifest cannot be written
            lock.note(f"run {run_id} {self.run_started[1]} {status}")
        _, started, argv = self.run_started
        self.db.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (run_id, started, now(), status, os.getpid(), argv, processed, skipped, rejected, seconds))
        if lock is not None:
            lock.note("")

    # ------------------------------------------------------------------ commit
    def commit(self, new_part: Loc | None, placed: list[tuple[Entry, Loc]], files: dict[tuple[str, str, str], tuple[int, int]],
               staged: list[tuple[str, str]], forget: list[str] = ()) -> None:
        """The commit point of a batch (its files are written under temporary names):
        one transaction records the new part, every document's location, the size of
        every file written, the renames still to do, and the keys to forget."""
        ts = now()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if new_part is not None:
                n_ok = sum(e.status == "ok" and loc == new_part for e, loc in placed)
                db.execute("INSERT OR REPLACE INTO parts VALUES (?,?,?,?)", (*new_part, n_ok, ts))
            db.executemany("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                           [(e.key, e.doc_id, e.content_hash, e.status, e.reason, e.source_path, *loc, ts)
                            for e, loc in placed])
            db.executemany("DELETE FROM docs WHERE key = ?", [(k,) for k in forget])
            db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                           [(*k, rows, size) for k, (rows, size) in files.items()])
            db.executemany("INSERT OR REPLACE INTO staged VALUES (?,?)", staged)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise

    def commit_part(self, run_id: str, part: str, entries: list[Entry]) -> None:
        """A batch whose files are already in view (no rewrites): as :meth:`commit`."""
        self.commit((run_id, part), [(e, (run_id, part)) for e in entries], {}, [])

    def staged_files(self) -> list[tuple[str, str]]:
        return self.db.execute("SELECT final, tmp FROM staged").fetchall()

    def staged_done(self, finals: list[str]) -> None:
        self.db.executemany("DELETE FROM staged WHERE final = ?", [(f,) for f in finals])

    def record_files(self, stats: dict[tuple[str, str, str], tuple[int, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                            [(*k, rows, size) for k, (rows, size) in stats.items()])

    def drop_part(self, loc: Loc) -> int:
        """Forget a batch whose files are lost: its documents become unknown (processed
        again when read).  Returns the number of documents it held."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            n = db.execute("SELECT count(*) FROM docs WHERE run_id=? AND part=? AND status='ok'", loc).fetchone()[0]
            for table in ("docs", "parts", "files", "pending_prune"):
                db.execute(f"DELETE FROM {table} WHERE run_id=? AND part=?", loc)
            db.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
        return n

    def pending_prunes(self) -> dict[Loc, tuple[set[str], set[str]]]:
        """``(run_id, part) -> (doc_ids to drop, duplicate-report keys to drop)``."""
        groups: dict[Loc, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        for run_id, part, _key, doc_id, source_path, dup in self.db.execute(
                "SELECT run_id, part, key, doc_id, source_path, dup FROM pending_prune"):
            ids, dups = groups[(run_id, part)]
            (dups.add(f"{doc_id}\x1f{source_path}") if dup else ids.add(doc_id))
        return dict(groups)

    def prune_done(self, run_id: str, part: str) -> None:
        self.db.execute("DELETE FROM pending_prune WHERE run_id=? AND part=?", (run_id, part))
