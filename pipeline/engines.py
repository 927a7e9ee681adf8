"""Where batches run: in this process (:class:`InProcessEngine`), a local process pool
(:mod:`pipeline.pool_engine`), or a Dask cluster (:mod:`pipeline.dask_engine`).

Every engine runs the same function, :func:`process_task`, on the same
:class:`Task` objects and returns the same :class:`Result`: the batch's six tables
already encoded as Parquet bytes (so encoding runs in parallel and a remote worker
needs no shared file system), plus what the manifest needs.  Writing files and
committing the manifest stay in the driver process (:mod:`pipeline.runner`).

Each worker process builds the spaCy pipeline once (:func:`get_nlp` caches it per
configuration): the process pool through its initializer, Dask workers through a
worker plugin that loads it when the worker starts.
"""
from __future__ import annotations

import gc
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from stages.budget import Clock, OverBudget
from stages.errors import MESSAGES

from .extract import Record, doc_rows
from .io import Rejection
from .manifest import Entry

TABLE_NAMES = ("documents", "sentences", "quotes", "speakers", "sources", "rejected")
MAX_STRINGS = 200_000  # spaCy string store size after which the pipeline is rebuilt


@dataclass
class Task:
    run_id: str
    part: str
    records: list[Record]
    rejections: list[Rejection]
    config: str | None = None
    compression: str = "zstd"
    max_chars: int = 1_000_000
    max_seconds: float = 5.0  # CPU seconds per document (E115 past it); 0: no budget


@dataclass
class Result:
    part: str
    blobs: dict[str, bytes]
    entries: list[Entry]
    n_ok: int = 0
    n_rejected: int = 0
    n_quotes: int = 0
    kinds: Counter = field(default_factory=Counter)
    speakers: Counter = field(default_factory=Counter)  # (speaker_name, speaker_type) -> top-level quotes


# ---------------------------------------------------------------- worker side

_NLP: dict = {}
_NLP_LOCK = threading.Lock()


def get_nlp(config: str | None = None, max_chars: int = 1_000_000):
    """The spaCy pipeline for ``config``, built once per process."""
    key = str(config or "")
    nlp = _NLP.get(key)
    if nlp is None:
        with _NLP_LOCK:
            nlp = _NLP.get(key)
            if nlp is None:
                from .nlp import build_nlp
                nlp = build_nlp(config)
                _NLP[key] = nlp
                _freeze()
    nlp.max_length = max(nlp.max_length, max_chars + 1)
    return nlp


def drop_nlp() -> None:
    """Forget every cached pipeline (the driver, once workers do the processing)."""
    with _NLP_LOCK:
        _NLP.clear()
    gc.unfreeze()


def _freeze() -> None:
    """Hide what is alive now (modules, lexicons, the pipeline: ~90,000 objects) from
    the cyclic garbage collector.  Processing allocates millions of short-lived
    containers, which trigger collections; each full one walked all of them again
    (about 10 % of the CPU time of a run).  A dropped pipeline is unfrozen first
    (:func:`drop_nlp`, :func:`_forget_if_bloated`) so that it can be collected."""
    gc.collect()
    gc.freeze()


def init_worker(config: str | None, max_chars: int) -> None:
    from . import _die_with_parent
    _die_with_parent()  # already set on import (pipeline/__init__.py) when spawned; harmless again
    get_nlp(config, max_chars)


def _failure(rec: Record, code: str, **kw) -> Rejection:
    r = Rejection(rec.doc_id, rec.source_path, code, f"[{code}] " + MESSAGES[code].format(**kw),
                  rec.extra.get("content_hash", ""))
    r.key = rec.extra.get("key", rec.doc_id)  # type: ignore[attr-defined]
    return r


