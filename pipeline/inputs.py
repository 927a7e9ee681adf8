"""Which files the INPUT arguments name: supported files, in a stable order, never an
isnad output (an ``--out`` folder kept inside the input folder, or a Parquet table
isnad wrote, would otherwise be read back as articles)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .fields import path_str

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet")
STATE_DIR = "_isnad"  # an isnad output folder holds it (pipeline.manifest)


def supported(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


@dataclass
class InputFiles:
    """What the INPUT arguments name: the files to read, and what is wrong or left out."""

    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # E107
    unsupported: list[str] = field(default_factory=list)  # E113: a file of another type, named directly
    others: list[str] = field(default_factory=list)  # files of other types inside the folders
    skipped: list[str] = field(default_factory=list)  # isnad output folders and tables: never input


def is_output_folder(d: Path) -> bool:
    """An isnad output folder: it holds ``_isnad/`` (the manifest and the lock)."""
    return (d / STATE_DIR).is_dir()


def written_by_isnad(path: Path) -> bool:
    """A Parquet file one of isnad's own tables (its schema says so): never read as input."""
    if not path.name.lower().endswith(".parquet"):
        return False
    try:
        import pyarrow.parquet as pq
        meta = pq.read_schema(path).metadata or {}
    except Exception:  # noqa: BLE001 - unreadable: the reader rejects it (E111)
        return False
    return b'"library": "isnad"' in meta.get(b"pandas", b"")


def expand_inputs(paths: list[str], exclude: Iterable[Path] = ()) -> InputFiles:
    """Files to read (each once, in a stable order).  Folders are walked without their
    hidden entries, and never into an isnad output folder (``exclude``, e.g. ``--out``,
    or any folder holding ``_isnad/``) nor into a Parquet table isnad wrote: an output
    folder kept inside the input folder is not read back as articles."""
    res = InputFiles()
    excluded = {p.resolve() for p in exclude}
    seen: set[Path] = set()

    def take(f: Path) -> None:
        key = f.resolve()
        if key in seen:
            return
        seen.add(key)
        if written_by_isnad(f):
            res.skipped.append(path_str(f))
        else:
            res.files.append(f)

    for p in paths:
        path = Path(p)
        if path.is_dir():
            if path.resolve() in excluded or is_output_folder(path):
                res.skipped.append(path_str(path))
                continue
            found = []
            for root, dirs, names in os.walk(path):
                r = Path(root)
                keep = []
                for d in sorted(dirs):
                    sub = r / d
                    if d.startswith("."):
                        continue
                    if sub.resolve() in excluded or is_output_folder(sub):
                        res.skipped.append(path_str(sub))
                        continue
                    keep.append(d)
                dirs[:] = keep
                for name in sorted(names):
                    f = r / name
                    if name.startswith(".") or not f.is_file():
                        continue
                    if supported(f):
                        found.append(f)
                    else:
                        res.others.append(path_str(f))
            for f in sorted(found):  # the order of earlier versions (sorted paths)
                take(f)
        elif path.is_file():
            if supported(path):
                take(path)
            else:
                res.unsupported.append(p)
        else:
            res.missing.append(p)
    return res


