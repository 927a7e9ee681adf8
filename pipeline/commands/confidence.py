"""``python run.py models train-confidence``: rebuild the confidence model.

    python run.py models train-confidence [--gold GOLD.jsonl ...] [--corpus saudinewsnet.jsonl.gz]
                                          [--docs N] [--prior P] [--out stages/models/confidence.json]

Runs the rules on the gold files (default: ``../shared/data/train_gold.jsonl`` and
``dev_gold.jsonl``) and on ``--docs`` unlabelled corpus articles, fits the model
(:mod:`pipeline.calibration`) and writes it, with the measurements it printed, to
``--out`` (default: the shipped ``stages/models/confidence.json``).  Deterministic and
about a minute; run it again whenever the rules change (``make confidence-model``).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from stages.confidence import DEFAULT_MODEL
from stages.errors import ConfigError, make

from .. import calibration as cal

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
DEFAULT_GOLD = (DATA / "train_gold.jsonl", DATA / "dev_gold.jsonl")
DEFAULT_CORPUS = DATA / "saudinewsnet.jsonl.gz"


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """Arguments of train-confidence that the name-model actions do not already define
    (it reads --gold, --corpus, --docs and --out too)."""
    g = ap.add_argument_group(
        "train-confidence (the confidence model; also reads --gold: gold files, default "
        "../shared/data/train_gold.jsonl and dev_gold.jsonl; --corpus: unlabelled articles, default "
        f"../shared/data/{DEFAULT_CORPUS.name}; --docs: how many of them, default {cal.CORPUS_DOCS}; "
        "--out: default stages/models/confidence.json)")
    g.add_argument("--prior", type=float, default=cal.DEFAULT_PRIOR, metavar="P",
                   help="mean confidence over the quotes of the unlabelled corpus sample: how often the "
                        "rules are right on text they were not tuned on (default "
                        f"{cal.DEFAULT_PRIOR}, measured: README, Confidence)")
    g.add_argument("--penalty", type=float, default=None, metavar="L2",
                   help=f"L2 penalty of the logistic regression (default {cal.DEFAULT_PENALTY:g}; the command "
                        "prints the cross-validated log loss of others)")


def _fmt(s: dict) -> str:
    return (f"{s['quotes']:>5} quotes  right {s['right']:.3f}  mean confidence {s['mean_confidence']:.3f}  "
            f"ECE {s['ece']:.4f}  Brier {s['brier']:.4f}")


def train(gold: list[Path], corpus: Path, n_docs: int, prior: float, out: Path,
          config: str | None = None, log=print, penalty: float | None = None) -> dict:
    """Fit, measure and write the model; returns what was written."""
    from ..nlp import build_nlp

    if not 0.0 < prior < 1.0:
        raise make(ConfigError, "E006", section="train-confidence", key="--prior", value=prior,
                   expected="a probability strictly between 0 and 1")
    for p in (*gold, corpus):
        if not Path(p).is_file():
            raise make(ConfigError, "E006", section="train-confidence", key="--gold/--corpus", value=str(p),
                       expected="an existing file")
    nlp = build_nlp(config, spans=False, confidence=False)
    rows = cal.gold_rows(gold, config, nlp)
    if len(rows) == 0 or len(set(rows.y.tolist())) < 2:
        raise make(ConfigError, "E006", section="train-confidence", key="--gold", value=[str(g) for g in gold],
                   expected="gold documents where the rules get some quotes right and some wrong")
    exclude = {str(d) for d in rows.doc}
    for g in gold:
        exclude |= {d["doc_id"] for d in cal.load_gold(Path(g))}
    sample = cal.corpus_sample(corpus, n_docs, exclude)
    failed: list[str] = []
    unl = cal.corpus_rows(sample, config, nlp, failed)
    for f in failed:
        log(f"corpus: left out (the pipeline failed on it): {f}")
    if len(unl) == 0:
        raise make(ConfigError, "E006", section="train-confidence", key="--corpus", value=str(corpus),
                   expected="articles in which the rules find quotes")

    losses = cal.cv_losses(rows)
    lam = cal.DEFAULT_PENALTY if penalty is None else penalty
    fit = cal.fit_logistic(rows, lam)
    intercept = cal.prior_intercept(fit, unl.X, prior)
    log(f"gold: {len(rows)} predicted quotes in {len(set(rows.doc))} documents "
        f"({', '.join(f'{g}: {rows.group.count(g)}' for g in sorted(set(rows.group)))}), "
        f"{int(rows.y.sum())} right")
    log(f"corpus: {len(unl)} predicted quotes in {len(sample)} unlabelled articles of {corpus.name}")
    log("grouped 5-fold CV log loss by penalty: " + ", ".join(f"{k:g}: {v:.4f}" for k, v in losses.items())
        + f"; penalty {lam:g}" + (" (--penalty)" if penalty is not None else " (the default)"))
    log("intercepts: " + ", ".join(f"{g} {b:+.3f}" for g, b in fit.intercepts.items())
        + f"; for unseen text (mean {prior} over the corpus sample) {intercept:+.3f}")

    measured: dict = {}
    own, shipped = cal.cross_validate(rows, lam, unl.X, prior)
    measured["cv5_own_intercept"] = cal.scores(own, rows.y)
    measured["cv5_shipped"] = cal.scores(shipped, rows.y)
    for g in sorted(set(rows.group)):
        m = np.array([x == g for x in rows.group])
        measured[f"cv5_own_intercept:{g}"] = cal.scores(own[m], rows.y[m])
    groups = sorted(set(rows.group))
    for a in groups:
        for b in groups:
            if a == b:
                continue
            ma = np.array([x == a for x in rows.group])
            fa = cal.fit_logistic(rows.take(ma), lam)
            held = rows.take(~ma & np.array([x == b for x in rows.group]))
            measured[f"{a}->{b}:fit_intercept"] = cal.scores(cal.sigmoid(fa.logits(held.X, fa.intercepts[a])), held.y)
            measured[f"{a}->{b}:shipped"] = cal.scores(
                cal.sigmoid(fa.logits(held.X, cal.prior_intercept(fa, unl.X, prior))), held.y)
    p_gold = cal.sigmoid(fit.logits(rows.X, intercept))
    for g in groups:
        m = np.array([x == g for x in rows.group])
        measured[f"in_sample_shipped:{g}"] = cal.scores(p_gold[m], rows.y[m])
    p_unl = cal.sigmoid(fit.logits(unl.X, intercept))
    measured["corpus_mean_confidence"] = round(float(p_unl.mean()), 4)
    measured["corpus_distinct_values"] = len(set(np.round(p_unl, 4).tolist()))

    log("")
    log("measured (right = matched to a gold quote with the right speaker, as score.py reads confidence):")
    for k, v in measured.items():
        log(f"  {k:44} {_fmt(v) if isinstance(v, dict) else v}")
    log("")
    log("reliability on the gold sets, cross-validated, own file's intercept:")
    for r in cal.reliability_table(own, rows.y):
        log(f"  {r['low']:.1f}-{r['high']:.1f} {r['quotes']:>5} quotes  confidence {r['confidence']:.3f}  "
            f"right {r['accuracy']:.3f}")
    top = sorted(zip(cal.FEATURES, fit.weights), key=lambda t: -abs(t[1]))[:12]
    log("largest weights (per standard deviation): " + ", ".join(f"{n} {w:+.2f}" for n, w in top))

    names = "+".join(Path(g).stem for g in gold)
    meta = {
        "id": f"logistic (L2 {lam:g}) on {len(rows)} quotes of {names}; mean {prior} on unseen text",
        "lambda": lam,
        "prior": prior,
        "cv_log_loss": {f"{k:g}": round(v, 6) for k, v in losses.items()},
        "gold": [{"file": Path(g).name, "sha256": cal.sha256_of(Path(g)),
                  "quotes": rows.group.count(Path(g).stem),
                  "right": int(sum(y for y, x in zip(rows.y, rows.group) if x == Path(g).stem))} for g in gold],
        "corpus": {"file": corpus.name, "docs": len(sample), "quotes": len(unl)},
        "measured": measured,
        "rebuild": "python run.py models train-confidence",
    }
    data = cal.model_json(fit, intercept, meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"model: {out}")
    return data


def cmd_train(args) -> int:
    gold = [Path(g) for g in args.gold] if args.gold else list(DEFAULT_GOLD)
    corpus = Path(args.corpus) if args.corpus else DEFAULT_CORPUS
    out = Path(args.out) if args.out else DEFAULT_MODEL
    train(gold, corpus, args.docs, args.prior, out, args.config, penalty=args.penalty)
    return 0