def _pipe_rows(nlp, records: list[Record], lexicon=None,
               max_seconds: float | None = None) -> tuple[list[dict | None], dict[int, Rejection]]:
    """Rows per record (None when it failed) and the rejections of those that failed.

    One document at a time through the tokenizer, every stage and its table rows, as
    ``nlp(text)`` does (no isnad stage batches: ``nlp.pipe`` gave nothing more), so
    that each document runs on its own clock: past ``max_seconds`` of CPU time
    (checked after every step and inside the rule stages' loops, see
    :mod:`stages.budget`) it is rejected with E115.  A document that raises is
    rejected with E108.  Neither stops the batch or loses the worker."""
    rows: list[dict | None] = [None] * len(records)
    failed: dict[int, Rejection] = {}
    steps = [("tokenizer", nlp.make_doc)] + list(nlp.pipeline)
    for i, rec in enumerate(records):
        step = "tokenizer"
        with Clock(max_seconds) as clock:
            try:
                doc = rec.text
                for step, proc in steps:
                    doc = proc(doc)
                    clock.check()
                step = "rows"
                rows[i] = doc_rows(doc, rec, lexicon=lexicon)
                clock.check()
            except OverBudget as e:
                rows[i] = None
                failed[i] = _failure(rec, "E115", budget=e.budget, spent=e.spent, stage=step,
                                     chars=len(rec.text))
            except Exception as e:  # noqa: BLE001 - one broken document never stops a batch
                rows[i] = None
                failed[i] = _failure(rec, "E108", error=f"{step}: {type(e).__name__}: {e}"[:500])
    return rows, failed


def process_task(task: Task) -> Result:
    from .writer import parquet_bytes, to_table

    from stages.lexicon import load_lexicon

    nlp = get_nlp(task.config, task.max_chars)
    per_doc, failed = _pipe_rows(nlp, task.records, load_lexicon(task.config), task.max_seconds)
    tables: dict[str, list[dict]] = {k: [] for k in TABLE_NAMES}
    entries: list[Entry] = []
    res = Result(task.part, {}, entries)
    for rec, rows in zip(task.records, per_doc):
        if rows is None:
            continue
        for k, v in rows.items():
            tables[k].extend(v)
        res.n_ok += 1
        entries.append(Entry(rec.extra.get("key", rec.doc_id), rec.doc_id, rec.extra.get("content_hash", ""),
                             "ok", None, rec.source_path))
    rejections = list(task.rejections) + [r for _, r in sorted(failed.items())]
    for r in rejections:
        tables["rejected"].append({"doc_id": r.doc_id, "source_path": r.source_path,
                                   "reason": r.reason, "message": r.message})
        entries.append(Entry(getattr(r, "key", r.doc_id), r.doc_id, r.content_hash, "rejected", r.reason,
                             r.source_path))
    res.n_rejected = len(rejections)
    res.n_quotes = len(tables["quotes"])
    # nested quotes (speech inside another quote's content) are counted apart
    res.kinds = Counter("nested" if q["parent_quote_id"] else q["kind"] for q in tables["quotes"])
    res.speakers = Counter((q["speaker_name"], q["speaker_type"] or "unknown") for q in tables["quotes"]
                           if q["speaker_name"] and not q["parent_quote_id"])
    res.blobs = {k: parquet_bytes(to_table(k, v), task.compression) for k, v in tables.items()}
    _forget_if_bloated(task.config, nlp)
    return res


def _forget_if_bloated(config: str | None, nlp) -> None:
    """spaCy's string store keeps every token string ever seen (about 85,000 per 1,000
    articles), so a long-lived worker's memory would follow the corpus, not the batch.
    Past MAX_STRINGS the cached pipeline is dropped; the next batch builds a fresh one
    (~0.05 s: the lexicons stay cached)."""
    if len(nlp.vocab.strings) > MAX_STRINGS:
        with _NLP_LOCK:
            if _NLP.get(str(config or "")) is nlp:
                del _NLP[str(config or "")]
        gc.unfreeze()  # the old pipeline may be collected; the next get_nlp freezes again


# ---------------------------------------------------------------- engines


class InProcessEngine:
    """No start-up cost: for a handful of documents, or ``--workers 1``."""

    name = "in-process"
    workers = 1

    def __init__(self, config: str | None, max_chars: int):
        get_nlp(config, max_chars)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        for t in tasks:
            yield process_task(t)

    def close(self) -> None:
        pass


def _take(it: Iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def default_workers() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return os.cpu_count() or 1
