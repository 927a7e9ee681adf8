"""Command line interface (the CLI uses pipeline/ as a library).

    python run.py [INPUT ...] [--out DIR] [--config FILE]   process articles (also: run.py run INPUT ...)
    python run.py who NAME --out DIR                         every quote by a speaker
    python run.py trace QUERY --out DIR                      a claim's first appearance and travels
    python run.py claims --out DIR [--rebuild]               build the claims now
    python run.py report --out DIR [--doc ID ...]            HTML report
    python run.py evaluate GOLD.jsonl [--out DIR]            accuracy on annotated articles
    python run.py bench [--docs N] [--workers N]             benchmark
    python run.py models download                            fetch Stanza Arabic models
    python run.py models train-names|eval-names              rebuild / score the name recogniser

Each subcommand lives in its own module with a ``main(argv) -> int``; it is imported
only when used, so the default path stays light (no stanza, no dask, no jinja2).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from stages.errors import IsnadError

from stages.lexicon import installed_data

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = installed_data("examples/astana8.txt")
# run.py writes beside the checkout; an installed `isnad` (no checkout) in the current folder
DEFAULT_OUT = ROOT / "outputs" if (ROOT / "examples").is_dir() else Path("outputs")

SUBCOMMANDS = {
    "who": ("pipeline.commands.who", "every quote by one speaker across an output folder"),
    "trace": ("pipeline.commands.trace", "where a claim appeared first and how it travelled across outlets"),
    "claims": ("pipeline.commands.claims", "(re)build the claims of an output folder now"),
    "report": ("pipeline.commands.report", "write a self-contained HTML report"),
    "evaluate": ("pipeline.commands.evaluate", "score the pipeline on a gold JSONL file"),
    "bench": ("pipeline.commands.bench", "benchmark tokenisation vs. the full pipeline"),
    "models": ("pipeline.commands.models", "optional Stanza models; train and evaluate the name recogniser"),
}

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 3, 2
EXIT_BUSY = 75  # EX_TEMPFAIL: OUT is locked by another run; try again later
EXIT_FAILED = 1  # the run broke off (a worker died, the disk is full): committed batches are kept
BROKE_OFF = {"E204", "E207"}


def build_parser() -> argparse.ArgumentParser:
    from .commands import prog
    from .fields import (DATE_FIELDS, ID_FIELDS, MAX_CHARS, MAX_SECONDS, OUTLET_FIELDS, TEXT_FIELDS, TITLE_FIELDS,
                         URL_FIELDS)
    sub = "\n".join(f"  {k:9} {v[1]}" for k, v in SUBCOMMANDS.items())
    ap = argparse.ArgumentParser(
        prog=prog(),
        description="isnad: who said it, and through whom did it reach us. "
                    "Processes Arabic news articles into Parquet tables of attributed quotes.",
        epilog=f"subcommands ({prog('SUBCOMMAND')} --help):\n{sub}\n\n"
               f"exit codes: {EXIT_OK} all processed, {EXIT_REJECTED} some documents rejected, "
               f"{EXIT_USAGE} usage or configuration error, {EXIT_BUSY} output folder locked by another run, "
               f"{EXIT_FAILED} run broke off (re-run to resume)",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*",
                    help=".txt (one article, doc_id = file stem), .jsonl/.jsonl.gz (one article a line: "
                         "id or doc_id, text, optional title, url, source, date), .csv/.csv.gz and .parquet "
                         "(the same columns), or folders of them; UTF-8 (BOM or not), UTF-16 with BOM and "
                         "Windows-1256 are detected (default: the bundled sample examples/astana8.txt)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default: outputs/)")
    ap.add_argument("--config", default=None, help="TOML configuration (default: config/isnad.toml)")
    ap.add_argument("--backend", choices=("rules", "stanza"), default=None,
                    help="override [pipeline] backend of the configuration: rules (default, no model "
                         "download) or stanza (needs pip install '.[stanza]' and python run.py models download)")
    run = ap.add_argument_group("batch runs (incremental: documents already in OUT with the same content are skipped)")
    run.add_argument("--workers", type=int, default=None, metavar="N",
                     help="worker processes (default: all cores; a few documents run in-process)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local process pool (default) or a Dask distributed cluster")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="with --engine dask: scheduler address, e.g. tcp://10.0.0.5:8786 "
                          "(default: a LocalCluster of --workers processes)")
    run.add_argument("--batch-size", type=int, default=500, metavar="N",
                     help="documents per batch and per part file (default: 500); memory follows it")
    run.add_argument("--reprocess", action="store_true", help="process every document, changed or not")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="if another run holds OUT, wait up to this long for it (default: refuse at once)")
    run.add_argument("--quiet", action="store_true", help="no progress and no summary; errors only")
    run.add_argument("--id-field", "--id-column", action="append", default=None, metavar="NAME",
                     help="record field / CSV or Parquet column with the document id "
                          f"(repeatable; default: {', '.join(ID_FIELDS)}; else the path and line)")
    run.add_argument("--text-field", "--text-column", action="append", default=None, metavar="NAME",
                     help=f"field / column with the article text (repeatable; default: {', '.join(TEXT_FIELDS)})")
    for flag, default, what in (("title", TITLE_FIELDS, "the headline"), ("url", URL_FIELDS, "the link"),
                                ("date", DATE_FIELDS, "the publication date (a timestamp, UTC when it has no zone)"),
                                ("outlet", OUTLET_FIELDS, "the publishing outlet (a slug such as aawsat, or a name)")):
        run.add_argument(f"--{flag}-field", f"--{flag}-column", action="append", default=None, metavar="NAME",
                         dest=f"{flag}_field",
                         help=f"field / column with {what} (repeatable; default: {', '.join(default)})")
    run.add_argument("--max-chars", type=int, default=None, metavar="N",
                     help=f"reject longer documents (E110; default: {MAX_CHARS:,})")
    run.add_argument("--max-seconds", type=float, default=None, metavar="S",
                     help=f"reject a document that takes more than S seconds of CPU time in the pipeline "
                          f"(E115; the run goes on; default: {MAX_SECONDS:g}; 0: no budget)")
    return ap


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        pool = sys.modules.get("pipeline.pool_engine")
        if pool is not None and pool.left_running():
            # a pool thread or worker that an abort could not stop: the interpreter's exit
            # would wait on it for ever, so the process ends here, its line said
            sys.stderr.flush()
            os._exit(code)
        return code
    except BrokenPipeError:
        # the reader went away (`isnad who NAME --out OUT | head`): not an error, and no
        # traceback; stdout goes to /dev/null so that Python's own flush at exit is quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK
    except KeyboardInterrupt:
        print("isnad: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the last defence of a command run unattended
        if os.environ.get("ISNAD_DEBUG"):
            raise
        return _unexpected(e)


def _unexpected(e: Exception) -> int:
    """An error no code covers: one line on stderr (E209), the traceback in a file."""
    import tempfile
    import time
    import traceback

    from stages.errors import RunError, make
    text = "".join(traceback.format_exception(e))
    try:
        fd, where = tempfile.mkstemp(prefix=f"isnad-error-{time.strftime('%Y%m%dT%H%M%S')}-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError:  # no room even for that: the traceback goes to stderr
        print(text, file=sys.stderr)
        where = "the lines above"
    err = make(RunError, "E209", error=f"{type(e).__name__}: {str(e)[:300]}", path=where)
    print(f"isnad: {err}", file=sys.stderr)
    return EXIT_FAILED


def _main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "run" and not os.path.exists("run"):
        argv = argv[1:]  # `run.py run INPUT --out DIR`: processing spelled as a subcommand (./run is a path)
    if argv and argv[0] in SUBCOMMANDS:
        mod = importlib.import_module(SUBCOMMANDS[argv[0]][0])
        try:
            return mod.main(argv[1:])
        except IsnadError as e:
            print(f"isnad: {e}", file=sys.stderr)
            return EXIT_USAGE
    args = build_parser().parse_args(argv)
    from .runner import RunOptions, run_batch, summary
    inputs = args.inputs or [str(SAMPLE)]
    config = args.config
    if args.backend:
        from .commands.models import config_with_backend
        config = config_with_backend(args.config, args.backend)
    try:
        opts = RunOptions(
            workers=args.workers, engine=args.engine, scheduler=args.scheduler, batch_size=args.batch_size,
            reprocess=args.reprocess, quiet=args.quiet, wait=args.wait, argv=argv,
            inputs=input_options(args, config))
        stats = run_batch(inputs, Path(args.out), config, opts)
    except IsnadError as e:
        print(f"isnad: {e}", file=sys.stderr)
        return EXIT_BUSY if e.code == "E201" else EXIT_FAILED if e.code in BROKE_OFF else EXIT_USAGE
    except KeyboardInterrupt:
        print("isnad: interrupted; committed batches are kept, the next run resumes", file=sys.stderr)
        return 130
    finally:
        if args.backend:
            import shutil
            shutil.rmtree(Path(config).parent, ignore_errors=True)  # the temporary configuration
    if not args.quiet:
        for note in stats.get("notes") or []:
            print(f"isnad: {note}", file=sys.stderr)
        print(summary(stats))
    return EXIT_REJECTED if stats["rejected"] else EXIT_OK


def input_options(args, config: str | None):
    """Field names and limits: the command line, else ``[input]`` of the configuration,
    else the defaults."""
    from dataclasses import replace

    from .fields import options_from_config
    base = options_from_config(config)
    changes = {f"{k}_fields": tuple(v) for k in ("id", "text", "title", "url", "date", "outlet")
               if (v := getattr(args, f"{k}_field"))}
    if args.max_chars is not None:
        changes["max_chars"] = args.max_chars
    if args.max_seconds is not None:
        changes["max_seconds"] = args.max_seconds
    return replace(base, **changes)
