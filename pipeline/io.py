"""Read input documents: .txt, .jsonl / .jsonl.gz, .csv / .csv.gz, .parquet, and folders of them.

Bad input never stops a batch: every problem becomes a :class:`Rejection` with a
reason code (see stages/errors.py) that ends up in the ``rejected`` table.

Encodings seen in Arabic archives are detected per file (per line for JSONL):
UTF-8, UTF-8 with BOM, UTF-16 with BOM (LE/BE) and Windows-1256.  A file that is
none of these (broken UTF-8, random bytes) is rejected with a reason rather than
decoded by guesswork.  HTML-ish text (tags, entities) is cleaned before processing.

Every item carries ``content_hash``: a fingerprint of what would be processed (text
and metadata for a record, the raw bytes for a rejection), which the run manifest
compares to skip unchanged documents.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from stages.errors import MESSAGES

from .extract import Record

SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".parquet")
ID_FIELDS = ("id", "doc_id")
TEXT_FIELDS = ("text",)
MAX_CHARS = 1_000_000  # spaCy's own default nlp.max_length


@dataclass
class Rejection:
    doc_id: str
    source_path: str
    reason: str  # error code, e.g. E103
    message: str
    content_hash: str = ""


Item = Union[Record, Rejection]


@dataclass(frozen=True)
class InputOptions:
    """How to find ids and text in records, and what is too large."""

    id_fields: tuple[str, ...] = ID_FIELDS
    text_fields: tuple[str, ...] = TEXT_FIELDS
    max_chars: int = MAX_CHARS
    clean_html: bool = True


DEFAULT_OPTIONS = InputOptions()


def reject(doc_id: str, path, code: str, content_hash: str = "", /, **kw) -> Rejection:
    """A Rejection with the message registered for ``code`` (formatted with ``kw``)."""
    return Rejection(doc_id, str(path), code, f"[{code}] " + MESSAGES[code].format(**kw), content_hash)


def sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def record_hash(rec: Record) -> str:
    """Fingerprint of everything a record contributes to the output tables."""
    meta = "\x1f".join(v or "" for v in (rec.title, rec.url, rec.outlet, rec.date))
    return sha(rec.text + "\x1e" + meta)


def supported(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def expand_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files to read (each once, in a stable order), and the arguments that are
    neither a supported file nor a folder."""
    files, bad, seen = [], [], set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*") if f.is_file() and supported(f)
                           and not any(part.startswith(".") for part in f.relative_to(path).parts))
        elif path.is_file() and supported(path):
            found = [path]
        else:
            bad.append(p)
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, bad


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


# --------------------------------------------------------------------------- decoding

BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CTRL = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"


