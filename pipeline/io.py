"""Read input documents: .txt files, .jsonl / .jsonl.gz files, folders of them.

Bad input never stops a batch: every problem becomes a :class:`Rejection` with a
reason code (see stages/errors.py) that ends up in the ``rejected`` table.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Union

from stages.errors import MESSAGES

from .extract import Record

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
ID_FIELDS = ("id", "doc_id")
TEXT_FIELDS = ("text",)


@dataclass
class Rejection:
    doc_id: str
    source_path: str
    reason: str  # error code, e.g. E103
    message: str


Item = Union[Record, Rejection]


def _reject(doc_id: str, path, code: str, **kw) -> Rejection:
    return Rejection(doc_id, str(path), code, f"[{code}] " + MESSAGES[code].format(**kw))


def supported(path: Path) -> bool:
    return path.name.endswith(SUFFIXES)


def expand_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files to read, and the arguments that are neither a supported file nor a folder."""
    files, bad = [], []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(sorted(f for f in path.rglob("*") if f.is_file() and supported(f)))
        elif path.is_file() and supported(path):
            files.append(path)
        else:
            bad.append(p)
    return files, bad


def read_file(path: Path) -> Iterator[Item]:
    name = path.name
    if name.endswith(".txt"):
        yield from _read_txt(path)
    elif name.endswith((".jsonl", ".jsonl.gz")):
        yield from _read_jsonl(path)


def _decode(raw: bytes) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_txt(path: Path) -> Iterator[Item]:
    doc_id = path.stem
    text = _decode(path.read_bytes())
    if text is None:
        yield _reject(doc_id, path, "E102")
    elif not text.strip():
        yield _reject(doc_id, path, "E101")
    else:
        yield Record(doc_id, text, str(path))


def _read_jsonl(path: Path) -> Iterator[Item]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            fallback_id = f"{path.name}:{lineno}"
            line = _decode(raw)
            if line is None:
                yield _reject(fallback_id, path, "E102")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield _reject(fallback_id, path, "E103", line=lineno, error=e.msg)
                continue
            if not isinstance(obj, dict):
                yield _reject(fallback_id, path, "E103", line=lineno, error="not a JSON object")
                continue
            yield record_from_obj(obj, path, fallback_id)


def record_from_obj(obj: dict, path, fallback_id: str) -> Item:
    doc_id = next((str(obj[k]) for k in ID_FIELDS if obj.get(k) not in (None, "")), fallback_id)
    text = next((obj[k] for k in TEXT_FIELDS if k in obj), None)
    if text is None:
        return _reject(doc_id, path, "E104", fields=", ".join(TEXT_FIELDS))
    if not isinstance(text, str):
        return _reject(doc_id, path, "E105", type=type(text).__name__)
    if not text.strip():
        return _reject(doc_id, path, "E101")
    return Record(doc_id, text, str(path), title=_s(obj.get("title")), url=_s(obj.get("url")),
                  outlet=_s(obj.get("source") or obj.get("outlet")), date=_s(obj.get("date")))


def _s(v) -> str | None:
    return None if v is None else str(v)
