"""Benchmark: bare tokenisation vs. the full pipeline vs. the end-to-end run.

    python run.py bench [--docs N] [--workers N] [--corpus PATH] [--skip-e2e]

On the same first ``--docs`` articles of the corpus, in one run:

(a) ``spacy.blank("ar")`` tokenisation alone, one process (the speed limit);
(b) what one worker of the batch engine does, in one process: isnad's tokenizer, every
    stage, the rows of the output tables and their Parquet bytes, in batches of 500
    documents (:func:`pipeline.engines.process_task`); only writing the files is left out;
(c) the end-to-end run, ``python run.py SAMPLE.jsonl --out DIR --workers N``: reading,
    the worker pool, Parquet writing, start-up included;

and, unless ``--no-breakdown``, where (b)'s time goes, stage by stage.

Each of (a), (b) and the breakdown runs in a child process of its own so that its
peak RSS is its own; (c)'s peak RSS is the highest sum over the process tree, polled.
Throughput is wall-clock; the CPU seconds are printed too, and the ratios are given
both ways, because on a shared machine CPU time is the steadier of the two.  The
sample is written to a temporary JSONL file first, outside every timing.

It is a benchmark, not a test: nothing here asserts a speed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from . import prog
from .bench_phases import _child

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
BATCH_SIZE = 64
PHASES = ("tokenize", "pipeline", "e2e")


# --------------------------------------------------------------------------- sample

def write_sample(corpus: Path, n: int, path: Path) -> dict:
    """The first ``n`` articles with a non-empty text (``n <= 0``: all), as
    ``{"id", "text"}`` JSON lines. Returns their count, characters and UTF-8 bytes."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    docs = chars = nbytes = 0
    with opener(corpus, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            if n > 0 and docs >= n:
                break
            if not line.strip():
                continue
            obj = json.loads(line)
            text = obj.get("text") or ""
            if not text.strip():
                continue
            doc_id = str(obj.get("id") or obj.get("doc_id") or f"doc{docs}")
            out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
            docs += 1
            chars += len(text)
            nbytes += len(text.encode("utf-8"))
    return {"docs": docs, "chars": chars, "bytes": nbytes}


def run_phase(phase: str, sample: str, config: Optional[str], batch_size: int) -> dict:
    """Run one in-process phase in a fresh child process (its own peak RSS)."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, phase, sample, config, batch_size))
    p.start()
    child.close()
    try:
        res = parent.recv()
    except EOFError:
        res = {"error": "child process died"}
    p.join()
    if "error" in res:
        raise RuntimeError(f"bench phase {phase}: {res['error']}")
    return res


# ------------------------------------------------------------------ end to end (c)

def runner_has_workers() -> bool:
    """Whether ``run.py`` takes ``--workers`` (the batch engine may not have it)."""
    out = subprocess.run([sys.executable, str(ROOT / "run.py"), "--help"], capture_output=True,
                         text=True, cwd=ROOT)
    return "--workers" in out.stdout


def _tree_rss(proc) -> tuple[int, int]:
    """(sum, max) RSS in bytes over a process and its descendants."""
    import psutil
    total = biggest = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0
    for p in procs:
        try:
            rss = p.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        biggest = max(biggest, rss)
    return total, biggest


def run_e2e(sample: str, workers: int, config: Optional[str], out_dir: Path) -> dict:
    import psutil
    has_workers = runner_has_workers()
    cmd = [sys.executable, str(ROOT / "run.py"), sample, "--out", str(out_dir)]
    if config:
        cmd += ["--config", config]
    if has_workers:
        cmd += ["--workers", str(workers)]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=so, stderr=se, text=True)
        ps = psutil.Process(proc.pid)
        peak_sum = peak_one = 0
        while proc.poll() is None:
            s, m = _tree_rss(ps)
            peak_sum, peak_one = max(peak_sum, s), max(peak_one, m)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        so.seek(0), se.seek(0)
        stdout, stderr = so.read(), se.read()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and the workers it waited for
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"bench e2e: run.py exited {proc.returncode}\n{stderr[-2000:]}")
    return {"wall": wall, "cpu": cpu, "peak_rss_mb": peak_sum / 2**20, "peak_rss_one_mb": peak_one / 2**20,
            "workers": workers if has_workers else 1, "workers_option": has_workers,
            "command": " ".join(cmd), "summary": stdout.strip().splitlines()[:1]}


# ------------------------------------------------------------------------- report

def _rates(res: dict, sample: dict, tokens: int) -> dict:
    wall = max(res["wall"], 1e-9)
    return {"docs_s": sample["docs"] / wall, "mb_s": sample["bytes"] / 1e6 / wall, "tokens_s": tokens / wall}


def run_bench(docs: int = 5000, workers: Optional[int] = None, corpus: Optional[str] = None,
              skip_e2e: bool = False, breakdown: bool = True, config: Optional[str] = None,
              batch_size: int = BATCH_SIZE, repeat: int = 1, out: Callable[[str], None] = print) -> dict:
    """Run the benchmark, print its table with ``out`` and return the numbers."""
    corpus_path = Path(corpus) if corpus else DEFAULT_CORPUS
    if not corpus_path.is_file():
        raise FileNotFoundError(f"corpus not found: {corpus_path} (use --corpus PATH)")
    workers = workers or os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="isnad-bench-"))
    try:
        sample_path = tmp / "sample.jsonl"
        sample = write_sample(corpus_path, docs, sample_path)
        if not sample["docs"]:
            raise ValueError(f"no documents with text in {corpus_path}")
        results: dict = {"options": {"docs": docs, "workers": workers, "corpus": str(corpus_path),
                                     "skip_e2e": skip_e2e, "batch_size": batch_size, "repeat": repeat,
                                     "config": config},
                         "sample": sample, "phases": {}}

        def best(phase: str) -> dict:  # fastest of ``repeat`` runs, peak RSS the highest
            runs = [run_phase(phase, str(sample_path), config, batch_size) for _ in range(max(1, repeat))]
            r = min(runs, key=lambda x: x["wall"])
            r["peak_rss_mb"] = max(x["peak_rss_mb"] for x in runs)
            return r

        a = best("tokenize")
        b = best("pipeline")
        results["phases"]["tokenize"] = {**a, **_rates(a, sample, a["tokens"])}
        b["tokens"] = a["tokens"]  # the same texts: rates in spaCy tokens per second
        results["phases"]["pipeline"] = {**b, **_rates(b, sample, b["tokens"])}
        if not skip_e2e:
            runs = []
            for k in range(max(1, repeat)):
                out_dir = tmp / f"out{k}"
                runs.append(run_e2e(str(sample_path), workers, config, out_dir))
                shutil.rmtree(out_dir, ignore_errors=True)
            c = min(runs, key=lambda x: x["wall"])
            c["peak_rss_mb"] = max(x["peak_rss_mb"] for x in runs)
            results["phases"]["e2e"] = {**c, **_rates(c, sample, b["tokens"])}
        if breakdown:
            results["breakdown"] = run_phase("breakdown", str(sample_path), config, batch_size)["parts"]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ph = results["phases"]
    ratios = {"b/a": ph["tokenize"]["wall"] / ph["pipeline"]["wall"],
              "b/a_cpu": ph["tokenize"]["cpu"] / max(ph["pipeline"]["cpu"], 1e-9)}
    if "e2e" in ph:
        ratios["c/b"] = ph["pipeline"]["wall"] / ph["e2e"]["wall"]
    results["ratios"] = ratios
    for line in format_report(results):
        out(line)
    return results


def format_report(r: dict) -> list[str]:
    o, s, ph = r["options"], r["sample"], r["phases"]
    lines = [
        "isnad benchmark",
        f"  corpus   {o['corpus']}",
        f"  sample   {s['docs']} documents (--docs {o['docs']}), {s['bytes'] / 1e6:.1f} MB UTF-8, "
        f"{s['chars']:,} characters",
        f"  options  --workers {o['workers']}  --batch-size {o['batch_size']}  --repeat {o['repeat']}"
        f"{'  --skip-e2e' if o['skip_e2e'] else ''}{'  --config ' + o['config'] if o['config'] else ''}",
        f"  machine  {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end",
        "",
        f"  {'phase':34} {'wall s':>8} {'cpu s':>8} {'docs/s':>9} {'MB/s':>7} {'tokens/s':>10} {'peak RSS':>10}"
        f" {'at start':>9}",
    ]
    names = {"tokenize": "(a) spacy.blank('ar') tokenise",
             "pipeline": "(b) pipeline + Parquet, 1 process",
             "e2e": "(c) end to end + Parquet"}
    for key in PHASES:
        if key not in ph:
            continue
        p = ph[key]
        label = names[key]
        if key == "e2e":
            label += f", {p['workers']} w"
        lines.append(f"  {label:34} {p['wall']:8.2f} {p['cpu']:8.2f} {p['docs_s']:9.0f} {p['mb_s']:7.2f} "
                     f"{p['tokens_s']:10.0f} {p['peak_rss_mb']:7.0f} MB"
                     + (f" {p['start_rss_mb']:6.0f} MB" if "start_rss_mb" in p else ""))
    lines.append("  (at start: RSS before the timed loop, with the sample's texts loaded and the "
                 "pipeline built)")
    lines.append("")
    ra = r["ratios"]
    lines.append(f"  (b)/(a) speed  {ra['b/a']:.2f}  (target >= 1.0; on CPU time {ra['b/a_cpu']:.2f})")
    if "c/b" in ra:
        e = ph["e2e"]
        lines.append(f"  (c)/(b) speed  {ra['c/b']:.2f}  ({e['workers']} worker(s); peak RSS of one process "
                     f"{e['peak_rss_one_mb']:.0f} MB)")
        if not e["workers_option"]:
            lines.append("  note: run.py has no --workers option: (c) ran with its default (1 worker)")
        lines.append(f"  (c) command    {e['command']}")
    if "quotes" in ph.get("pipeline", {}):
        lines.append(f"  quotes found   {ph['pipeline']['quotes']} in (b)")
    if ph.get("pipeline", {}).get("failed"):
        lines.append(f"  FAILED         {ph['pipeline']['failed']} document(s) raised in (b) and were rejected "
                     "(E108), as a run rejects them")
    bd = r.get("breakdown")
    if bd:
        total = sum(bd.values()) or 1e-9
        lines += ["", f"  where (b)'s CPU time goes ({s['docs']} documents, {total:.2f} s):",
                  f"  {'component':22} {'cpu s':>8} {'share':>7} {'us/doc':>8}"]
        for name, sec in bd.items():
            lines.append(f"  {name:22} {sec:8.3f} {100 * sec / total:6.1f}% {1e6 * sec / s['docs']:8.0f}")
        stages = total - bd.get("tokenizer", 0.0)
        lines.append(f"  {'all but tokenizer':22} {stages:8.3f} {100 * stages / total:6.1f}%")
    return lines


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog("bench"),
        description="Benchmark on the same articles: (a) bare spacy.blank('ar') tokenisation, "
                    "(b) the full pipeline in one process, (c) end to end with Parquet writing "
                    "and N workers. Prints docs/s, MB/s, tokens/s, peak RSS and the ratios "
                    "(b)/(a) and (c)/(b).")
    ap.add_argument("--docs", type=int, default=5000,
                    help="number of articles, the first of the corpus (default 5000; 0 = all)")
    ap.add_argument("--workers", type=int, default=None,
                    help=f"workers for (c) (default: all cores, here {os.cpu_count()})")
    ap.add_argument("--corpus", default=None,
                    help=f"JSONL(.gz) corpus with id and text (default: {DEFAULT_CORPUS})")
    ap.add_argument("--skip-e2e", action="store_true", help="skip (c), the end-to-end run")
    ap.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                    help="skip the per-stage breakdown of (b)")
    ap.add_argument("--config", default=None, help="TOML configuration (default: config/isnad.toml)")
    ap.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="nlp.pipe batch size for (a) and (b)")
    ap.add_argument("--repeat", type=int, default=1, help="run each phase R times, keep the fastest")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the numbers as JSON")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.docs < 0 or (args.workers is not None and args.workers < 1) or args.repeat < 1:
        print("bench: --docs must be >= 0, --workers and --repeat >= 1", file=sys.stderr)
        return 2
    try:
        res = run_bench(docs=args.docs, workers=args.workers, corpus=args.corpus, skip_e2e=args.skip_e2e,
                        breakdown=args.breakdown, config=args.config, batch_size=args.batch_size,
                        repeat=args.repeat)
    except (FileNotFoundError, ValueError, RuntimeError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0
