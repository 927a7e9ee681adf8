"""``python run.py evaluate GOLD.jsonl [--out DIR]``: accuracy on annotated articles.

The gold format is the annotation guide's (one JSON document a line: ``doc_id``,
``text``, ``relayed_by``, ``quotes`` with ``content``, ``occurrence``, ``kind``, ``cue``,
``speaker``, ``speaker_aliases``, ``speaker_type``, ``relays``), so anyone can measure
the pipeline on articles they annotated themselves.

The figures follow the reference scorer's definitions exactly (and a test checks
that they agree on the development set):

- a predicted quote matches a gold quote when the Jaccard overlap of their
  character spans, whitespace ignored, is at least 0.5; one-to-one, best overlap first;
  predicted rows nested in another quote (``parent_quote_id`` set) are not scored;
- a speaker is right when, after normalisation (no diacritics or tatweel, folded
  alef/yaa/taa marbuta/hamza carriers, no punctuation), a gold alias equals
  ``speaker_name`` or ``speaker``, or is a whole-word part of one of them that is at
  most 10 words long;
- a relay is found when a gold relay is a whole-word part of a predicted
  ``relayed_by`` entry; a predicted relay is spurious when it names none of the
  quote's gold relays nor the document's credits.

On top of those it breaks the figures down by quote kind and speaker type and lists
the misses (missed, spurious, wrong speaker, missed relay).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from stages.errors import ConfigError, make

from . import prog
# the definitions moved to evaluate_defs; pipeline/calibration.py, bench and the tests import them from here
from .evaluate_defs import (_r4, calibration, load_gold, load_predictions, match_quotes, relay_found, reliability,
                            speaker_ok)


# --- scoring ---------------------------------------------------------------------------

def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Tally:
    """Counts for one slice (all, one kind, one speaker type)."""

    gold: int = 0
    pred: int = 0
    matched_gold: int = 0  # gold quotes of this slice that were matched
    matched_pred: int = 0  # predicted quotes of this slice that were matched
    speaker_right: int = 0  # among matched gold quotes of this slice

    def row(self) -> dict:
        r = self.matched_gold / self.gold if self.gold else None
        p = self.matched_pred / self.pred if self.pred else None
        return {"gold": self.gold, "predicted": self.pred,
                "precision": None if p is None else _r4(p),
                "recall": None if r is None else _r4(r),
                "speaker_accuracy_on_matched": _r4(self.speaker_right / self.matched_gold)
                if self.matched_gold else None}


@dataclass
class Evaluation:
    metrics: dict
    by_kind: dict[str, dict] = field(default_factory=dict)
    by_speaker_type: dict[str, dict] = field(default_factory=dict)
    kind_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)
    reliability: list[dict] = field(default_factory=list)  # confidence bins (see reliability())

    def as_dict(self) -> dict:
        return {"metrics": self.metrics, "by_kind": self.by_kind,
                "by_speaker_type": self.by_speaker_type, "kind_confusion": self.kind_confusion,
                "reliability": self.reliability, "misses": self.misses}


def evaluate(gold: list[dict], pred: dict[str, list[dict]]) -> Evaluation:
    """Score predictions against gold documents (see the module docstring)."""
    n_gold = n_pred = matched = speaker_right = kind_right = exact = 0
    relay_gold = relay_hit = relay_pred = relay_spurious = 0
    by_kind: dict[str, Tally] = defaultdict(Tally)
    by_type: dict[str, Tally] = defaultdict(Tally)
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: list[dict] = []
    calib: list[tuple[float, bool]] = []  # (confidence, matched with the right speaker) per prediction
    for d in gold:
        text, did = d["text"], str(d["doc_id"])
        preds = pred.get(did, [])
        quotes = d["quotes"]
        n_gold += len(quotes)
        n_pred += len(preds)
        for p in preds:
            by_kind[p["kind"] or "?"].pred += 1
            by_type[p.get("speaker_type") or "unknown"].pred += 1
        match = match_quotes(text, [q["span"] for q in quotes], [(p["start"], p["end"]) for p in preds])
        gold_relays = set(d.get("relayed_by") or [])
        for gi, q in enumerate(quotes):
            kind, stype = q.get("kind") or "?", q.get("speaker_type") or "unknown"
            by_kind[kind].gold += 1
            by_type[stype].gold += 1
            relays = q.get("relays") or []
            relay_gold += len(relays)
            if gi not in match:
                misses.append({"type": "missed", "doc_id": did, "kind": kind, "speaker_type": stype,
                               "gold_speaker": (q.get("speaker_aliases") or [q.get("speaker")])[0],
                               "text": q["content"]})
                continue
            pi, j = match[gi]
            p = preds[pi]
            matched += 1
            exact += j >= 0.9
            kind_right += p["kind"] == q["kind"]
            confusion[kind][p["kind"] or "?"] += 1
            ok = speaker_ok(q.get("speaker_aliases") or [], p["speaker_name"], p["speaker"])
            speaker_right += ok
            by_kind[kind].matched_gold += 1
            by_type[stype].matched_gold += 1
            by_kind[p["kind"] or "?"].matched_pred += 1
            by_type[p.get("speaker_type") or "unknown"].matched_pred += 1
            by_kind[kind].speaker_right += ok
            by_type[stype].speaker_right += ok
            got = list(p["relayed_by"] or [])
            hits = [r for r in relays if relay_found(r, got)]
            relay_hit += len(hits)
            relay_pred += len(got)
            allowed = set(relays) | gold_relays
            spurious = [g for g in got if not any(relay_found(a, [g]) for a in allowed)]
            relay_spurious += len(spurious)
            if not ok:
                misses.append({"type": "speaker", "doc_id": did, "kind": kind, "speaker_type": stype,
                               "gold_speaker": (q.get("speaker_aliases") or [q.get("speaker")])[0],
                               "got": p["speaker_name"], "mention": p["speaker"], "text": q["content"]})
            lost = [r for r in relays if r not in hits]
            if lost or spurious:
                misses.append({"type": "relay", "doc_id": did, "kind": kind, "speaker_type": stype,
                               "missing": lost, "spurious": spurious, "got": got, "text": q["content"]})
        right = {match[gi][0] for gi, q in enumerate(quotes) if gi in match and speaker_ok(
            q.get("speaker_aliases") or [], preds[match[gi][0]]["speaker_name"], preds[match[gi][0]]["speaker"])}
        calib.extend((float(p["confidence"]), pi in right) for pi, p in enumerate(preds)
                     if p.get("confidence") is not None)
        used = {pi for pi, _ in match.values()}
        for pi, p in enumerate(preds):
            if pi not in used:
                misses.append({"type": "spurious", "doc_id": did, "kind": p["kind"],
                               "speaker_type": p.get("speaker_type"), "got": p["speaker_name"],
                               "text": text[p["start"]:p["end"]]})

    qp = matched / n_pred if n_pred else 0.0
    qr = matched / n_gold if n_gold else 0.0
    ap = speaker_right / n_pred if n_pred else 0.0
    ar = speaker_right / n_gold if n_gold else 0.0
    metrics = {
        "documents": len(gold), "gold_quotes": n_gold, "predicted_quotes": n_pred,
        "quote_precision": _r4(qp), "quote_recall": _r4(qr), "quote_f1": _r4(_f1(qp, qr)),
        "boundary_exact_rate": _r4(exact / matched) if matched else 0.0,
        "kind_accuracy": _r4(kind_right / matched) if matched else 0.0,
        "speaker_accuracy_on_matched": _r4(speaker_right / matched) if matched else 0.0,
        "attribution_precision": _r4(ap), "attribution_recall": _r4(ar),
        "attribution_f1": _r4(_f1(ap, ar)),
        "relay_recall": _r4(relay_hit / relay_gold) if relay_gold else None,
        "relay_precision": _r4(1 - relay_spurious / relay_pred) if relay_pred else None,
    }
    metrics["confidence_ece"], metrics["confidence_brier"] = calibration(calib)
    order = {"missed": 0, "spurious": 1, "speaker": 2, "relay": 3}
    misses.sort(key=lambda m: (order[m["type"]], m["doc_id"]))
    return Evaluation(
        metrics=metrics,
        by_kind={k: by_kind[k].row() for k in sorted(by_kind)},
        by_speaker_type={k: by_type[k].row() for k in sorted(by_type, key=lambda k: (-by_type[k].gold, k))},
        kind_confusion={g: dict(sorted(v.items())) for g, v in sorted(confusion.items())},
        misses=misses,
        reliability=reliability(calib),
    )


# --- running and printing ------------------------------------------------------------

def run_pipeline(gold: list[dict], out: Path, config: str | None) -> None:
    """Process the gold documents' texts into ``out`` with the normal pipeline (again,
    when ``out`` already holds them: the figures must describe the current rules)."""
    from ..runner import run_batch

    with tempfile.TemporaryDirectory(prefix="isnad-eval-") as tmp:
        inp = Path(tmp) / "gold_docs.jsonl"
        with inp.open("w", encoding="utf-8") as f:
            for d in gold:
                rec = {"id": d["doc_id"], "text": d["text"]}
                for k in ("title", "url", "date"):
                    if d.get(k) is not None:
                        rec[k] = d[k]
                if d.get("outlet") or d.get("source"):
                    rec["source"] = d.get("outlet") or d.get("source")
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if (out / "quotes").exists():
            # the folder holds an earlier run: unchanged documents would be skipped and
            # their old rows scored, so process them again whatever the manifest says
            run_batch([str(inp)], out, config, reprocess=True)
        else:
            run_batch([str(inp)], out, config)


def _fmt(v) -> str:
    return "-" if v is None else (f"{v:.4f}" if isinstance(v, float) else str(v))


def format_report(ev: Evaluation, max_misses: int = 50) -> str:
    lines = ["metric (same definitions as the reference scorer)"]
    lines += [f"  {k:30} {_fmt(v)}" for k, v in ev.metrics.items()]
    head = f"  {'':14} {'gold':>5} {'pred':>5} {'prec':>7} {'recall':>7} {'speaker':>8}"
    for title, table in (("by quote kind (precision by predicted kind, recall by gold kind)", ev.by_kind),
                         ("by speaker type (gold type for recall, predicted type for precision)",
                          ev.by_speaker_type)):
        lines += ["", title, head]
        for k, r in table.items():
            lines.append(f"  {k:14} {r['gold']:>5} {r['predicted']:>5} {_fmt(r['precision']):>7} "
                         f"{_fmt(r['recall']):>7} {_fmt(r['speaker_accuracy_on_matched']):>8}")
    if ev.kind_confusion:
        lines += ["", "kind confusion on matched quotes (gold -> predicted: count)"]
        for g, row in ev.kind_confusion.items():
            lines.append(f"  {g:10} " + ", ".join(f"{p} {n}" for p, n in row.items()))
    if ev.reliability:
        lines += ["", "confidence reliability (predicted top-level quotes; right = matched with the right speaker)",
                  f"  {'confidence':14} {'quotes':>6} {'mean':>7} {'right':>7}"]
        for r in ev.reliability:
            lines.append(f"  {r['low']:.1f} - {r['high']:.1f}      {r['quotes']:>6} {r['confidence']:>7.3f} "
                         f"{r['accuracy']:>7.3f}")
    counts = defaultdict(int)
    for m in ev.misses:
        counts[m["type"]] += 1
    lines += ["", "misses: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "none")]
    for m in ev.misses[:max_misses]:
        snippet = m["text"].replace("\n", " ")
        snippet = snippet[:70] + ("…" if len(snippet) > 70 else "")
        if m["type"] == "missed":
            lines.append(f"  MISSED   {m['doc_id']} [{m['kind']}, {m['gold_speaker']}] {snippet}")
        elif m["type"] == "spurious":
            lines.append(f"  SPURIOUS {m['doc_id']} [{m['kind']}, {m['got']}] {snippet}")
        elif m["type"] == "speaker":
            lines.append(f"  SPEAKER  {m['doc_id']} gold={m['gold_speaker']!r} got={m['got']!r}"
                         f"/{m['mention']!r} :: {snippet}")
        else:
            lines.append(f"  RELAY    {m['doc_id']} missing={m['missing']} spurious={m['spurious']} :: {snippet}")
    if len(ev.misses) > max_misses:
        lines.append(f"  … {len(ev.misses) - max_misses} more (--misses N, or --json for all)")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog("evaluate"),
        description="Run the pipeline on annotated articles and print quote precision/recall/F1, "
                    "speaker accuracy, attribution F1 and relay recall/precision, with breakdowns "
                    "by quote kind and speaker type and a list of misses. Gold format: "
                    "one JSON document a line, as in the annotation guide.")
    ap.add_argument("gold", type=Path, help="gold JSONL file")
    ap.add_argument("--out", type=Path, default=None,
                    help="write the pipeline's output here and keep it (default: a temporary folder)")
    ap.add_argument("--existing", action="store_true",
                    help="do not run the pipeline: score the output already in --out")
    ap.add_argument("--config", default=None, help="TOML configuration for the run")
    ap.add_argument("--backend", choices=("rules", "stanza"), default=None,
                    help="override [pipeline] backend of the configuration")
    ap.add_argument("--json", action="store_true", help="print one JSON object (everything)")
    ap.add_argument("--misses", type=int, default=50, help="how many misses to list (default 50)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    gold = load_gold(args.gold)
    if args.existing:
        if args.out is None:
            raise make(ConfigError, "E006", section="evaluate", key="--existing", value=True,
                       expected="needs --out DIR, the output folder to score")
        pred = load_predictions(args.out)
    else:
        config = args.config
        if args.backend:
            from .models import config_with_backend
            config = config_with_backend(args.config, args.backend)
        try:
            if args.out is not None:
                run_pipeline(gold, args.out, config)
                pred = load_predictions(args.out)
            else:
                with tempfile.TemporaryDirectory(prefix="isnad-eval-out-") as tmp:
                    run_pipeline(gold, Path(tmp), config)
                    pred = load_predictions(Path(tmp))
        finally:
            if args.backend:  # the temporary configuration
                shutil.rmtree(Path(config).parent, ignore_errors=True)
    ev = evaluate(gold, pred)
    if args.json:
        print(json.dumps(ev.as_dict(), ensure_ascii=False))
    else:
        print(format_report(ev, args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
