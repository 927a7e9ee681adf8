"""Does the name recogniser find the same names as another revision?  (Speed work on
stages/ner*.py must not change a single entity.)

    # this checkout against main on 5,000 articles spread over the corpus
    python bench/compare_names.py --against main --docs 5000
    # the whole corpus (every article with a text)
    python bench/compare_names.py --against main --docs 0

Each revision runs in its own process on the same sample (``--against REV`` is extracted
with ``git archive``).  Per article it records, with the probabilities unrounded:

- ``pipeline``: every question the pipeline's rules ask while it runs
  (:class:`stages.names.DocNames` ``at``, ``covering``, ``first_in``) and the entity
  each gets (the cue windows are tagged together at the first question, then the
  windows asked for one by one);
- ``cues``: all cue windows of the article in one call, as :class:`stages.names.DocNames`
  tags them, on a fresh tagger state;
- ``each``: every cue window alone;
- ``whole``: the whole article as one window (long sequences).

Entities (start, end, type, clitic) must be identical, ``prob`` within ``--tol`` (1e-6)
and equal once rounded as the pipeline rounds it.  Exit status 0 when they are, 1
otherwise; prints the counts and the first differences.
"""
from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_outputs import DEFAULT_CORPUS, extract_tree, write_sample  # noqa: E402


def dump(tree: Path, sample: Path, out: Path) -> None:
    """Run ``tree``'s pipeline and recogniser on ``sample``; pickle what they find."""
    sys.path.insert(0, str(tree))
    import json

    import stages.names as names
    import stages.ner as ner
    from pipeline.engines import get_nlp
    from stages.names import CUE_AFTER, CUE_BEFORE

    assert Path(ner.__file__).resolve().is_relative_to(tree.resolve()), ner.__file__
    ner.round = lambda x, n=None: x  # the module rounds prob with round(p, 4): keep it raw

    def rows(ents) -> list[tuple]:
        return [(e.start_word, e.end_word, e.type, e.clitic, e.prob) for e in ents]

    calls: list[tuple] = []
    plain = ner.NameTagger.entities_in

    def asking(meth):
        ask = getattr(names.DocNames, meth)

        def recording(self, *args, **kw):
            e = ask(self, *args, **kw)
            calls.append((self.words, (meth, args, sorted(kw.items())), rows([e]) if e is not None else None))
            return e
        return recording

    for meth in ("at", "covering", "first_in"):
        setattr(names.DocNames, meth, asking(meth))
    nlp = get_nlp(None)
    texts = [json.loads(line)["text"] for line in sample.open(encoding="utf-8")]
    tagger = ner.NameTagger.load()
    result = []
    t0 = time.process_time()
    for text in texts:
        calls.clear()
        doc = nlp(text)
        words = doc.user_data["isnad_words"]
        rec = {"pipeline": [(w, r) for ws, w, r in calls if ws is words]}
        n = len(words)
        anchors = [words.first_at_or_after(c.start) for c in doc._.isnad_cues]
        wins = [(max(0, a - CUE_BEFORE), min(n, a + CUE_AFTER)) for a in anchors]
        if wins:
            rec["cues"] = rows(plain(tagger, words, wins))
            rec["each"] = [rows(plain(tagger, words, [w])) for w in wins]
        if n:
            rec["whole"] = rows(plain(tagger, words, [(0, n)]))
        rec["n"] = n
        result.append(rec)
    secs = time.process_time() - t0
    with out.open("wb") as f:
        pickle.dump(result, f)
    print(f"{tree}: {len(texts)} articles in {secs:.1f} s CPU", file=sys.stderr)


def same(a: list[tuple], b: list[tuple], tol: float) -> tuple[bool, float, int]:
    """Entities equal, probabilities within tol: (ok, largest difference, rounded mismatches)."""
    if [x[:4] for x in a] != [x[:4] for x in b]:
        return False, float("inf"), 0
    diff = max((abs(x[4] - y[4]) for x, y in zip(a, b)), default=0.0)
    rounded = sum(round(x[4], 4) != round(y[4], 4) for x, y in zip(a, b))
    return diff <= tol, diff, rounded


def compare(pa: Path, pb: Path, tol: float, show: int = 5) -> bool:
    A = pickle.loads(pa.read_bytes())
    B = pickle.loads(pb.read_bytes())
    if len(A) != len(B):
        print(f"different article counts: {len(A)} vs {len(B)}")
        return False
    stats = {k: {"lists": 0, "entities": 0, "bad": 0, "rounded": 0, "maxdiff": 0.0}
             for k in ("pipeline", "cues", "each", "whole")}
    shown = 0
    for k, (ra, rb) in enumerate(zip(A, B)):
        for kind, st in stats.items():
            la, lb = ra.get(kind), rb.get(kind)
            if la is None and lb is None:
                continue
            if kind == "pipeline":
                if [q for q, _ in la] != [q for q, _ in lb]:
                    pairs = [(None, None)]  # not the same questions
                else:
                    pairs = [(x or [], y or []) for (_, x), (_, y) in zip(la, lb)]
            elif kind == "each":
                pairs = list(zip(la, lb)) if len(la) == len(lb) else [(None, None)]
            else:
                pairs = [(la, lb)]
            for x, y in pairs:
                st["lists"] += 1
                if x is None or y is None:
                    ok, diff, rounded = False, float("inf"), 0
                else:
                    st["entities"] += len(x)
                    ok, diff, rounded = same(x, y, tol)
                st["maxdiff"] = max(st["maxdiff"], diff)
                st["rounded"] += rounded
                if not ok:
                    st["bad"] += 1
                    if shown < show:
                        shown += 1
                        print(f"  article {k} ({kind}):\n    A: {x}\n    B: {y}")
    ok = True
    for kind, st in stats.items():
        ok &= st["bad"] == 0 and st["rounded"] == 0
        print(f"  {kind:8} {st['lists']:7,} {'questions' if kind == 'pipeline' else 'calls    '}  {st['entities']:7,} entities  different: {st['bad']}  "
              f"largest prob difference {st['maxdiff']:.1e}  rounded prob different: {st['rounded']}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", metavar="REV", default="main", help="git revision to compare with (default main)")
    ap.add_argument("--docs", type=int, default=5000, help="articles, spread over the corpus; 0 = all (default 5000)")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--tol", type=float, default=1e-6, help="largest allowed prob difference (default 1e-6)")
    ap.add_argument("--keep", metavar="DIR", help="keep the sample and both dumps in DIR")
    ap.add_argument("--dump", nargs=3, metavar=("TREE", "SAMPLE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.dump:
        dump(*map(Path, args.dump))
        return 0
    with tempfile.TemporaryDirectory(prefix="isnad-names-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = Path(tmp) / "base"
        base.mkdir()
        extract_tree(args.against, base)
        sample = work / "sample.jsonl"
        n = write_sample(Path(args.corpus), args.docs or 10**9, sample)
        outs = []
        for tree, name in ((base, "against"), (ROOT, "this")):
            out = work / f"names_{name}.pkl"
            subprocess.run([sys.executable, __file__, "--dump", str(tree), str(sample), str(out)], cwd=tree, check=True)
            outs.append(out)
        print(f"{n} articles; A = {args.against}, B = this checkout ({ROOT})")
        ok = compare(outs[0], outs[1], args.tol)
    print("identical" if ok else "DIFFERENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
