"""Command line interface (the CLI uses pipeline/ as a library).

    python run.py [INPUT ...] [--out DIR] [--config FILE]   process articles
    python run.py who NAME --out DIR                         every quote by a speaker
    python run.py report --out DIR [--doc ID ...]            HTML report
    python run.py evaluate GOLD.jsonl [--out DIR]            accuracy on annotated articles
    python run.py bench [--docs N] [--workers N]             benchmark
    python run.py models download                            fetch Stanza Arabic models

Each subcommand lives in its own module with a ``main(argv) -> int``; it is imported
only when used, so the default path stays light (no stanza, no dask, no jinja2).
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from stages.errors import IsnadError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "astana8.txt"

SUBCOMMANDS = {
    "who": ("pipeline.who", "every quote by one speaker across an output folder"),
    "report": ("pipeline.report", "write a self-contained HTML report"),
    "evaluate": ("pipeline.evaluate", "score the pipeline on a gold JSONL file"),
    "bench": ("pipeline.bench", "benchmark tokenisation vs. the full pipeline"),
    "models": ("pipeline.models", "manage optional Stanza models"),
}

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 3, 2


def build_parser() -> argparse.ArgumentParser:
    sub = "\n".join(f"  {k:9} {v[1]}" for k, v in SUBCOMMANDS.items())
    ap = argparse.ArgumentParser(
        prog="run.py",
        description="isnad: who said it, and through whom did it reach us. "
                    "Processes Arabic news articles into Parquet tables of attributed quotes.",
        epilog=f"subcommands (python run.py SUBCOMMAND --help):\n{sub}\n\n"
               f"exit codes: {EXIT_OK} all processed, {EXIT_REJECTED} some documents rejected, "
               f"{EXIT_USAGE} usage or configuration error",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*",
                    help=".txt (one article, doc_id = file stem), .jsonl/.jsonl.gz (one article a line: "
                         "id or doc_id, text, optional title, url, source, date), or folders of them "
                         "(default: the bundled sample examples/astana8.txt)")
    ap.add_argument("--out", default=str(ROOT / "outputs"), help="output folder (default: outputs/)")
    ap.add_argument("--config", default=None, help="TOML configuration (default: config/isnad.toml)")
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        mod = importlib.import_module(SUBCOMMANDS[argv[0]][0])
        try:
            return mod.main(argv[1:])
        except IsnadError as e:
            print(f"isnad: {e}", file=sys.stderr)
            return EXIT_USAGE
    args = build_parser().parse_args(argv)
    from .runner import run_batch, summary
    inputs = args.inputs or [str(SAMPLE)]
    try:
        stats = run_batch(inputs, Path(args.out), args.config)
    except IsnadError as e:
        print(f"isnad: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(summary(stats))
    return EXIT_REJECTED if stats["rejected"] else EXIT_OK
