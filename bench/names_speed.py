"""What the name recogniser costs, before and after a change, measured in one process.

    python bench/names_speed.py --against main --docs 1000 --repeat 5

On ``--docs`` articles spread over the corpus (as ``bench/compare_outputs.py`` picks them):

1. The pipeline runs once, and every question the rules ask the recogniser (the
   :class:`stages.names.DocNames` calls ``at``, ``covering``, ``first_in``, with the cue
   words it is built with) is recorded per article.
2. **Recogniser alone**: the questions are asked again of a fresh ``DocNames`` per
   article, with this checkout's recogniser (B) and with ``--against REV``'s (A: its
   ``stages/`` extracted by ``git archive`` and imported as ``stages_base``), in turns,
   ``--repeat`` times, with warm per-form caches; the ``prob`` of every entity handed back
   is read, as the callers read it.  CPU µs per tagged word (words of the merged windows of
   A's calls) and ms per article (all articles, tagged or not).
3. **Whole pipeline** (tokenizer, every stage, the output rows as ``run.py bench`` (b)
   builds them; no writing), in turns with ``spacy.blank("ar")`` tokenisation of the same
   texts: the recogniser of A, of B, and switched off (the content stage's tagger set to
   None, which is what ``[names] recogniser = false`` does).

It prints every repeat and the median and spread (min-max) of the ratios; CPU time of this
process, so the load of a shared machine moves all phases alike.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_outputs import DEFAULT_CORPUS  # noqa: E402


def load_texts(corpus: Path, n: int) -> list[str]:
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        texts = [t for t in (json.loads(line).get("text") or "" for line in f if line.strip()) if t.strip()]
    return texts[::max(1, len(texts) // n)][:n]


def base_package(rev: str, tmp: Path):
    """``rev``'s stages/ as the package ``stages_base`` (the recogniser's modules import
    each other relatively)."""
    archive = subprocess.run(["git", "archive", rev, "stages", "config"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    (tmp / "stages").rename(tmp / "stages_base")
    # without the package's own __init__, which registers the spaCy components again
    (tmp / "stages_base" / "__init__.py").write_text("", encoding="utf-8")
    sys.path.insert(0, str(tmp))
    import stages_base.names
    import stages_base.ner
    return stages_base


def record(nlp, texts: list[str]):
    """Per article: the Words, the cue words DocNames is built with and the questions."""
    import stages.names as names
    cls = names.DocNames
    log: dict[int, tuple] = {}  # id(DocNames) -> (DocNames, anchors, questions)
    saved = {m: getattr(cls, m) for m in ("__init__", "at", "covering", "first_in")}

    def init(self, tagger, words, anchors=()):
        saved["__init__"](self, tagger, words, anchors)
        log[id(self)] = (self, list(anchors), [])

    def asker(meth):
        def ask(self, *args, **kw):
            log[id(self)][2].append((meth, args, kw))
            return saved[meth](self, *args, **kw)
        return ask

    cls.__init__ = init
    for m in ("at", "covering", "first_in"):
        setattr(cls, m, asker(m))
    docs = []
    try:
        for text in texts:
            log.clear()
            doc = nlp(text)
            words = doc.user_data["isnad_words"]
            mine = [(a, q) for dn, a, q in log.values() if dn.words is words]
            anchors, qs = mine[0] if mine else ([], [])
            docs.append((words, anchors, qs))
            words.names = None
    finally:
        for m, f in saved.items():
            setattr(cls, m, f)
    return docs


def replay(DocNames, tagger, docs) -> None:
    for words, anchors, qs in docs:
        if not qs:
            continue
        dn = DocNames(tagger, words, anchors)
        for meth, args, kw in qs:
            e = getattr(dn, meth)(*args, **kw)
            if e is not None:
                e.prob  # noqa: B018 (the callers read it)


def tagged_words(names_mod, tagger, docs) -> int:
    """Words of the merged windows of every tagging call the questions cause."""
    from stages.ner import merge_windows
    total = 0
    plain = type(tagger).entities_in

    def count(self, words, windows, *a, **k):
        nonlocal total
        total += sum(b - a_ for a_, b, _ in merge_windows(windows, len(words)))
        return plain(self, words, windows, *a, **k)
    type(tagger).entities_in = count
    try:
        replay(names_mod.DocNames, tagger, docs)
    finally:
        type(tagger).entities_in = plain
    return total


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} (range {min(xs):.2f}-{max(xs):.2f})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="main", metavar="REV", help="revision A (default main)")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--skip-pipeline", action="store_true", help="only the recogniser alone")
    args = ap.parse_args(argv)

    import spacy

    import stages.content
    import stages.names
    from pipeline.engines import get_nlp
    from pipeline.extract import Record, doc_rows
    from stages.ner import NameTagger

    texts = load_texts(Path(args.corpus), args.docs)
    n = len(texts)
    nlp = get_nlp(None)
    content = nlp.get_pipe("isnad_content")
    docs = record(nlp, texts)
    clock = time.process_time
    with tempfile.TemporaryDirectory(prefix="isnad-names-speed-") as tmp:
        base = base_package(args.against, Path(tmp))
        tag_a, tag_b = base.ner.NameTagger.load(), NameTagger.load()
        words_a = tagged_words(base.names, tag_a, docs)  # also warms A's caches
        words_b = tagged_words(stages.names, tag_b, docs)
        asked = sum(1 for _, _, qs in docs if qs)
        print(f"{n} articles, {asked} asked the recogniser, {sum(len(q) for _, _, q in docs)} questions; "
              f"{words_a / n:.0f} words tagged per article (A's calls; B: {words_b / n:.0f})")
        print("recogniser alone (CPU):           A us/word  A ms/art   B us/word  B ms/art   A/B")
        ratios = []
        for r in range(args.repeat):
            t = clock()
            replay(base.names.DocNames, tag_a, docs)
            ta = clock() - t
            t = clock()
            replay(stages.names.DocNames, tag_b, docs)
            tb = clock() - t
            ratios.append(ta / tb)
            print(f"  repeat {r + 1}:{'':23}{ta / words_a * 1e6:9.2f} {ta / n * 1e3:9.3f}   "
                  f"{tb / words_a * 1e6:9.2f} {tb / n * 1e3:9.3f}   {ta / tb:5.2f}")
        print(f"  A/B: {spread(ratios)}")
        if args.skip_pipeline:
            return 0

        blank = spacy.blank("ar")
        records = [Record(str(k), t) for k, t in enumerate(texts)]
        doc_names = stages.content.DocNames

        def tokenise() -> None:
            for _ in blank.pipe(texts, batch_size=64):
                pass

        def pipeline(tagger, names_cls) -> None:
            content.tagger = tagger
            stages.content.DocNames = names_cls
            for doc, k in nlp.pipe(((t, k) for k, t in enumerate(texts)), as_tuples=True, batch_size=64):
                doc_rows(doc, records[k])

        phases = {"tokenise": tokenise,
                  "on (A)": lambda: pipeline(tag_a, base.names.DocNames),
                  "on (B)": lambda: pipeline(tag_b, doc_names),
                  "off": lambda: pipeline(None, doc_names)}
        for f in phases.values():  # warm up
            f()
        times: dict[str, list[float]] = {k: [] for k in phases}
        print("whole pipeline (CPU ms/article):  " + "  ".join(f"{k:>9}" for k in phases)
              + "   on(B)/tok  off/tok  on(A)/tok  names A  names B")
        for r in range(args.repeat):
            for k, f in phases.items():
                t = clock()
                f()
                times[k].append((clock() - t) / n * 1e3)
            tt = {k: v[-1] for k, v in times.items()}
            print(f"  repeat {r + 1}:{'':22}" + "  ".join(f"{tt[k]:9.3f}" for k in phases)
                  + f"   {tt['on (B)'] / tt['tokenise']:9.2f} {tt['off'] / tt['tokenise']:8.2f} "
                  f"{tt['on (A)'] / tt['tokenise']:9.2f} {tt['on (A)'] - tt['off']:8.3f} {tt['on (B)'] - tt['off']:8.3f}")
        content.tagger = tag_b
        stages.content.DocNames = doc_names
        rt = times["tokenise"]
        for k in ("on (A)", "on (B)", "off"):
            print(f"  {k:7} / tokenise: {spread([a / b for a, b in zip(times[k], rt)])}")
        print(f"  names cost A (on(A) - off): {spread([a - b for a, b in zip(times['on (A)'], times['off'])])} ms/article; "
              f"B: {spread([a - b for a, b in zip(times['on (B)'], times['off'])])} ms/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
