"""``python run.py claims --out DIR [--rebuild]``: build the claims of an output folder now.

Every run already builds them after its batches (:mod:`pipeline.claims`); this command
is for an output folder written before claims existed, after changing ``[claims]`` in
the configuration (``--rebuild`` forgets the ids given so far), or to time a build.
It takes the folder's lock and finishes what a killed run left, like a run does.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stages.errors import IsnadError

from . import prog
from ..derived import update
from ..manifest import OutputLock
from ..recovery import open_manifest, recover
from ..runner import _compression


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=prog("claims"),
        description="Group the quotes (nested ones too) of an isnad output folder into claims (the same content, "
                    "spelling aside, or a near-duplicate of it) and write OUT/claims/ and quotes.claim_id.",
        epilog="exit codes: 0 built, 2 usage error or no isnad output in DIR, 75 DIR locked by a run")
    ap.add_argument("--out", required=True, type=Path, help="an isnad output folder")
    ap.add_argument("--config", default=None, help="TOML configuration with a [claims] section (default: built in)")
    ap.add_argument("--rebuild", action="store_true",
                    help="forget the claim ids given so far and cluster every quote again")
    ap.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                    help="wait up to this long for a running isnad run to finish")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    out = args.out
    if not (out / "quotes").is_dir():
        print(f"isnad claims: {out} has no isnad output (no {out / 'quotes'}/)", file=sys.stderr)
        return 2
    compression = _compression(args.config)
    try:
        with OutputLock(out, args.wait):
            warn = lambda msg: print(f"isnad claims: {msg}", file=sys.stderr)  # noqa: E731
            manifest = open_manifest(out, warn, compression)
            try:
                recover(out, manifest, warn, compression)
                stats = update(out, manifest.db, args.config, compression, force=True, rebuild=args.rebuild)
            finally:
                manifest.close()
    except IsnadError as e:
        print(f"isnad claims: {e}", file=sys.stderr)
        return 75 if e.code == "E201" else 2
    if args.json:
        print(json.dumps(stats))
    else:
        print(f"isnad claims: {stats['claims']} claims from {stats['quotes']} quotes: "
              f"{stats['multi_document']} in two or more documents, {stats['multi_outlet']} across outlets; "
              f"{stats['assigned']} quotes (re)assigned, {stats['rewritten_parts']} quote parts rewritten, "
              f"{stats['seconds']:.1f} s -> {out / 'claims'}")
    return 0
