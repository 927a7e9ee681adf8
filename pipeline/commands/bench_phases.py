"""The in-process phases of ``run.py bench`` (pipeline/commands/bench.py): each runs in a
child process of its own, so that its peak RSS (``getrusage``) is its own.

(a) ``spacy.blank("ar")`` tokenisation; (b) what one worker of the batch engine does with
the sample (the pipeline, the rows of the tables and their Parquet bytes); the breakdown,
CPU seconds per component.
"""
from __future__ import annotations

import json
import resource
import time
from typing import Callable, Optional

RUN_BATCH = 500  # documents per batch (one Parquet part per table), as ``run.py --batch-size``


def _read_sample(path: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as f:
        return [(o["id"], o["text"]) for o in map(json.loads, f)]


# ------------------------------------------------------------ phases (child processes)

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mb() -> float:
    """Current RSS: what the process holds before the timed loop (the sample's texts,
    the libraries, the pipeline), to tell it from what processing adds."""
    import psutil
    return psutil.Process().memory_info().rss / 2**20


def _phase_tokenize(sample: str, config: Optional[str], batch_size: int) -> dict:
    import spacy
    docs = _read_sample(sample)
    nlp = spacy.blank("ar")
    texts = [t for _, t in docs]
    start_rss = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        tokens += len(doc)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "tokens": tokens,
            "start_rss_mb": start_rss}


def _phase_pipeline(sample: str, config: Optional[str], batch_size: int) -> dict:
    """What one worker of the batch engine does with the sample, in batches of
    RUN_BATCH documents: the pipeline, the rows of the tables and their Parquet bytes
    (:func:`pipeline.engines.process_task`); only writing the files is left out."""
    from ..engines import Task, get_nlp, process_task
    from ..extract import Record
    docs = _read_sample(sample)
    get_nlp(config)  # built before the timing, as a worker builds it at start-up
    # and pyarrow's first conversion (it imports pandas, ~0.7 s), paid once per worker
    process_task(Task("bench", "warm-up", [Record("warm-up", "وقال الوزير إن الوضع مستقر.")], [], config))
    records = [Record(i, t) for i, t in docs]
    start_rss = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    quotes = failed = 0
    nbytes = 0
    for b in range(0, len(records), RUN_BATCH):
        res = process_task(Task("bench", f"part-{b:06d}", records[b:b + RUN_BATCH], [], config))
        quotes += res.n_quotes
        failed += res.n_rejected
        nbytes += sum(map(len, res.blobs.values()))
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "quotes": quotes, "failed": failed, "parquet_bytes": nbytes, "start_rss_mb": start_rss}


def _phase_breakdown(sample: str, config: Optional[str], batch_size: int) -> dict:
    """CPU seconds of the tokenizer, of each stage and of the row extraction, running
    the stages one after another over each batch (what ``nlp.pipe`` does)."""
    from stages.lexicon import load_lexicon

    from ..engines import get_nlp
    from ..extract import Record, doc_rows
    docs = _read_sample(sample)
    nlp = get_nlp(config)
    lexicon = load_lexicon(config)
    _encode([doc_rows(nlp("وقال الوزير إن"), Record("warm-up", "وقال الوزير إن"), lexicon=lexicon)])  # as (b)
    clock = time.process_time
    parts = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}, "doc_rows": 0.0, "parquet": 0.0}
    rows: list[dict] = []
    for b in range(0, len(docs), batch_size):
        batch = docs[b:b + batch_size]
        t = clock()
        out = [nlp.make_doc(text) for _, text in batch]
        parts["tokenizer"] += clock() - t
        keep = list(zip(batch, out))
        for name, proc in nlp.pipeline:
            t = clock()
            keep = [(item, d) for item, d in ((item, _call(proc, d)) for item, d in keep) if d is not None]
            parts[name] += clock() - t
        t = clock()
        for (doc_id, text), d in keep:
            try:
                rows.append(doc_rows(d, Record(doc_id, text), lexicon=lexicon))
            except Exception:  # noqa: BLE001  (counted by phase (b))
                pass
        parts["doc_rows"] += clock() - t
        if len(rows) >= RUN_BATCH or b + batch_size >= len(docs):
            t = clock()
            _encode(rows)
            parts["parquet"] += clock() - t
            rows = []
    return {"parts": parts}


def _encode(rows: list[dict]) -> None:
    """The Parquet bytes of a batch's tables, as a worker makes them."""
    from ..engines import TABLE_NAMES
    from ..writer import parquet_bytes, to_table
    for name in TABLE_NAMES:
        parquet_bytes(to_table(name, [r for doc in rows for r in doc.get(name, ())]))


def _call(proc, doc):
    try:
        return proc(doc)
    except Exception:  # noqa: BLE001  (a failing document leaves the breakdown, as in (b))
        return None


PHASE_FUNCS: dict[str, Callable] = {"tokenize": _phase_tokenize, "pipeline": _phase_pipeline,
                                    "breakdown": _phase_breakdown}


def _child(conn, phase: str, sample: str, config: Optional[str], batch_size: int) -> None:
    try:
        res = PHASE_FUNCS[phase](sample, config, batch_size)
        res["peak_rss_mb"] = _peak_rss_mb()
        conn.send(res)
    except BaseException as e:  # report, don't hang the parent
        conn.send({"error": f"{type(e).__name__}: {e}"})
    finally:
        conn.close()
