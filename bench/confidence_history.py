#!/usr/bin/env python3
"""Calibration of ``confidence`` on text the rules had not seen: an older revision on a gold set.

    python bench/confidence_history.py [--rev f4352ae] [--gold ../shared/data/train_gold.jsonl]
                                       [--model stages/models/confidence.json]

Until revision ``f4352ae`` the rules had not been written with the train gold set in view
(README, Accuracy): run with the rules of that revision, train gold is unseen text, the
situation of a user's own articles.  This script exports that revision into a temporary
folder (``git archive``), puts the current ``stages/confidence.py`` beside its stages,
runs its pipeline on the gold documents, labels every predicted top-level quote as the
reference scorer does (matched, with the right speaker) and scores the current model's
probabilities for them: share right, mean confidence, ECE (10 bins) and Brier, and the same
for the values the old rules set themselves.  It needs the git history (a clone, not a
source archive).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# run inside the old tree: its pipeline and scorer functions, the current feature function
CHILD = r"""
import json, sys
from pathlib import Path
from pipeline.nlp import build_nlp
from pipeline.io import record_from_obj
from pipeline.extract import doc_rows
from pipeline.commands.evaluate import load_gold, match_quotes, speaker_ok
from stages.lexicon import load_lexicon
from stages.confidence import features_of
nlp, lex = build_nlp(), load_lexicon()
for d in load_gold(Path(sys.argv[1])):
    rec = record_from_obj({"id": d["doc_id"], "text": d["text"]}, Path("gold.jsonl"), d["doc_id"])
    doc = nlp(rec.text)
    rows = doc_rows(doc, rec)["quotes"]
    feats = features_of(doc, lex)
    top = [i for i, r in enumerate(rows) if r["parent_quote_id"] is None]
    m = match_quotes(rec.text, [q["span"] for q in d["quotes"]], [(rows[i]["start"], rows[i]["end"]) for i in top])
    right = {top[pi] for gi, (pi, _) in m.items() if speaker_ok(d["quotes"][gi].get("speaker_aliases") or [],
             rows[top[pi]]["speaker_name"], rows[top[pi]]["speaker"])}
    for i in top:
        print(json.dumps({"f": feats[i], "y": int(i in right), "rules": rows[i]["confidence"]}))
"""


def main(argv: list[str] | None = None) -> int:
    from bench.confidence_unseen import report
    from stages.confidence import ConfidenceModel

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="f4352ae", help="revision whose rules had not seen --gold (default f4352ae)")
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "data" / "train_gold.jsonl"))
    ap.add_argument("--model", default=None, help="confidence model (default: the shipped one)")
    args = ap.parse_args(argv)
    model = ConfidenceModel.load(args.model)
    tmp = Path(tempfile.mkdtemp(prefix="isnad-history-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        shutil.copy(ROOT / "stages" / "confidence.py", tmp / "stages" / "confidence.py")
        out = subprocess.run([sys.executable, "-c", CHILD, str(Path(args.gold).resolve())], cwd=tmp, check=True,
                             capture_output=True, text=True, env={"PYTHONPATH": str(tmp), "PATH": "/usr/bin:/bin"}).stdout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    model_pairs = [(model.probability(r["f"]), float(r["y"])) for r in rows]
    rules_pairs = [(float(r["rules"]), float(r["y"])) for r in rows]
    print(f"rules of {args.rev} on {Path(args.gold).name}: {len(rows)} predicted top-level quotes")
    print("the old rules' own values: " + report(rules_pairs))
    print("the current model:         " + report(model_pairs, table=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
