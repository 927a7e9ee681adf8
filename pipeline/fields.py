"""Which record fields hold what, and how metadata values are checked and read.

- :class:`InputOptions`: the field (column) names of the id, text, title, url, date and
  outlet, from the command line (``--title-field`` …), the ``[input]`` section of the
  configuration, or the defaults.
- :func:`bad_chars`: a lone surrogate (``"\\ud800"`` in JSON) is not a character: it
  cannot be written to Parquet or SQLite, so a record holding one in any field is
  rejected (E112) before it reaches the manifest or a worker; so is one with a list or an
  object where a metadata value should be (:data:`CONTAINERS`, E116).
- :func:`parse_date`: ``documents.date`` is a UTC timestamp; a date without a zone is
  taken as UTC; a date that cannot be read becomes null (with a warning in the run
  summary), never a rejection.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from stages.errors import ConfigError, make

ID_FIELDS = ("id", "doc_id")
TEXT_FIELDS = ("text",)
TITLE_FIELDS = ("title",)
URL_FIELDS = ("url",)
DATE_FIELDS = ("date",)
OUTLET_FIELDS = ("source", "outlet")
MAX_CHARS = 1_000_000  # spaCy's own default nlp.max_length
MAX_SECONDS = 5.0  # CPU seconds per document (E115): a 1,000,000-character article takes about 1 s


@dataclass(frozen=True)
class InputOptions:
    """How to find ids, text and metadata in records, and what is too large."""

    id_fields: tuple[str, ...] = ID_FIELDS
    text_fields: tuple[str, ...] = TEXT_FIELDS
    title_fields: tuple[str, ...] = TITLE_FIELDS
    url_fields: tuple[str, ...] = URL_FIELDS
    date_fields: tuple[str, ...] = DATE_FIELDS
    outlet_fields: tuple[str, ...] = OUTLET_FIELDS
    max_chars: int = MAX_CHARS
    max_seconds: float = MAX_SECONDS  # 0: no budget
    clean_html: bool = True

    def metadata_fields(self) -> set[str]:
        return {*self.title_fields, *self.url_fields, *self.date_fields, *self.outlet_fields}


DEFAULT_OPTIONS = InputOptions()
FIELD_KEYS = tuple(f.name for f in fields(InputOptions) if f.name.endswith("_fields"))
INPUT_KEYS = FIELD_KEYS + ("max_chars", "max_seconds", "clean_html")


def options_from_config(config: str | os.PathLike | None, base: InputOptions = DEFAULT_OPTIONS) -> InputOptions:
    """``base`` updated from the ``[input]`` section of the configuration file, e.g.::

        [input]
        id_fields = ["article_id"]
        text_fields = ["body"]
        date_fields = ["published"]

    A missing file or section changes nothing (``build_nlp`` reports a missing file)."""
    from stages.lexicon import DEFAULT_CONFIG

    path = Path(config) if config else DEFAULT_CONFIG
    try:
        with open(path, "rb") as f:
            section = tomllib.load(f).get("input", {})
    except (OSError, tomllib.TOMLDecodeError):
        return base
    if not isinstance(section, dict):
        raise make(ConfigError, "E006", section="input", key="", value=section, expected="a table of keys")
    changes: dict = {}
    for key, value in section.items():
        if key not in INPUT_KEYS:
            raise make(ConfigError, "E003", section="input", key=key, path=path, known=", ".join(INPUT_KEYS))
        if key in FIELD_KEYS:
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise make(ConfigError, "E006", section="input", key=key, value=value,
                           expected="a field name or a list of field names")
            changes[key] = tuple(names)
        elif key == "max_chars":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise make(ConfigError, "E006", section="input", key=key, value=value, expected="an integer >= 1")
            changes[key] = value
        elif key == "max_seconds":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < float("inf"):
                raise make(ConfigError, "E006", section="input", key=key, value=value,
                           expected="seconds >= 0 (0: no budget)")
            changes[key] = float(value)
        else:
            if not isinstance(value, bool):
                raise make(ConfigError, "E006", section="input", key=key, value=value, expected="true or false")
            changes[key] = value
    return replace(base, **changes)


# ----------------------------------------------------------------------------- characters

_SURROGATE = re.compile("[\ud800-\udfff]")


def bad_chars(value: str) -> int | None:
    """Position of the first lone surrogate in ``value``, or None when it is clean."""
    m = _SURROGATE.search(value)
    return None if m is None else m.start()


def printable(value: str, limit: int = 60) -> str:
    """``value`` safe for a message or a table cell: lone surrogates (and, from file
    names, undecodable bytes) shown as ``\\udcXX`` escapes, clipped to ``limit``."""
    s = value if len(value) <= limit else value[: limit - 1] + "…"
    if _SURROGATE.search(s):
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return s


def path_str(path) -> str:
    """A path as text that Parquet and SQLite accept: a file name with bytes that are
    not UTF-8 (``os.fsdecode`` gives lone surrogates for them) keeps them as escapes."""
    s = str(path)
    return s if _SURROGATE.search(s) is None else s.encode("utf-8", "backslashreplace").decode("utf-8")


# Control characters (C0, DEL, C1) are no part of an id: it is the key every table, the
# terminal (`run.py who`), CSV and the report's links show.
ID_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
MAX_ID_CHARS = 1000  # SaudiNewsNet's are 17 (aawsat-00547aa58e); a URL as id fits

# Metadata a record may not hold: a list or an object is no title, id or date (its
# Python repr, "['a']", used to become the doc_id or the title).
CONTAINERS = (list, tuple, dict, set)
_JSON_TYPES = {"dict": "object", "list": "array", "tuple": "array", "set": "array", "str": "string", "NoneType": "null",
               "int": "number", "float": "number", "bool": "true/false"}


def json_type(v) -> str:
    """The JSON name of ``v``'s type (a Python list is an array, None is null)."""
    return _JSON_TYPES.get(type(v).__name__, type(v).__name__)


# ----------------------------------------------------------------------------- dates

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TIME = r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?"
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _ZONE + r"$", re.I)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME + _ZONE + r"$", re.I)


def _zone(z: str | None) -> timezone:
    if not z or z.upper() in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_date(value) -> datetime | None:
    """A UTC datetime, or None when ``value`` is empty or cannot be read.

    Read: ISO 8601 and its relatives (``2015-07-21 02:51:32``, ``2015-07-21T02:51:32+03:00``,
    ``2015/07/21``), day-first dates as written in Arabic news (``21/07/2015 02:51``),
    RFC 2822 (``Tue, 21 Jul 2015 02:51:32 +0000``), Arabic-Indic digits, and datetime
    values from Parquet.  No zone means UTC.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        dt = _parse_text(str(value).translate(_DIGITS).strip())
        if dt is None:
            return None
    try:
        return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def _parse_text(s: str) -> datetime | None:
    if not s or len(s) > 64:
        return None
    for rx, order in ((_YMD, (0, 1, 2)), (_DMY, (2, 1, 0))):
        m = rx.match(s)
        if m:
            g = m.groups()
            y, mo, d = (int(g[i]) for i in order)
            hh, mm, ss = int(g[3] or 0), int(g[4] or 0), int(g[5] or 0)
            us = int((g[6] or "0").ljust(6, "0"))
            try:
                return datetime(y, mo, d, hh, mm, ss, us, tzinfo=_zone(g[7]))
            except ValueError:
                return None
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
