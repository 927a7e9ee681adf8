"""Run the pipeline over inputs and write the tables: incremental, crash-safe, parallel.

One call of :func:`run_batch` is one *run* (``run_id``):

1. lock ``OUT`` (:class:`pipeline.manifest.OutputLock`), then open the manifest and
   :func:`~pipeline.recovery.recover` whatever a killed run, a damaged file or a full
   disk left behind (:mod:`pipeline.recovery`);
2. stream the inputs, in batches of ``batch_size`` documents; every document whose
   ``doc_id`` and content hash are already in the manifest is skipped (``reprocess``
   forces all), a repeated ``doc_id`` is rejected (E109);
3. run the batches on an engine (:mod:`pipeline.engines`): in this process for a
   few documents, else a pool of worker processes or a Dask cluster;
4. commit each finished batch (:mod:`pipeline.commit`): its part files appear under
   ``OUT/<table>/run_id=<RUN_ID>/part-<N>.parquet``, and a reprocessed document's new
   rows replace its old ones inside the older part that held them, in one rename per
   file.  Every table therefore shows only the latest version of each document, and a
   reader never sees it twice;
5. forget the rejections of the inputs read that no longer apply (a fixed record).

Before step 1 the inputs, the options and the configuration are checked, and a write
that fails is told with its code: :mod:`pipeline.run_checks`.
"""
from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from stages.errors import ConfigError, RunError, make

from .engines import InProcessEngine, Task, default_workers, drop_nlp, get_nlp
from .extract import Record
from .fields import InputOptions, options_from_config
from .io import Rejection, content_hash, read_inputs, reject
from .claims import load_rules as load_claim_rules
from .commit import commit_batch, drop_rows
from .derived import update as update_derived
from .fields import path_str
from .manifest import Manifest, OutputLock, dup_key, new_run_id
from .recovery import open_manifest, recover
from .pool_engine import PoolEngine
from .progress import Progress, summary  # noqa: F401 (summary: re-exported for the CLI)
# _compression: imported from here by pipeline/commands/claims.py
from .run_checks import _check_options, _compression, _config_fingerprint, _input_files, _output_error
from .writer import empty_blobs


@dataclass
class RunOptions:
    workers: int | None = None  # None: every core
    engine: str = "local"  # local | dask
    scheduler: object = None  # dask: address, Client, or None for a LocalCluster
    batch_size: int = 500
    reprocess: bool = False
    quiet: bool = False
    progress: bool | None = None  # None: a bar when stderr is a terminal
    wait: float = 0.0  # seconds to wait for another run's lock
    inputs: InputOptions | None = None  # None: the [input] section of the configuration, else defaults
    in_process_below: int = 200  # fewer documents to process: no worker start-up
    cluster_kwargs: dict | None = None  # dask LocalCluster arguments (tests)
    durable: bool = True  # fsync every part file and the folder before renaming
    argv: list | None = None


@dataclass
class Stats:
    run_id: str = ""
    out: str = ""
    processed: int = 0
    skipped: int = 0
    rejected: int = 0
    quotes: int = 0
    batches: int = 0
    kinds: Counter = field(default_factory=Counter)
    speakers: Counter = field(default_factory=Counter)
    engine: str = ""
    workers: int = 0
    seconds: float = 0.0
    rejected_again: int = 0  # of ``rejected``: unchanged inputs rejected by an earlier run
    bad_dates: int = 0
    bad_date_example: tuple = ()
    notes: list = field(default_factory=list)  # said once on stderr (skipped outputs, one process, ...)
    claims: dict | None = None  # the claims build after the batches (None: already current)

    def as_dict(self) -> dict:
        d = dict(vars(self))
        d["documents"] = self.processed
        return d


def run_batch(inputs: list[str], out: Path, config: str | None = None,
              options: RunOptions | None = None, **kw) -> dict:
    """Process ``inputs`` into ``out``; returns the run's statistics.

    Raises ConfigError (bad inputs or configuration) or RunError (``out`` locked
    or not writable) before writing anything.
    """
    opts = options or RunOptions(**kw)
    t0 = time.monotonic()
    out = Path(out)
    cfg = str(config) if config else None
    if opts.inputs is None:
        opts = replace(opts, inputs=options_from_config(cfg))
    files, notes = _input_files(inputs, out)
    _check_options(opts)
    load_claim_rules(cfg)  # a bad [claims] section stops the run before anything is written
    compression = _compression(cfg)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK):
            raise PermissionError("permission denied")
    except OSError as e:
        # "File exists" / "Not a directory" when OUT, or a folder on its way, is a file
        blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
        what = f"{blocker} is a file, not a folder" if blocker else getattr(e, "strerror", None) or str(e)
        raise make(RunError, "E202", path=out, error=what) from None
    with OutputLock(out, opts.wait) as lock:
        run = _Run(files, out, cfg, compression, opts)
        run.lock = lock
        run.stats.notes.extend(notes)
        try:
            stats = run.execute()
        finally:
            if run.manifest is not None:
                run.manifest.close()
    stats.seconds = time.monotonic() - t0
    return stats.as_dict()


