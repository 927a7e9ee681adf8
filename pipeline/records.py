"""One record: a decoded object (a JSON line, a CSV row, a Parquet row, a text file) becomes a
:class:`~pipeline.extract.Record` — id, text and metadata checked — or a
:class:`Rejection` with its code, and gets its fingerprint (``content_hash``, see
:mod:`pipeline.io`).  The readers of every format are in :mod:`pipeline.io`.
"""
from __future__ import annotations

import hashlib
import html
import json
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Union

from stages.errors import MESSAGES

from .decode import CTRL_CHARS, binary_text, clean_html
from .extract import Record
from .fields import (DEFAULT_OPTIONS, CONTAINERS, ID_CONTROLS, MAX_ID_CHARS, InputOptions, bad_chars, json_type,
                     parse_date, path_str, printable)


@dataclass
class Rejection:
    doc_id: str
    source_path: str
    reason: str  # error code, e.g. E103
    message: str
    content_hash: str = ""


Item = Union[Record, Rejection]


def reject(doc_id: str, path, code: str, content_hash: str = "", /, **kw) -> Rejection:
    """A Rejection with the message registered for ``code`` (formatted with ``kw``)."""
    # path_str: an OS error may quote a file name with undecodable bytes (lone surrogates
    # in Python), which neither Parquet nor SQLite would take
    return Rejection(path_str(doc_id), path_str(path), code, path_str(f"[{code}] " + MESSAGES[code].format(**kw)),
                     content_hash)


def sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def record_hash(rec: Record) -> str:
    """Fingerprint of everything a record contributes to the output tables (the
    metadata as given: the date before it is parsed)."""
    date = rec.extra.get("date_raw") if "date_raw" in rec.extra else rec.date
    meta = "\x1f".join(v or "" for v in (rec.title, rec.url, rec.outlet, date))
    return sha(rec.text + "\x1e" + meta)


# --------------------------------------------------------------------------- one record

def _finish(doc_id: str, text, path, options: InputOptions, raw_hash: str | Callable[[], str],
            columns: Iterable[str] = (), check_chars: bool = True, **meta) -> Item:
    """Common checks for a decoded document, then a Record.  ``raw_hash``: the
    fingerprint a rejection gets (or a function computing it, called only then).
    ``meta``: title, url, outlet (strings or None) and date (the value as given)."""

    def no(code: str, **kw) -> Rejection:
        return reject(doc_id, path, code, raw_hash if isinstance(raw_hash, str) else raw_hash(), **kw)

    if text is None:
        return no("E104", fields=", ".join(options.text_fields), columns=_columns(columns))
    if not isinstance(text, str):
        return no("E105", type=json_type(text))
    if len(text) > options.max_chars:
        return no("E110", size=f"{len(text):,} characters", limit=options.max_chars)
    date_raw = meta.pop("date", None)
    date_str = date_raw.isoformat() if hasattr(date_raw, "isoformat") else _s(date_raw)
    # Every field is checked, not only the text: a lone surrogate in an id or a title
    # cannot be written to the manifest or to Parquet and used to stop the whole run.
    for name, value in (("text", text), *meta.items(), ("date", date_str)) if check_chars else ():
        if value and (pos := bad_chars(value)) is not None:
            return no("E112", field=name, pos=pos, value=printable(value[max(pos - 20, 0):pos + 20]))
    if options.clean_html:
        text = clean_html(text)
        meta = {k: (html.unescape(v) if v and "&" in v else v) for k, v in meta.items()}
    if not text.strip():
        return no("E101")
    if CTRL_CHARS.search(text):
        if binary_text(text):
            return no("E106")
        text = CTRL_CHARS.sub(" ", text)  # stray controls become spaces: offsets do not move
    rec = Record(doc_id, text, path_str(path), date=parse_date(date_raw), **meta)
    rec.extra["date_raw"] = date_str
    if date_str and rec.date is None:
        rec.extra["bad_date"] = date_str
    return rec


def _columns(columns: Iterable[str]) -> str:
    names = [printable(str(c), 40) for c in columns]
    if not names:
        return "none"
    return ", ".join(names[:30]) + (f" and {len(names) - 30} more" if len(names) > 30 else "")


def _with_hash(item: Item) -> Item:
    if isinstance(item, Record):
        item.extra["content_hash"] = record_hash(item)
    return item


def content_hash(item: Item) -> str:
    if isinstance(item, Record):
        return item.extra.get("content_hash") or record_hash(item)
    return item.content_hash


def record_from_obj(obj: dict, path, fallback_id: str, options: InputOptions = DEFAULT_OPTIONS,
                    raw_hash: str | Callable[[], str] | None = None, check_chars: bool = True) -> Item:
    """``check_chars=False``: the caller knows no field can hold a lone surrogate (a JSON
    line without a ``\\u`` escape: decoded UTF-8 never gives one)."""
    def fingerprint() -> str:
        return raw_hash if isinstance(raw_hash, str) else raw_hash() if raw_hash else _obj_hash(obj)

    raw_id = next((obj[k] for k in options.id_fields if obj.get(k) not in (None, "")), None)
    if isinstance(raw_id, CONTAINERS):  # its repr (['a']) is no id: known by its place
        return reject(fallback_id, path, "E116", fingerprint(),
                      field="id", type=json_type(raw_id), value=printable(repr(raw_id), 40))
    doc_id = (_id(raw_id) if raw_id is not None else "") or fallback_id  # a blank id ("  ") was ""
    if check_chars and (pos := bad_chars(doc_id)) is not None:  # not a usable key: known by its place
        return reject(fallback_id, path, "E112", raw_hash if isinstance(raw_hash, str) else "",
                      field="id", pos=pos, value=printable(doc_id))
    if len(doc_id) > MAX_ID_CHARS:  # most likely the wrong field (--id-field body): every text an id
        return reject(fallback_id, path, "E118", fingerprint(), n=len(doc_id), limit=MAX_ID_CHARS,
                      value=printable(doc_id, 40))
    if m := ID_CONTROLS.search(doc_id):  # "a\nb", "x\x00": a key that terminals, CSV and links show
        return reject(fallback_id, path, "E117", fingerprint(), char=f"U+{ord(m.group()):04X}", pos=m.start(),
                      value=printable(repr(doc_id)[1:-1], 40))
    text = next((obj[k] for k in options.text_fields if k in obj), None)
    for name, names in (("title", options.title_fields), ("url", options.url_fields),
                        ("outlet", options.outlet_fields), ("date", options.date_fields)):
        if isinstance(value := _first(obj, names, raw=True), CONTAINERS):
            return reject(doc_id, path, "E116", fingerprint(),
                          field=name, type=json_type(value), value=printable(repr(value), 40))
    item = _finish(doc_id, text, path, options, raw_hash or (lambda: _obj_hash(obj)), columns=obj.keys(),
                   check_chars=check_chars,
                   title=_first(obj, options.title_fields), url=_first(obj, options.url_fields),
                   outlet=_first(obj, options.outlet_fields), date=_first(obj, options.date_fields, raw=True))
    return _with_hash(item)


def _first(obj: dict, names: tuple[str, ...], raw: bool = False):
    """The first of the fields ``names`` with a value (the value as given, or as text)."""
    for k in names:
        v = obj.get(k)
        if v is None or v == "" or (isinstance(v, float) and v != v):
            continue
        return v if raw else _s(v)
    return None


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
