#!/usr/bin/env python3
"""Calibration of ``confidence`` on unseen articles, against hand labels.

    python bench/confidence_unseen.py [--labels bench/confidence_unseen_labels.jsonl]
                                      [--corpus ../shared/data/saudinewsnet.jsonl.gz] [--model PATH | --rules]

``confidence_unseen_labels.jsonl`` holds one engineer's judgement of every top-level quote
the rules predicted (at the revision that introduced the confidence model) in 60 SaudiNewsNet
articles that are in neither gold set, in two batches of 30 (A: read first, its share right
set the default ``--prior`` of train-confidence together with the historical check; B: read
after, held out): ``doc_id``, ``start``/``end`` of the predicted quote
(code-point offsets into the article), the ``speaker_name`` it had, and ``right``: 1 when
the quote would match a gold quote with the right speaker under ANNOTATION.md and
score.py's rules, 0 when not, 0.5 when unsure (a line with ``start`` null marks an article
where nothing was predicted). When a rule change alters a prediction, its old line stays (it
simply no longer matches) and the new prediction is judged and appended: 16 were, when the
name recogniser entered the speaker rules; batch C, 29 new predictions of the attribution
rules that followed; batch D, the 7 that the rule fixes after it changed (the spelling of علي in articles with a
removed mark: 3, all right; the masculine عبدالله: 4 implicit speakers of one literary
evening, wrong before and after, now another wrong man); batch E, the 3 that the next stop's
mention fixes changed (the weather service's full name: right; 'وكانت الحصيلة الأولى أشارت
إلى …': unsure; 'وكان المتمردون طلبوا …' with the content of the next clause's أن: wrong).
These are precision labels only, not gold: no missed quote is
annotated, and they are not used for fitting — they measure how ``confidence`` transfers to
text the rules were not tuned on (README, "Confidence").

The script runs the current pipeline on those articles and scores the predictions that are
still the labelled ones (same span, same speaker); predictions that changed since are
counted apart, unlabelled.  The expected calibration error is over 10 equal-width bins,
``right`` averaged in each (0.5 counts half), as score.py does with 0/1.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import doc_rows  # noqa: E402
from pipeline.io import record_from_obj  # noqa: E402
from pipeline.nlp import build_nlp  # noqa: E402


def report(pairs: list[tuple[float, float]], table: bool = False) -> str:
    """Share right, mean confidence, ECE (10 bins, 0.5 labels count half) and Brier."""
    bins: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for c, y in pairs:
        bins[min(int(c * 10), 9)].append((c, y))
    n = len(pairs)
    ece = sum(abs(sum(c for c, _ in b) - sum(y for _, y in b)) for b in bins.values()) / n
    brier = sum((c - y) ** 2 for c, y in pairs) / n
    lines = [f"{n:>4} quotes  right {sum(y for _, y in pairs) / n:.3f}  mean confidence "
             f"{sum(c for c, _ in pairs) / n:.3f}  ECE {ece:.4f}  Brier {brier:.4f}"]
    if table:
        for k in sorted(bins):
            b = bins[k]
            lines.append(f"  {k / 10:.1f}-{(k + 1) / 10:.1f} {len(b):>4} quotes  confidence "
                         f"{sum(c for c, _ in b) / len(b):.3f}  right {sum(y for _, y in b) / len(b):.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", default=str(ROOT / "bench" / "confidence_unseen_labels.jsonl"))
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"))
    ap.add_argument("--model", default=None, help="confidence model (default: the shipped one)")
    ap.add_argument("--rules", action="store_true",
                    help="score the values the rule stages set, without the confidence model (the 'before')")
    args = ap.parse_args(argv)

    labels: dict[str, dict[tuple, tuple[float, str]]] = defaultdict(dict)
    for line in Path(args.labels).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            labels[r["doc_id"]]  # an article with no prediction is still in the set
            if r["start"] is not None:
                labels[r["doc_id"]][(r["start"], r["end"], r["speaker_name"])] = (float(r["right"]), r["batch"])
    texts = {}
    with gzip.open(args.corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["id"] in labels:
                texts[d["id"]] = d["text"]
    nlp = build_nlp(confidence=not args.rules)
    if args.model and not args.rules:
        from stages.confidence import ConfidenceModel
        nlp.get_pipe("isnad_confidence").model = ConfidenceModel.load(args.model)
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    unlabelled, gone = 0, 0
    for did, lab in labels.items():
        rec = record_from_obj({"id": did, "text": texts[did]}, Path("corpus.jsonl"), did)
        rows = [r for r in doc_rows(nlp(rec.text), rec)["quotes"] if r["parent_quote_id"] is None]
        seen = set()
        for r in rows:
            key = (r["start"], r["end"], r["speaker_name"])
            if key in lab:
                y, batch = lab[key]
                pairs[batch].append((float(r["confidence"]), y))
                pairs["all"].append((float(r["confidence"]), y))
                seen.add(key)
            else:
                unlabelled += 1
        gone += len(set(lab) - seen)
    if not pairs:
        print("no labelled prediction is still predicted")
        return 1
    print(f"{len(labels)} articles; {len(pairs['all'])} labelled predictions still predicted, {gone} no longer, "
          f"{unlabelled} new (unlabelled)")
    for batch in sorted(pairs, key=lambda b: (b == "all", b)):
        print(f"batch {batch}: " + report(pairs[batch], table=batch == "all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