@contextmanager
def _sigint_ignored():
    """SIGINT ignored (in the main thread; elsewhere nothing changes): the abort is
    bounded (pipeline.pool_engine.ABORT_SECONDS), and a Ctrl-C that cut it short would
    leave the workers running and the interpreter's exit waiting on the pool."""
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class _Run:
    def __init__(self, files: list[Path], out: Path, cfg: str | None, compression: str, opts: RunOptions):
        self.files, self.out, self.cfg, self.compression, self.opts = files, out, cfg, compression, opts
        self.manifest: Manifest | None = None  # opened under the lock, by execute()
        self.lock: OutputLock | None = None
        self.stats = Stats(out=str(out))
        self.progress = Progress(opts)
        self.validated = False
        self.seen_rejected: set[str] = set()  # keys of unchanged rejections re-reported by this run

    # ------------------------------------------------------------------ planning
    def plan(self) -> Iterator[Task]:
        """Stream the inputs into batches of documents that need processing."""
        opts, st = self.opts, self.stats
        first_seen: dict[str, str] = {}
        n_dups: Counter = Counter()
        recs: list[Record] = []
        rejs: list[Rejection] = []
        part_no = itertools.count()
        items = read_inputs(self.files, opts.inputs)
        while chunk := list(itertools.islice(items, opts.batch_size)):
            keyed = []
            for item in chunk:
                doc_id, src = item.doc_id, item.source_path
                h = content_hash(item)
                if doc_id in first_seen:
                    n_dups[doc_id] += 1
                    dup = reject(doc_id, src, "E109", h, doc_id=doc_id, first=first_seen[doc_id])
                    key = dup_key(doc_id, src, n_dups[doc_id])
                    item = dup
                else:
                    first_seen[doc_id] = src
                    key = doc_id
                keyed.append((key, h, item))
            known = {} if opts.reprocess else self.manifest.lookup([k for k, _, _ in keyed])
            for key, h, item in keyed:
                if known.get(key) == (h, "ok"):
                    st.skipped += 1
                    continue
                if known.get(key) == (h, "rejected"):
                    # an input rejected before, unchanged: its row is in the rejected table
                    # already; it is reported again (and the exit code says so) but not rewritten
                    st.rejected += 1
                    st.rejected_again += 1
                    self.seen_rejected.add(key)
                    continue
                if isinstance(item, Record) and "bad_date" in item.extra:
                    st.bad_dates += 1
                    st.bad_date_example = st.bad_date_example or (item.doc_id, item.extra["bad_date"])
                if isinstance(item, Record):
                    item.extra["key"] = key
                    recs.append(item)
                else:
                    item.key = key  # type: ignore[attr-defined]
                    rejs.append(item)
                if len(recs) + len(rejs) >= opts.batch_size:
                    yield self._task(next(part_no), recs, rejs)
                    recs, rejs = [], []
            self.progress.update(st)
        if recs or rejs:
            yield self._task(next(part_no), recs, rejs)

    def _task(self, n: int, recs: list[Record], rejs: list[Rejection]) -> Task:
        if not self.validated:
            self.validate_config()
        return Task(self.stats.run_id, f"part-{n:05d}", recs, rejs, self.cfg, self.compression,
                    self.opts.inputs.max_chars, self.opts.inputs.max_seconds)

    def validate_config(self, cheap: bool = False) -> None:
        """Fail with ConfigError before anything is written.  ``cheap``: trust a
        configuration this output folder already ran with, unchanged."""
        fp = _config_fingerprint(self.cfg)
        db = self.manifest.db
        if cheap and fp is not None:
            row = db.execute("SELECT v FROM meta WHERE k='config_ok'").fetchone()
            if row and row[0] == fp:
                self.validated = True
                return
        get_nlp(self.cfg, self.opts.inputs.max_chars)  # the in-process engine reuses it
        if fp is not None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('config_ok', ?)", (fp,))
        self.validated = True

    # ------------------------------------------------------------------ running
    def execute(self) -> Stats:
        st, opts = self.stats, self.opts
        st.run_id = new_run_id()
        status = "failed"
        engine = None
        try:
            self.manifest = open_manifest(self.out, self.progress.warn, self.compression)
            recover(self.out, self.manifest, self.progress.warn, self.compression, opts.durable)
            self.manifest.begin_run(st.run_id, opts.argv, self.lock)
        except (OSError, sqlite3.OperationalError) as e:
            raise _output_error(e, self.out) from None
        try:
            tasks = self.plan()
            buffered, n_docs, exhausted = [], 0, True
            for t in tasks:  # a look-ahead decides whether workers are worth starting
                buffered.append(t)
                n_docs += len(t.records)
                if n_docs >= opts.in_process_below:
                    exhausted = False
                    break
            if not buffered:
                self.validate_config(cheap=True)
            else:
                engine = self.engine(n_docs, exhausted)
                st.engine, st.workers = engine.name, engine.workers
                self.progress.start(st)
                try:
                    for res in engine.run(itertools.chain(buffered, tasks)):
                        self.commit(res)
                except BrokenProcessPool as e:  # a worker died (out of memory, segfault, killed)
                    raise make(RunError, "E204", error=str(e) or type(e).__name__) from None
                engine.close()  # the workers' memory is free before the claims are built
                engine = None
            if st.batches == 0 and not self.manifest.committed_parts():
                # a first run with nothing to write still creates every table (empty, with
                # its schema) so that readers find them; a later no-op run writes nothing
                commit_batch(self.out, self.manifest, st.run_id, "part-00000", empty_blobs(self.compression), [],
                             self.compression, opts.durable)
            self.forget_stale_rejections()
            # person keys and claims link documents of every batch and run: built once
            # the batches are in, over the whole datasets (a no-op when nothing changed).
            # A run that wrote batches always builds: a reprocessed document keeps its key,
            # hash and part, and its updated_at (to the second) may equal the last build's,
            # so the fingerprint alone missed a --reprocess within the same second and left
            # its new rows without claim ids (test_rerun_skips_unchanged_…, 1 run in 3)
            st.claims = update_derived(self.out, self.manifest.db, self.cfg, self.compression, opts.durable,
                                       force=st.batches > 0)
            status = "done"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        except (OSError, sqlite3.OperationalError) as e:
            raise _output_error(e, self.out) from None
        finally:
            if engine is not None:
                if status != "done" and hasattr(engine, "abort"):
                    with _sigint_ignored():  # a second Ctrl-C must not cut the abort short
                        engine.abort()  # the batches in flight are not wanted: no waiting for them
                engine.close()
            self.progress.close()
            try:  # never leave the run marked running; on a full disk this may fail too
                self.manifest.finish_run(st.run_id, status, st.processed, st.skipped, st.rejected,
                                         time.monotonic() - self.progress.t0, self.lock)
            except sqlite3.Error:
                pass
        return st

    def forget_stale_rejections(self) -> None:
        """Rejections recorded for the files this run read, that it did not report again:
        the record was fixed (processed now, or under another key).  Their rows go."""
        stale = {k: loc for k, loc in self.manifest.rejected_from(sorted({path_str(f) for f in self.files})).items()
                 if loc.loc[0] != self.stats.run_id and k not in self.seen_rejected}
        if not stale:
            return
        drops: dict = defaultdict(lambda: (set(), set()))
        for loc in stale.values():
            ids, dups = drops[loc.loc]
            (dups.add(f"{loc.doc_id}\x1f{loc.source_path}") if loc.dup else ids.add(loc.doc_id))
        drop_rows(self.out, self.manifest, dict(drops), list(stale), self.compression, self.opts.durable)

    def engine(self, n_docs: int, exhausted: bool):
        opts = self.opts
        workers = opts.workers or default_workers()
        mc = opts.inputs.max_chars
        if opts.engine == "local" and (workers == 1 or exhausted):
            if workers > 1 and opts.workers:
                self.stats.notes.append(
                    f"{n_docs} document(s) to process: ran in this process, not in {workers} workers "
                    f"(worker processes start from {opts.in_process_below} documents, where they pay off)")
            return InProcessEngine(self.cfg, mc)
        drop_nlp()  # validated: the driver needs no pipeline of its own
        if opts.engine == "dask":
            from .dask_engine import DaskEngine
            try:
                return DaskEngine(workers, self.cfg, mc, opts.scheduler, opts.cluster_kwargs)
            except (OSError, TimeoutError) as e:
                raise make(ConfigError, "E006", section="cli", key="--scheduler", value=opts.scheduler,
                           expected=f"a reachable Dask scheduler: {e}") from None
        return PoolEngine(workers, self.cfg, mc)

    def commit(self, res) -> None:
        st, opts = self.stats, self.opts
        commit_batch(self.out, self.manifest, st.run_id, res.part, res.blobs, res.entries, self.compression,
                     opts.durable)
        st.batches += 1
        st.processed += res.n_ok
        st.rejected += res.n_rejected
        st.quotes += res.n_quotes
        st.kinds.update(res.kinds)
        st.speakers.update(res.speakers)
        self.progress.update(st)
