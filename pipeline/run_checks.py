"""What a run checks before it writes anything, and how a failed write is told.

- the inputs: every argument usable, something to read (E107, E113, E114);
- the options (E006);
- what it reads of the configuration file: the output compression, and a fingerprint of
  the file and the lexicons beside it (an unchanged configuration is not validated again);
- a write that failed: a full disk or a file-size limit (E207), no permission (E202).
"""
from __future__ import annotations

import errno
import hashlib
import resource
import sqlite3
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from stages.errors import ConfigError, RunError, make
from stages.lexicon import DEFAULT_CONFIG  # the checkout's, or an installed wheel's

from .io import SUFFIXES, expand_inputs

if TYPE_CHECKING:
    from .runner import RunOptions


def _input_files(inputs: list[str], out: Path) -> tuple[list[Path], list[str]]:
    """The files to read, and notes for the user; ConfigError (E107/E113/E114) when an
    argument is unusable or there is nothing at all to read."""
    found = expand_inputs(inputs, exclude=[out])
    suffixes = ", ".join(SUFFIXES)
    if found.missing:
        raise make(ConfigError, "E107", path=found.missing[0])
    if found.unsupported:
        p = found.unsupported[0]
        hint = ("; a .json file with one article a line is JSONL: rename it .jsonl"
                if p.lower().endswith(".json") else "")
        raise make(ConfigError, "E113", path=p, suffixes=suffixes, hint=hint)
    notes = [f"not reading {p}: it is an isnad output, never read as input" for p in found.skipped]
    if not found.files:
        parts = []
        if found.others:
            parts.append(f"{len(found.others)} file(s) of other types, e.g. {found.others[0]}")
        if found.skipped:
            parts.append(f"isnad output left out: {found.skipped[0]}")
        raise make(ConfigError, "E114", path=", ".join(inputs), suffixes=suffixes,
                   found=("; found " + "; ".join(parts)) if parts else "; the folder is empty")
    return found.files, notes


def _output_error(e: Exception, out: Path) -> RunError:
    """A write that failed: a full disk or a file-size limit (E207), no permission (E202)."""
    if isinstance(e, sqlite3.Error):
        what = str(e)
        path = out / "_isnad" / "manifest.sqlite"
        code = "E202" if "readonly" in what or "unable to open" in what else "E207"
    else:
        what = e.strerror or str(e)
        path = e.filename or out
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            code = "E202"
        elif e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            code = "E207"
        else:
            code = "E207"
            what = f"{type(e).__name__}: {what}"
    if code == "E202":
        return make(RunError, code, path=out, error=f"{what} ({path})")
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if soft != resource.RLIM_INFINITY:  # SQLite says "disk I/O error" when it meets the limit
        what += f"; note the file-size limit of this process (ulimit -f) is {soft:,} bytes"
    return make(RunError, code, path=path, error=what)


def _check_options(opts: RunOptions) -> None:
    if opts.engine not in ("local", "dask"):
        raise make(ConfigError, "E006", section="cli", key="--engine", value=opts.engine, expected='"local" or "dask"')
    if opts.scheduler is not None and opts.engine != "dask":
        raise make(ConfigError, "E006", section="cli", key="--scheduler", value=str(opts.scheduler),
                   expected="only with --engine dask")
    if opts.workers is not None and opts.workers < 1:
        raise make(ConfigError, "E006", section="cli", key="--workers", value=opts.workers, expected="1 or more")
    if opts.batch_size < 1:
        raise make(ConfigError, "E006", section="cli", key="--batch-size", value=opts.batch_size,
                   expected="1 or more")
    if opts.inputs.max_chars < 1:
        raise make(ConfigError, "E006", section="cli", key="--max-chars", value=opts.inputs.max_chars,
                   expected="1 or more")
    if not 0 <= opts.inputs.max_seconds < float("inf"):
        raise make(ConfigError, "E006", section="cli", key="--max-seconds", value=opts.inputs.max_seconds,
                   expected="seconds >= 0 (0: no budget)")


def _compression(cfg: str | None) -> str:
    try:
        with open(cfg or DEFAULT_CONFIG, "rb") as f:
            return str(tomllib.load(f).get("output", {}).get("compression", "zstd"))
    except (OSError, tomllib.TOMLDecodeError):
        return "zstd"  # build_nlp reports the problem properly


def _config_fingerprint(cfg: str | None) -> str | None:
    """Content of the configuration file and size/mtime of every file beside it (the
    lexicons): a run with nothing to process skips re-validating an unchanged one."""
    path = Path(cfg or DEFAULT_CONFIG)
    if not path.is_file():
        return None
    h = hashlib.sha256(path.read_bytes())
    for f in sorted(path.parent.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
