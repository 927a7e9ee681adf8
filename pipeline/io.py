"""Read input documents: .txt, .jsonl / .jsonl.gz, .csv / .csv.gz, .parquet, and folders of them.

Bad input never stops a batch: every problem becomes a :class:`Rejection` with a
reason code (see stages/errors.py) that ends up in the ``rejected`` table.  Decoding
and HTML clean-up live in :mod:`pipeline.decode`, field names and metadata checks in
:mod:`pipeline.fields`, and what makes one object a record or a rejection in
:mod:`pipeline.records`; this module reads the files.

Every item carries ``content_hash``: a fingerprint of what would be processed (text
and metadata for a record, the raw bytes for a rejection), which the run manifest
compares to skip unchanged documents.

Size is checked while reading: a ``.txt`` file that cannot hold ``max_chars`` or fewer
characters is refused from its size, and a JSONL line is read at most
:func:`line_limit` bytes at a time, the rest of an oversized line being skipped
unread into memory (a 1 MB ``.jsonl.gz`` can hold a 1.2 GB line).
"""
from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
from pathlib import Path
from typing import Iterable, Iterator

from .decode import BOMS, clean_html, detect_decode, looks_binary  # noqa: F401 (clean_html: re-exported)
from .inputs import SUFFIXES, InputFiles, expand_inputs, supported  # noqa: F401 (re-exported)
from .fields import (DEFAULT_OPTIONS, ID_FIELDS, MAX_CHARS, TEXT_FIELDS, InputOptions,  # noqa: F401
                     json_type, path_str)
# one record's checks and fingerprint (Rejection, content_hash: re-exported)
from .records import (Item, Rejection, _columns, _finish, _with_hash, content_hash,  # noqa: F401
                      record_from_obj, reject, sha)


def read_file(path: Path, options: InputOptions = DEFAULT_OPTIONS) -> Iterator[Item]:
    name = path.name.lower()
    if name.endswith(".txt"):
        yield from _read_txt(path, options)
    elif name.endswith((".jsonl", ".jsonl.gz")):
        yield from _read_jsonl(path, options)
    elif name.endswith((".csv", ".csv.gz")):
        yield from _read_csv(path, options)
    elif name.endswith(".parquet"):
        yield from _read_parquet(path, options)


def read_inputs(files: Iterable[Path], options: InputOptions = DEFAULT_OPTIONS) -> Iterator[Item]:
    for f in files:
        yield from read_file(f, options)




# --------------------------------------------------------------------------- readers

def line_limit(max_chars: int) -> int:
    """Bytes a JSONL line may take for its text to hold ``max_chars`` characters: up to
    12 per character (``\\ud83d\\ude00`` escapes), plus 1 MiB of metadata."""
    return 12 * max_chars + (1 << 20)


def _read_txt(path: Path, options: InputOptions) -> Iterator[Item]:
    doc_id = path_str(path.stem)
    try:
        size = path.stat().st_size
        # every supported encoding takes at most 4 bytes a character: a bigger file cannot
        # fit, and is refused without being read into memory
        if size > 4 * options.max_chars + 4:
            yield reject(doc_id, path, "E110", sha(f"{size}:{path.stat().st_mtime_ns}"),
                         size=f"{size:,} bytes", limit=options.max_chars)
            return
        raw = path.read_bytes()
    except OSError as e:
        yield reject(doc_id, path, "E111", kind="text", error=e.strerror or str(e))
        return
    h = sha(raw)
    if not raw.strip():
        yield reject(doc_id, path, "E101", h)
        return
    text, enc = detect_decode(raw)
    if text is None:
        yield reject(doc_id, path, enc, h)
        return
    yield _with_hash(_finish(doc_id, text, path, options, h))


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _bounded_lines(f, limit: int) -> Iterator[tuple[bytes | str | None, int]]:
    """``(line, size)`` for every line of ``f``; ``line`` is None for a line longer than
    ``limit``, whose rest is read and dropped in 1 MiB pieces (never held whole)."""
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n" if isinstance(line, bytes) else "\n"):
            yield line, len(line)
            continue
        size = len(line)
        nl = b"\n" if isinstance(line, bytes) else "\n"
        while True:
            chunk = f.readline(1 << 20)
            size += len(chunk)
            if not chunk or chunk.endswith(nl):
                break
        yield None, size


def _read_jsonl(path: Path, options: InputOptions) -> Iterator[Item]:
    name = path_str(path.name)
    try:
        f = _open_binary(path)
        head = f.peek(4096)[:4096] if hasattr(f, "peek") else b""
    except OSError as e:
        yield reject(name, path, "E111", kind="JSONL", error=str(e))
        return
    limit = line_limit(options.max_chars)
    with f:
        utf16 = next((enc for bom, enc in BOMS[1:] if head.startswith(bom)), None)
        if utf16 is None and looks_binary(head):
            yield reject(name, path, "E106", sha(head))
            return
        # UTF-16 lines are read as text (at most ``limit`` characters) and re-encoded as
        # UTF-8, so that one code path handles both
        lines = _bounded_lines(io.TextIOWrapper(f, encoding="utf-16", errors="strict") if utf16 else f, limit)
        n = 0
        try:
            for lineno, (raw, size) in enumerate(lines, 1):
                if raw is None:
                    n += 1
                    yield reject(f"{name}:{lineno}", path, "E110", sha(f"{lineno}:{size}"),
                                 size=f"line {lineno} holds {size:,} bytes", limit=options.max_chars)
                    continue
                if utf16:
                    raw = raw.encode("utf-8")
                if lineno == 1 and raw.startswith(BOMS[0][0]):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                n += 1
                yield _jsonl_item(raw, lineno, path, options)
        except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile) as e:
            code = "E102" if isinstance(e, UnicodeDecodeError) else "E111"
            yield reject(f"{name}:tail", path, code, "", kind="JSONL", error=str(e))
            return
    if n == 0:
        yield reject(name, path, "E101", sha(b""))


