"""The evaluation's definitions, shared with the confidence model (:mod:`pipeline.calibration`)
and ``bench/confidence_history.py``: normalised words, the speaker and relay matches, the
one-to-one quote matching (:mod:`pipeline.commands.evaluate` says what they are), reading
gold files and an output folder's quotes, and the calibration figures.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from stages.errors import ConfigError, RunError, make

DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
PRED_COLUMNS = ["doc_id", "quote_id", "start", "end", "kind", "speaker", "speaker_name",
                "speaker_type", "relayed_by", "parent_quote_id", "confidence"]
REQUIRED = ["doc_id", "start", "end", "kind", "speaker", "speaker_name", "relayed_by"]
THRESHOLD = 0.5


# --- the shared definitions ---------------------------------------------------------

def norm_words(s: str | None) -> list[str]:
    """Normalised words: no diacritics or tatweel, folded letters, no punctuation."""
    if not s:
        return []
    s = DIACRITICS.sub("", s).translate(FOLD)
    return PUNCT.sub(" ", s).split()


def contains(hay: list[str], needle: list[str]) -> bool:
    """``needle`` occurs in ``hay`` as a run of whole words."""
    n = len(needle)
    return n > 0 and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


def speaker_ok(aliases: list[str], *candidates: str | None) -> bool:
    gold = [norm_words(a) for a in aliases or []]
    for c in candidates:
        words = norm_words(c)
        if not words:
            continue
        for g in gold:
            if words == g or (len(words) <= 10 and contains(words, g)):
                return True
    return False


def relay_found(gold_relay: str, predicted: list[str]) -> bool:
    g = norm_words(gold_relay)
    return any(contains(norm_words(p), g) or norm_words(p) == g for p in predicted)


def gold_span(text: str, content: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th occurrence of ``content`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(content, start + 1)
        if start < 0:
            raise ValueError(f"gold content not in text: {content[:60]!r}")
    return start, start + len(content)


def jaccard(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Jaccard overlap of two character spans, whitespace ignored."""
    def chars(s, e):
        return {i for i in range(max(0, s), min(len(text), e)) if not text[i].isspace()}
    x, y = chars(*a), chars(*b)
    return len(x & y) / len(x | y) if x | y else 0.0


def match_quotes(text: str, gold_spans: list[tuple[int, int]], pred_spans: list[tuple[int, int]]
                 ) -> dict[int, tuple[int, float]]:
    """One-to-one matching, best overlap first: gold index -> (pred index, jaccard)."""
    pairs = sorted(((jaccard(text, g, p), gi, pi)
                    for gi, g in enumerate(gold_spans) for pi, p in enumerate(pred_spans)),
                   reverse=True)
    used_g, used_p, match = set(), set(), {}
    for j, gi, pi in pairs:
        if j < THRESHOLD:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        match[gi] = (pi, j)
    return match



# --- loading ---------------------------------------------------------------------------

def load_gold(path: Path) -> list[dict]:
    """Read a gold JSONL file; every quote gets its ``span``. Raises ConfigError (E006)
    with the line number when a line is unusable."""
    if not path.is_file():
        raise make(ConfigError, "E006", section="evaluate", key="GOLD", value=str(path),
                   expected="an existing gold .jsonl file (format: ANNOTATION.md)")
    docs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            for q in d["quotes"]:
                q["span"] = gold_span(d["text"], q["content"], q.get("occurrence", 0))
            d["doc_id"] = str(d["doc_id"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise make(ConfigError, "E006", section="evaluate", key=f"GOLD line {lineno}",
                       value=str(path), expected=f"a gold document as in ANNOTATION.md: {e}") from None
        docs.append(d)
    return docs


def load_predictions(out_dir: Path) -> dict[str, list[dict]]:
    """Quote rows by document from an isnad output folder (any Parquet layout under
    ``quotes/``), without the nested ones."""
    import pyarrow.dataset as ds

    path = out_dir / "quotes"
    if not path.exists():
        raise make(RunError, "E203", path=out_dir, table="quotes")
    table = ds.dataset(str(path), format="parquet", partitioning="hive").to_table()
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise make(RunError, "E203", path=out_dir, table=f"quotes with columns {missing}")
    cols = [c for c in PRED_COLUMNS if c in table.column_names]
    by_doc: dict[str, list[dict]] = {}
    for row in table.select(cols).to_pylist():
        if row.get("parent_quote_id") is not None:
            continue  # scored through its parent
        by_doc.setdefault(str(row["doc_id"]), []).append(row)
    return by_doc


# --- calibration ------------------------------------------------------------------------

def calibration(pairs: list[tuple[float, bool]], bins: int = 10) -> tuple[float | None, float | None]:
    """Expected calibration error over ``bins`` equal-width bins and the Brier score of
    ``(confidence, right)`` pairs, where *right* means the predicted quote was matched
    and its speaker is right (the reference scorer's definition). ``(None, None)`` when
    there is nothing to score.

    >>> calibration([(0.9, True), (0.9, False), (0.2, False)])
    (0.3333, 0.2867)
    """
    if not pairs:
        return None, None
    by_bin: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for c, ok in pairs:
        by_bin[min(int(c * bins), bins - 1)].append((c, ok))
    ece = sum(abs(sum(c for c, _ in b) - sum(ok for _, ok in b)) for b in by_bin.values()) / len(pairs)
    brier = sum((c - ok) ** 2 for c, ok in pairs) / len(pairs)
    return _r4(ece), _r4(brier)


def reliability(pairs: list[tuple[float, bool]], bins: int = 10) -> list[dict]:
    """The reliability table behind :func:`calibration`: for each of ``bins`` equal-width
    confidence bins that holds predictions, their number, mean confidence and the share
    that is right. A calibrated model has confidence close to accuracy in every row.

    >>> reliability([(0.95, True), (0.91, False), (0.2, False)])[1]
    {'low': 0.9, 'high': 1.0, 'quotes': 2, 'confidence': 0.93, 'accuracy': 0.5}
    """
    by_bin: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for c, ok in pairs:
        by_bin[min(int(c * bins), bins - 1)].append((c, ok))
    return [{"low": round(k / bins, 4), "high": round((k + 1) / bins, 4), "quotes": len(b),
             "confidence": _r4(sum(c for c, _ in b) / len(b)), "accuracy": _r4(sum(ok for _, ok in b) / len(b))}
            for k, b in sorted(by_bin.items())]


def _r4(x: float) -> float:
    return round(x, 4)