def looks_binary(raw: bytes) -> bool:
    """NUL bytes, or more than 5 % control characters (tabs and newlines aside).  Real
    articles carry a few stray controls (SUB, U+001A, from old conversions): not binary."""
    if not raw:
        return False
    if b"\x00" in raw:
        return True
    n_ctrl = len(raw) - len(raw.translate(None, _CTRL))
    return n_ctrl > max(2, len(raw) // 20)


def _arabic_share(text: str) -> float:
    """Share of the non-ASCII letters that are Arabic (U+0600–U+06FF, presentation forms)."""
    letters = arabic = 0
    for ch in text:
        if ord(ch) < 128:
            continue
        if ch.isalpha():
            letters += 1
            if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufefc":
                arabic += 1
    return arabic / letters if letters else 0.0


def detect_decode(raw: bytes) -> tuple[str | None, str]:
    """``(text, encoding)`` or ``(None, error_code)``: E102 undecodable, E106 binary."""
    for bom, enc in BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(enc)
            except UnicodeDecodeError:
                return None, "E102"
            if enc != "utf-8" and looks_binary(text.encode("utf-8")):
                return None, "E106"
            return (None, "E106") if enc == "utf-8" and looks_binary(raw) else (text, enc)
    if looks_binary(raw):
        return None, "E106"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few broken sequences is damaged UTF-8, not Windows-1256:
    # decoding it as 1256 would give mojibake (ط§ظ„...) that still looks Arabic.
    lossy = raw.decode("utf-8", "replace")
    n_bad = lossy.count("\ufffd")
    n_good = sum(1 for ch in lossy if ord(ch) > 127) - n_bad
    if n_good > n_bad:
        return None, "E102"
    try:
        text = raw.decode("cp1256")
    except UnicodeDecodeError:
        return None, "E102"
    if _arabic_share(text) >= 0.8:
        return text, "cp1256"
    return None, "E102"


# --------------------------------------------------------------------------- cleaning

_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")
_DROP_BLOCKS = re.compile(r"<(script|style|head|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote|p|div|li|h[1-6]|tr|blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_NEWLINES = re.compile(r"[ \t]*\n[ \t\n]*\n[ \t\n]*")


def looks_html(text: str) -> bool:
    return ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def clean_html(text: str) -> str:
    """Tags out (block tags become line breaks), entities decoded; plain text unchanged."""
    if not looks_html(text):
        return text
    text = _DROP_BLOCKS.sub(" ", text)
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text)
    return text.strip()


def _finish(doc_id: str, text, path, options: InputOptions, raw_hash: str | Callable[[], str],
            **meta) -> Item:
    """Common checks for a decoded document, then a Record.  ``raw_hash``: the
    fingerprint a rejection gets (or a function computing it, called only then)."""

    def no(code: str, **kw) -> Rejection:
        return reject(doc_id, path, code, raw_hash if isinstance(raw_hash, str) else raw_hash(), **kw)

    if text is None:
        return no("E104", fields=", ".join(options.text_fields))
    if not isinstance(text, str):
        return no("E105", type=type(text).__name__)
    if len(text) > options.max_chars:
        return no("E110", n_chars=len(text), limit=options.max_chars)
    if options.clean_html:
        text = clean_html(text)
        meta = {k: (html.unescape(v) if v and "&" in v else v) for k, v in meta.items()}
    if not text.strip():
        return no("E101")
    if _CTRL_CHARS.search(text):
        if _binary_text(text):
            return no("E106")
        text = _CTRL_CHARS.sub(" ", text)  # stray controls become spaces: offsets do not move
    return Record(doc_id, text, str(path), **meta)


_CTRL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _binary_text(text: str) -> bool:
    """NUL, or more than 5 % control characters (in the first 20,000 characters)."""
    sample = text[:20000]
    if "\x00" in sample:
        return True
    n = len(_CTRL_CHARS.findall(sample))
    return n > max(2, len(sample) // 20)


def _with_hash(item: Item) -> Item:
    if isinstance(item, Record):
        item.extra["content_hash"] = record_hash(item)
    return item


def content_hash(item: Item) -> str:
    if isinstance(item, Record):
        return item.extra.get("content_hash") or record_hash(item)
    return item.content_hash


# --------------------------------------------------------------------------- readers


def _read_txt(path: Path, options: InputOptions) -> Iterator[Item]:
    doc_id = path.stem
    try:
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


def _read_jsonl(path: Path, options: InputOptions) -> Iterator[Item]:
    try:
        f = _open_binary(path)
        head = f.peek(4096)[:4096] if hasattr(f, "peek") else b""
    except OSError as e:
        yield reject(path.name, path, "E111", kind="JSONL", error=str(e))
        return
    with f:
        utf16 = next((enc for bom, enc in BOMS[1:] if head.startswith(bom)), None)
        if utf16 is None and looks_binary(head):
            yield reject(path.name, path, "E106", sha(head))
            return
        lines: Iterator[bytes] = f
        if utf16:  # re-encode UTF-16 lines as UTF-8 so one code path handles both
            lines = (ln.encode("utf-8") for ln in io.TextIOWrapper(f, encoding="utf-16", errors="strict"))
        n = 0
        try:
            for lineno, raw in enumerate(lines, 1):
                if lineno == 1 and raw.startswith(BOMS[0][0]):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                n += 1
                yield _jsonl_item(raw, lineno, path, options)
        except (UnicodeDecodeError, EOFError, OSError, gzip.BadGzipFile) as e:
            code = "E102" if isinstance(e, UnicodeDecodeError) else "E111"
            yield reject(f"{path.name}:tail", path, code, "", kind="JSONL", error=str(e))
            return
    if n == 0:
        yield reject(path.name, path, "E101", sha(b""))


def _jsonl_item(raw: bytes, lineno: int, path: Path, options: InputOptions) -> Item:
    fallback_id = f"{path.name}:{lineno}"
    line, code = detect_decode(raw)
    if line is None:
        return reject(fallback_id, path, code, sha(raw))
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return reject(fallback_id, path, "E103", sha(raw), line=lineno, error=e.msg)
    if not isinstance(obj, dict):
        return reject(fallback_id, path, "E103", sha(raw), line=lineno, error="not a JSON object")
    return record_from_obj(obj, path, fallback_id, options, lambda: sha(raw))


def record_from_obj(obj: dict, path, fallback_id: str, options: InputOptions = DEFAULT_OPTIONS,
                    raw_hash: str | Callable[[], str] | None = None) -> Item:
    doc_id = next((_id(obj[k]) for k in options.id_fields if obj.get(k) not in (None, "")), fallback_id)
    text = next((obj[k] for k in options.text_fields if k in obj), None)
    item = _finish(doc_id, text, path, options, raw_hash or (lambda: _obj_hash(obj)),
                   title=_s(obj.get("title")), url=_s(obj.get("url")),
                   outlet=_s(obj.get("source") or obj.get("outlet")), date=_s(obj.get("date")))
    return _with_hash(item)


def _obj_hash(obj: dict) -> str:
    return sha(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str))


def _id(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return unicodedata.normalize("NFC", str(v)).strip()


def _s(v) -> str | None:
    if v is None or (isinstance(v, float) and v != v):  # None or NaN
        return None
    return str(v)


def _read_csv(path: Path, options: InputOptions) -> Iterator[Item]:
    csv.field_size_limit(max(options.max_chars * 4, 1 << 20))
    try:
        with _open_binary(path) as f:
            head = f.read(65536)
    except OSError as e:
        yield reject(path.name, path, "E111", kind="CSV", error=str(e))
        return
    if not head.strip():
        yield reject(path.name, path, "E101", sha(head))
        return
    # Decide the encoding on the first 64 KB (cut back to a line end so that a
    # multi-byte character is never split), then stream the whole file with it.
    enc = next((e for bom, e in BOMS[1:] if head.startswith(bom)), None)
    if enc is None:
        cut = head.rfind(b"\n") if len(head) == 65536 else len(head)
        text, enc = detect_decode(head[:cut if cut > 0 else len(head)])
        if text is None:
            yield reject(path.name, path, enc, sha(head))
            return
    enc = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(enc, enc)
    with _open_binary(path) as f:
        reader = csv.DictReader(io.TextIOWrapper(f, encoding=enc, newline=""))
        try:
            fields = reader.fieldnames or []
            if not any(k in fields for k in options.text_fields):
                yield reject(path.name, path, "E104", sha(head), fields=", ".join(options.text_fields))
                return
            n = 0
            for rowno, row in enumerate(reader, 2):
                n += 1
                obj = {k: v for k, v in row.items() if k is not None}
                yield record_from_obj(obj, path, f"{path.name}:{rowno}", options)
        except (UnicodeDecodeError, csv.Error, OSError, EOFError) as e:
            code = "E102" if isinstance(e, UnicodeDecodeError) else "E111"
            yield reject(f"{path.name}:tail", path, code, "", kind="CSV", error=str(e))
            return
    if n == 0:
        yield reject(path.name, path, "E101", sha(head))


def _read_parquet(path: Path, options: InputOptions) -> Iterator[Item]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
    except Exception as e:  # noqa: BLE001 - any reader error is a bad file, not a crash
        yield reject(path.name, path, "E111", sha(str(e)), kind="Parquet", error=str(e)[:200])
        return
    if not any(k in names for k in options.text_fields):
        yield reject(path.name, path, "E104", sha(str(names)), fields=", ".join(options.text_fields))
        return
    wanted = [c for c in names if c in set(options.id_fields) | set(options.text_fields)
              | {"title", "url", "source", "outlet", "date"}]
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=1000, columns=wanted):
            for obj in batch.to_pylist():
                n += 1
                yield record_from_obj(obj, path, f"{path.name}:{n}", options)
    except Exception as e:  # noqa: BLE001
        yield reject(f"{path.name}:tail", path, "E111", "", kind="Parquet", error=str(e)[:200])
        return
    if n == 0:
        yield reject(path.name, path, "E101", sha(str(names)))
