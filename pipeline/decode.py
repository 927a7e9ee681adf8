"""Decoding and cleaning of raw input: encodings, binary junk, HTML.

Encodings seen in Arabic archives are detected per file (per line for JSONL):
UTF-8, UTF-8 with BOM, UTF-16 with BOM (LE/BE) and Windows-1256.  A file that is
none of these (broken UTF-8, random bytes) is rejected with a reason rather than
decoded by guesswork.  HTML-ish text (tags, entities) is cleaned before processing,
in time linear in its length (it runs in the driver, before any worker sees it).
"""
from __future__ import annotations

import html
import re

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
# Every pattern below is linear in the length of the text: a tag never spans a ``<``
# (``[^<>]*``, so each attempt stops at the next one), and the blocks that are dropped
# whole (comments, scripts) are found by :func:`_drop_blocks` with one search per
# closer instead of a lazy ``.*?`` that rescans to the end from every unclosed opener
# (``<p>`` + ``<!--`` x 40,000 took 24 s that way, in the driver).
_BLOCK_OPEN = re.compile(r"<!--|<(script|style|head|noscript)\b[^<>]*>", re.I)
_BLOCK_CLOSE = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "head", "noscript")}
_COMMENT_CLOSE = re.compile(r"-->")
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote|p|div|li|h[1-6]|tr|blockquote)\b[^<>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z!][^<>]*>")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_NEWLINES = re.compile(r"[ \t]*\n[ \t\n]*\n[ \t\n]*")


def looks_html(text: str) -> bool:
    return ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def _drop_blocks(text: str) -> str:
    """Comments and script/style/head/noscript elements replaced by a space.

    Linear: the closer of a kind is searched for from the opener on; when it is not
    found, no later opener of that kind can be closed either, so the kind is never
    searched for again (an unclosed opener is left to the tag pass, as before)."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    while True:
        m = _BLOCK_OPEN.search(text, pos)
        if m is None:
            break
        kind = (m.group(1) or "--").lower()
        end = None
        if kind not in unclosed:
            close = _COMMENT_CLOSE if kind == "--" else _BLOCK_CLOSE[kind]
            c = close.search(text, m.end() if kind != "--" else m.start() + 4)
            if c is None:
                unclosed.add(kind)
            else:
                end = c.end()
        if end is None:
            out.append(text[pos:m.start() + 1])
            pos = m.start() + 1
            continue
        out.append(text[pos:m.start()])
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def clean_html(text: str) -> str:
    """Tags out (block tags become line breaks), entities decoded; plain text unchanged."""
    if not looks_html(text):
        return text
    text = _drop_blocks(text)
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n\n", text)
    return text.strip()


CTRL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def binary_text(text: str) -> bool:
    """NUL, or more than 5 % control characters (in the first 20,000 characters)."""
    sample = text[:20000]
    if "\x00" in sample:
        return True
    n = len(CTRL_CHARS.findall(sample))
    return n > max(2, len(sample) // 20)
