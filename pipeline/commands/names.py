"""``python run.py models train-names|eval-names``: the name recogniser's model.

    python run.py models train-names [--data NEWSFANE.txt] [--out stages/models/names.crfsuite]
    python run.py models eval-names  [--data NEWSFANE.txt] [--model PATH]
                                     [--gold GOLD.jsonl ...] [--corpus saudinewsnet.jsonl.gz --docs N]

``train-names`` trains the CRF of :mod:`stages.ner` on the NewsFANE sentences outside the
hold-out (deterministic: same data, lexicons and parameters give the same file) and writes
the model and its ``.json`` beside it.  ``eval-names`` prints entity precision, recall and F1
per type on the hold-out; with ``--gold``, how often the recogniser finds the gold
speaker's name in the window beside its cue; with ``--corpus``, the tagging cost per article
if every cue window were tagged.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from bisect import bisect_right
from pathlib import Path

from stages.lexicon import load_lexicon
from stages.ner import DEFAULT_MODEL, TYPES, NameTagger, merge_windows
from stages.ner_train import HOLDOUT_BLOCKS, N_BLOCKS, PARAMS, entity_scores, load_samples, split, train
from stages.textnorm import fold, normalize_text
from stages.words import Words, bare, strip_conj

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "newsfane" / "NewsFANE_Gold_2014_170K.txt"
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "saudinewsnet.jsonl.gz"
WINDOW_AFTER = 20   # words read after a cue for its subject (VSO)
WINDOW_BEFORE = 10  # and before it (SVO)


def cmd_train(args) -> int:
    samples, stats = load_samples(args.data)
    tr, _ = split(samples)
    if args.limit:
        tr = tr[:args.limit]
    meta = {"data": Path(args.data).name, "holdout_blocks": list(HOLDOUT_BLOCKS), "n_blocks": N_BLOCKS,
            "join": {"tokens": stats.tokens, "proclitics_joined": stats.proclitics_joined,
                     "enclitics_joined": stats.enclitics_joined, "words": stats.words}}
    params = {"max_iterations": args.max_iterations} if args.max_iterations else None
    args.out = args.out or str(DEFAULT_MODEL)  # --out is shared with train-confidence
    r = train(tr, args.out, load_lexicon(args.config), params=params, meta=meta)
    joined = stats.proclitics_joined + stats.enclitics_joined
    print(f"NewsFANE: {stats.tokens:,} tokens -> {stats.words:,} words; {joined:,} clitic tokens re-joined "
          f"({joined / stats.tokens:.1%}: {stats.proclitics_joined:,} proclitics, {stats.enclitics_joined:,} suffixes)")
    print(f"trained on {r['train_sentences']:,} sentences ({r['train_words']:,} words) in {r['seconds']:.1f} s")
    print(f"model: {args.out} ({r['bytes'] / 1e6:.2f} MB)")
    return 0


def holdout_report(tagger: NameTagger, data: str) -> str:
    samples, _ = load_samples(data)
    _, held = split(samples)
    t0 = time.process_time()
    pred = [tagger.tag(s.forms, s.gaps) for s in held]
    secs = time.process_time() - t0
    nw = sum(len(s.forms) for s in held)
    sc = entity_scores([s.labels for s in held], pred)
    lines = [f"NewsFANE hold-out (blocks {', '.join(map(str, HOLDOUT_BLOCKS))} of {N_BLOCKS} contiguous runs): "
             f"{len(held):,} sentences, {nw:,} words; model {tagger.path}",
             f"{'type':<6} {'precision':>9} {'recall':>7} {'f1':>6} {'gold':>6} {'predicted':>9}"]
    for t in (*TYPES, "micro"):
        r = sc[t]
        lines.append(f"{t:<6} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} {r['gold']:>6} {r['predicted']:>9}")
    lines.append(f"tagging: {secs / nw * 1e6:.1f} µs/word (CPU, whole sentences, first pass)")
    return "\n".join(lines)


# --- gold speakers (dev_gold / train_gold) --------------------------------------------

def _find_all(hay: str, needle: str) -> list[int]:
    out, i = [], hay.find(needle)
    while i >= 0 and needle:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def _name_alias(mention: str, aliases: list[str], kind: str, lex) -> str | None:
    """The name inside a gold mention: for a person the longest alias inside it that does
    not start with a title or a head noun (نومان عبدالزوبعي in قائد الفرقة … نومان
    عبدالزوبعي); for an organisation or outlet the mention itself unless it is one generic
    head (الوزارة، الشركة)."""
    heads = lex.titles | lex.organizations | lex.groups | lex.documents | lex.anonymous | lex.media_heads
    inside = sorted({a for a in map(fold, aliases) if a and a in mention}, key=len, reverse=True)
    if kind == "person":
        for a in inside:
            w0 = strip_conj(a.split()[0])
            if w0 not in heads and bare(w0) not in heads and "ال" + bare(w0) not in heads:
                return a
        return None
    ws = mention.split()
    if len(ws) == 1 and (ws[0] in heads or bare(ws[0]) in heads or "ال" + bare(ws[0]) in heads):
        return None
    return mention


def gold_windows(tagger: NameTagger, gold_path: str, lex) -> dict:
    """How often the recogniser finds the gold speaker's name in the window beside its cue."""
    res = {k: {"n": 0, "exact": 0, "end": 0, "overlap": 0, "typed": 0} for k in ("person", "organization")}
    res["no_name"] = {"n": 0, "pers_inside": 0}
    skipped = 0
    want = {"person": ("PERS",), "organization": ("ORG", "MEDIA", "LOC")}
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        nt = normalize_text(doc["text"])
        text = nt.text
        words = Words.of(text)
        for q in doc["quotes"]:
            kind = {"person": "person", "organization": "organization", "agency": "organization"}.get(q.get("speaker_type"))
            if kind is None or not q.get("speaker") or not q.get("cue"):
                continue
            spans = _locate(text, q)
            if spans is None:
                skipped += 1
                continue
            (cs, ce), (ms, me) = spans
            mention = text[ms:me]
            name = _name_alias(mention, q.get("speaker_aliases") or [], kind, lex)
            ci = bisect_right(words.starts, cs) - 1
            after = ms >= ce
            i0, i1 = (ci + 1, ci + 1 + WINDOW_AFTER) if after else (ci - WINDOW_BEFORE, ci)
            ents = tagger.entities(words, i0, i1)
            if name is None:
                if kind == "person":
                    m0, m1 = _word_span(words, ms, me)
                    res["no_name"]["n"] += 1
                    res["no_name"]["pers_inside"] += any(e.type == "PERS" and m0 <= e.start_word < m1 for e in ents)
                continue
            a = ms + mention.find(name)
            w0, w1 = _word_span(words, a, a + len(name))
            r = res[kind]
            r["n"] += 1
            typed = [e for e in ents if e.type in want[kind]]
            r["exact"] += any((e.start_word, e.end_word) == (w0, w1) for e in typed)
            r["end"] += any(e.end_word == w1 and e.start_word < w1 and e.end_word > w0 for e in typed)
            r["overlap"] += any(e.start_word < w1 and w0 < e.end_word for e in ents)
            r["typed"] += any(e.start_word < w1 and w0 < e.end_word for e in typed)
    res["skipped"] = skipped
    return res


