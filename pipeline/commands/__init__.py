"""The commands users run on top of the batch core: ``who``, ``report``, ``evaluate``,
``bench``, ``models``.

Each module has a ``main(argv) -> int``; :data:`pipeline.cli.SUBCOMMANDS` is the one
table that lists them.  The batch core (inputs, engines, manifest, writer, runner,
schemas) lives beside this package in :mod:`pipeline`, and never imports it.
"""
import sys as _sys
from pathlib import Path as _Path


def prog(sub: str = "") -> str:
    """The command as the user typed it, for usage lines: ``isnad who`` from the
    installed script, ``run.py who`` otherwise (``isnad --help`` said ``run.py``)."""
    name = "isnad" if _Path(_sys.argv[0]).name == "isnad" else "run.py"
    return f"{name} {sub}".strip()