def _jsonl_item(raw: bytes, lineno: int, path: Path, options: InputOptions) -> Item:
    fallback_id = f"{path_str(path.name)}:{lineno}"
    line, code = detect_decode(raw)
    if line is None:
        return reject(fallback_id, path, code, sha(raw))
    try:
        obj = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as e:
        # e.msg alone ("Expecting value") leaves the sentence hanging: say where (some
        # messages end with "at" already: "Unterminated string starting at")
        return reject(fallback_id, path, "E103", sha(raw), line=lineno,
                      error=f"{e.msg.lower().removesuffix(' at')} at column {e.colno}")
    except RecursionError:
        return reject(fallback_id, path, "E103", sha(raw), line=lineno, error="nested too deeply")
    if not isinstance(obj, dict):
        return reject(fallback_id, path, "E103", sha(raw), line=lineno,
                      error=f"a JSON {json_type(obj)}, not an object")
    # a lone surrogate can only come from a \u escape: most lines (UTF-8 text) have none
    return record_from_obj(obj, path, fallback_id, options, lambda: sha(raw), check_chars=b"\\u" in raw)


def csv_delimiter(header: str) -> str:
    """The header line's separator: a comma, else whichever of ``;`` (spreadsheets in
    many locales), tab or ``|`` it holds most.  A semicolon file read with commas was
    one column named ``id;text;title``, rejected as having no text field."""
    if "," in header:
        return ","
    n, sep = max((header.count(c), c) for c in ";\t|")
    return sep if n else ","


def _read_csv(path: Path, options: InputOptions) -> Iterator[Item]:
    csv.field_size_limit(max(options.max_chars * 4, 1 << 20))
    try:
        with _open_binary(path) as f:
            head = f.read(65536)
    except OSError as e:
        yield reject(path_str(path.name), path, "E111", kind="CSV", error=str(e))
        return
    if not head.strip():
        yield reject(path_str(path.name), path, "E101", sha(head))
        return
    # Decide the encoding on the first 64 KB (cut back to a line end so that a
    # multi-byte character is never split), then stream the whole file with it.
    enc = next((e for bom, e in BOMS[1:] if head.startswith(bom)), None)
    if enc is None:
        cut = head.rfind(b"\n") if len(head) == 65536 else len(head)
        text, enc = detect_decode(head[:cut if cut > 0 else len(head)])
        if text is None:
            yield reject(path_str(path.name), path, enc, sha(head))
            return
    enc = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(enc, enc)
    with _open_binary(path) as f:
        lines = io.TextIOWrapper(f, encoding=enc, newline="")
        try:
            header = lines.readline()
        except (UnicodeDecodeError, OSError, EOFError):
            header = ""  # said below, by the reader
        reader = csv.DictReader(itertools.chain([header], lines), delimiter=csv_delimiter(header))
        try:
            fields = reader.fieldnames or []
            if not any(k in fields for k in options.text_fields):
                yield reject(path_str(path.name), path, "E104", sha(head), fields=", ".join(options.text_fields),
                             columns=_columns(fields))
                return
            n = 0
            for rowno, row in enumerate(reader, 2):
                n += 1
                obj = {k: v for k, v in row.items() if k is not None}
                yield record_from_obj(obj, path, f"{path_str(path.name)}:{rowno}", options)
        except (UnicodeDecodeError, csv.Error, OSError, EOFError) as e:
            code = "E102" if isinstance(e, UnicodeDecodeError) else "E111"
            yield reject(f"{path_str(path.name)}:tail", path, code, "", kind="CSV", error=str(e))
            return
    if n == 0:
        yield reject(path_str(path.name), path, "E101", sha(head))


def _read_parquet(path: Path, options: InputOptions) -> Iterator[Item]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
    except Exception as e:  # noqa: BLE001 - any reader error is a bad file, not a crash
        yield reject(path_str(path.name), path, "E111", sha(str(e)), kind="Parquet", error=str(e)[:200])
        return
    if not any(k in names for k in options.text_fields):
        yield reject(path_str(path.name), path, "E104", sha(str(names)), fields=", ".join(options.text_fields),
                     columns=_columns(names))
        return
    wanted = [c for c in names if c in set(options.id_fields) | set(options.text_fields)
              | options.metadata_fields()]
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=1000, columns=wanted):
            for obj in batch.to_pylist():
                n += 1
                yield record_from_obj(obj, path, f"{path_str(path.name)}:{n}", options)
    except Exception as e:  # noqa: BLE001
        yield reject(f"{path_str(path.name)}:tail", path, "E111", "", kind="Parquet", error=str(e)[:200])
        return
    if n == 0:
        yield reject(path_str(path.name), path, "E101", sha(str(names)))