def _word_span(words: Words, a: int, b: int) -> tuple[int, int]:
    return bisect_right(words.starts, a) - 1, bisect_right(words.starts, b - 1)


def _locate(text: str, q: dict) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(cue span, speaker mention span) in the folded text: the cue nearest the content,
    the mention nearest the cue (after it, or before it for SVO)."""
    content = fold(q["content"])
    occ = _find_all(text, content)
    k = q.get("occurrence", 0) or 0
    if not content or k >= len(occ):
        return None
    c0, c1 = occ[k], occ[k] + len(content)
    cue = fold(q["cue"])
    cues = [i for i in _find_all(text, cue) if c0 - 400 <= i <= c1 + 200]
    if not cues:
        return None
    cs = min(cues, key=lambda i: (c0 - i - len(cue)) if i < c0 else 10_000 + i - c1)
    ce = cs + len(cue)
    sp = fold(q["speaker"])
    cands = [i for i in _find_all(text, sp) if ce <= i <= ce + 250 or cs - 250 <= i + len(sp) <= cs]
    if not cands:
        return None
    ms = min(cands, key=lambda i: i - ce if i >= ce else 1_000 + cs - i)
    return (cs, ce), (ms, ms + len(sp))


def gold_report(tagger: NameTagger, paths: list[str], lex) -> str:
    lines = [f"gold speakers: the name in the window of {WINDOW_AFTER} words after the cue "
             f"({WINDOW_BEFORE} before it for a subject before the cue)",
             f"{'set':<18} {'speakers':<13} {'n':>4} {'exact':>6} {'end':>6} {'typed':>6} {'overlap':>7}"]
    for p in paths:
        r = gold_windows(tagger, p, lex)
        for kind in ("person", "organization"):
            x = r[kind]
            n = x["n"] or 1
            lines.append(f"{Path(p).name:<18} {kind:<13} {x['n']:>4} {x['exact'] / n:>6.3f} {x['end'] / n:>6.3f} "
                         f"{x['typed'] / n:>6.3f} {x['overlap'] / n:>7.3f}")
        nn = r["no_name"]
        lines.append(f"{Path(p).name:<18} person mentions without a name: {nn['n']}, a PERS tagged inside "
                     f"{nn['pers_inside']}; quotes not located: {r['skipped']}")
    lines.append("exact: an entity of the right type on the name's words; end: one ending where the name ends; "
                 "typed/overlap: one of the right type / of any type touching it")
    return "\n".join(lines)


# --- cost on real articles -------------------------------------------------------------

def corpus_cost(tagger: NameTagger, corpus: str, n_docs: int, lex) -> str:
    """Tag every cue window (cue forms of the lexicon) of the first ``n_docs`` articles."""
    import spacy
    opener = gzip.open if str(corpus).endswith(".gz") else open
    texts = []
    with opener(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line).get("text") or ""
            if t.strip():
                texts.append(t)
            if len(texts) >= n_docs:
                break
    cues = lex.cue_forms
    nlp = spacy.blank("ar")
    t0 = time.process_time()
    for t in texts:
        nlp.make_doc(t)
    tok = time.process_time() - t0
    docs = []
    for t in texts:
        words = Words.of(normalize_text(t).text)
        docs.append((words, [i for i, w in enumerate(words.forms) if w in cues or strip_conj(w) in cues]))
    n = len(texts)
    lines = [f"{n} articles of {Path(corpus).name}, {sum(len(c) for _, c in docs) / n:.1f} cue words per article; "
             f"spacy.blank('ar') tokenisation {tok / n * 1e3:.2f} ms/article (CPU)"]
    for before, after in ((WINDOW_BEFORE, WINDOW_AFTER), (0, 15)):
        for rep in ("first pass", "second pass"):
            nwords = 0
            t0 = time.process_time()
            for words, cs in docs:
                wins = [(i - before, i + 1 + after) for i in cs]
                nwords += sum(b - a for a, b, _ in merge_windows(wins, len(words)))
                tagger.entities_in(words, wins)
            secs = time.process_time() - t0
            lines.append(f"  windows of {before} words before and {after} after each cue, {rep}: {nwords / n:.0f} words "
                         f"tagged per article, {secs / n * 1e3:.2f} ms/article, {secs / max(nwords, 1) * 1e6:.1f} µs/word")
    return "\n".join(lines)


def cmd_eval(args) -> int:
    tagger = NameTagger.load(args.model, args.config)
    lex = load_lexicon(args.config)
    print(holdout_report(tagger, args.data))
    if args.gold:
        print()
        print(gold_report(tagger, args.gold, lex))
    if args.corpus:
        print()
        print(corpus_cost(tagger, args.corpus, args.docs, lex))
    return 0


def add_arguments(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("train-names / eval-names (the name recogniser)")
    g.add_argument("--data", default=str(DEFAULT_DATA), help=f"NewsFANE Gold file (default: {DEFAULT_DATA})")
    g.add_argument("--out", default=None, help="train-names: model file to write (default: the shipped one)")
    g.add_argument("--model", default=None, help="eval-names: model to evaluate (default: the shipped one)")
    g.add_argument("--limit", type=int, default=0, metavar="N", help="train-names: only the first N training sentences")
    g.add_argument("--max-iterations", type=int, default=0, metavar="N",
                   help=f"train-names: L-BFGS iterations (default: {PARAMS['max_iterations']})")
    g.add_argument("--gold", action="append", default=None, metavar="GOLD.jsonl",
                   help="eval-names: also score the gold speakers' names in their cue windows (repeatable)")
    g.add_argument("--corpus", default=None, metavar="PATH",
                   help=f"eval-names: also time the tagging of every cue window of --docs articles (e.g. {DEFAULT_CORPUS.name})")
    g.add_argument("--docs", type=int, default=1000, help="eval-names --corpus: articles (default: 1000)")
