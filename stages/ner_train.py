"""Training and evaluation data for the name recogniser (:mod:`stages.ner`), from NewsFANE.

NewsFANE Gold (Alotaibi & Lee, COLING 2014, CC BY-SA 3.0) is read from where the user keeps
it (``../shared/data/newsfane/``); it is never copied into the project.  Its format:
``token<TAB>fine-tag`` lines, UTF-8 with BOM, CRLF, every token behind a U+200E mark, one
line with a lone tab between sentences.  Its text is already normalised (no hamza on alef)
and clitics are split (``و قال``, ``ل وزارة``, ``ان ه``, ``ارباح ها``); the pipeline's words
keep them attached.  :func:`to_words` turns a NewsFANE sentence into the pipeline's view:

- a proclitic token و ف ب ل ك joins the word after it (``و قال`` → ``وقال``, ``و ب الوزارة``
  → ``وبالوزارة``), ل before the article drops the article's alef as Arabic writes it
  (``ل الاتحاد`` → ``للاتحاد``); single letters of abbreviations stay apart (``د ب ا``,
  ``ا ف ب`` are three words in our text too);
- a pronoun suffix token (ه ها هم هما هن نا ي ني كم ك ت, and ن before ي) joins the word
  before it (``ان ه`` → ``انه``); ك is a suffix after a word unless ما or an ال-word follows;
- every token is folded with :func:`stages.textnorm.fold` (ة→ه, ى→ي, ؤ/ئ), the tokens are
  joined by spaces and cut into words with :class:`stages.words.Words`, so punctuation
  tokens become the gaps between words, as in a real article;
- a joined word takes its host's label (a clitic tagged ``B-`` before an ``I-`` host keeps
  the ``B-``); a token that our word pattern cuts in two gives ``I-`` to the rest.

Fine-grained tags are mapped to four types (:data:`COARSE`): persons (Politician,
Athlete, Artist, Businessperson, Scientist, Police, Lawyer, Engineer, Religious_PER,
Other_PER) → PERS; organisations (Government, Non-Governmental, Commercial, Educational,
Sports, Medical-Science, Entertainment, Religious_ORG) → ORG; news outlets (Media) → MEDIA;
places (Nation, Population-Center, State-or-Province, County-or-District, GPE-Cluster,
Continent, Water-Body, Land-Region-Natural, Celestial) → LOC.  Everything else is O:
Group (العرب، المسلمين — gentilic plurals, not names), facilities, vehicles, weapons and
products (Building-Grounds, Airport, Path, Book, Movie, Software …).
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, make
from .textnorm import fold
from .words import Words

COARSE = {}
for _t in ("Politician", "Athlete", "Artist", "Businessperson", "Scientist", "Police", "Lawyer",
           "Engineer", "Religious_PER", "Other_PER"):
    COARSE[_t] = "PERS"
for _t in ("Government", "Non-Governmental", "Commercial", "Educational", "Sports", "Medical-Science",
           "Entertainment", "Religious_ORG"):
    COARSE[_t] = "ORG"
COARSE["Media"] = "MEDIA"
for _t in ("Nation", "Population-Center", "State-or-Province", "County-or-District", "GPE-Cluster",
           "Continent", "Water-Body", "Land-Region-Natural", "Celestial"):
    COARSE[_t] = "LOC"

PROCLITIC_TOKENS = frozenset("وفبلك")
ENCLITIC_TOKENS = frozenset(("ه", "ها", "هم", "هما", "هن", "نا", "ي", "ني", "كم", "كما", "ك", "ت"))
# the hold-out: these tenths of the file (contiguous runs of sentences, so that sentences
# of one article mostly stay on one side), about 20 % of the tokens
N_BLOCKS = 10
HOLDOUT_BLOCKS = (2, 7)
# chosen on block 4 (inside the training part): c1 0.4 gave the best F1 and the smallest file
PARAMS = {"c1": 0.4, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}


@dataclass
class Sample:
    forms: list[str]
    gaps: list[str]
    labels: list[str]
    proclitic: list[bool] = field(default_factory=list)  # the word was re-joined from a split proclitic


@dataclass
class JoinStats:
    tokens: int = 0
    proclitics_joined: int = 0
    enclitics_joined: int = 0
    words: int = 0


def coarse(tag: str) -> str:
    if tag == "O" or len(tag) < 3:
        return "O"
    t = COARSE.get(tag[2:])
    return f"{tag[:2]}{t}" if t else "O"


def read_newsfane(path: str | Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, fine tag); raises E305 on a file that is not NewsFANE."""
    p = Path(path)
    if not p.is_file():
        raise make(ConfigError, "E305", path=p, error="no such file")
    sents: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    bad = 0
    for line in p.read_text(encoding="utf-8-sig").splitlines():
        tok, _, tag = line.partition("\t")
        tok = tok.replace("\u200e", "").strip()
        tag = tag.strip()
        if not tok:
            if cur:
                sents.append(cur)
                cur = []
            continue
        if tag != "O" and not tag.startswith(("B-", "I-")):
            bad += 1
            continue
        cur.append((tok, tag))
    if cur:
        sents.append(cur)
    n = sum(map(len, sents))
    if n == 0 or bad > n // 100:
        raise make(ConfigError, "E305", path=p, error=f"{n} tokens read, {bad} lines without a BIO tag")
    return sents


def _alpha(t: str) -> bool:
    return t[:1].isalpha()


def to_words(sent: list[tuple[str, str]], stats: JoinStats | None = None) -> Sample:
    """One NewsFANE sentence in the pipeline's word view (see the module docstring)."""
    toks = [(fold(t), coarse(g)) for t, g in sent]
    n = len(toks)
    merged: list[list] = []  # [text, label, has_proclitic, is_word]
    pend = ""
    pend_label = None
    joined_p = joined_e = 0
    for i, (t, lab) in enumerate(toks):
        prev = toks[i - 1][0] if i else ""
        nxt = toks[i + 1][0] if i + 1 < n else ""
        if t in ENCLITIC_TOKENS and not pend and merged and merged[-1][3] and _alpha(prev) \
                and not (t == "ك" and (nxt == "ما" or nxt.startswith("ال"))):
            merged[-1][0] += t
            joined_e += 1
            continue
        if t == "ن" and nxt == "ي" and merged and merged[-1][3] and _alpha(prev) and not pend:
            merged[-1][0] += t  # ان ن ي -> انني
            joined_e += 1
            continue
        if t in PROCLITIC_TOKENS and not (len(prev) == 1 and _alpha(prev) and prev not in PROCLITIC_TOKENS):
            k = i + 1
            while k < n and toks[k][0] in PROCLITIC_TOKENS:
                k += 1
            if k < n and _alpha(toks[k][0]) and len(toks[k][0]) > 1:
                if not pend:
                    pend_label = lab
                pend += t
                joined_p += 1
                continue
        if pend:
            host = t
            if pend.endswith("ل") and host.startswith("ال") and len(host) > 2:
                host = host[1:]  # ل + الاتحاد -> للاتحاد
            label = lab
            if pend_label and pend_label.startswith("B-") and lab == "I-" + pend_label[2:]:
                label = pend_label
            merged.append([pend + host, label, True, True])
            pend = ""
            pend_label = None
            continue
        merged.append([t, lab, False, _alpha(t) or t[:1].isdigit()])
    if pend:
        merged.append([pend, pend_label or "O", False, True])
    # a text with the tokens' offsets, cut into words as the pipeline cuts an article
    parts = []
    owner = []  # (start, end, label, proclitic) per merged token
    pos = 0
    for text, lab, proc, _ in merged:
        parts.append(text)
        owner.append((pos, pos + len(text), lab, proc))
        pos += len(text) + 1
    text = " ".join(parts)
    words = Words.of(text)
    labels: list[str] = []
    procs: list[bool] = []
    k = 0
    last_tok = -1
    for s in words.starts:
        while owner[k][1] <= s:
            k += 1
        lab = owner[k][2]
        if k == last_tok and lab != "O":
            lab = "I-" + lab[2:]  # the rest of a token our word pattern cut in two
        labels.append(lab)
        procs.append(owner[k][3] and k != last_tok)
        last_tok = k
    gaps = [_gap(text, words, j) for j in range(len(words) + 1)]
    if stats is not None:
        stats.tokens += n
        stats.proclitics_joined += joined_p
        stats.enclitics_joined += joined_e
        stats.words += len(words)
    return Sample(list(words.forms), gaps, labels, procs)


def _gap(text: str, words: Words, j: int) -> str:
    from .ner import gap_class
    if j == 0:
        return "d"  # a sentence starts, as after a full stop
    if j == len(words):
        return gap_class(text[words.ends[j - 1]:]) or "d"
    return gap_class(words.gap(j - 1, j))


def split(samples: list) -> tuple[list, list]:
    """(train, hold-out): the hold-out is blocks :data:`HOLDOUT_BLOCKS` of
    :data:`N_BLOCKS` contiguous runs of sentences."""
    n = len(samples)
    train, held = [], []
    for i, s in enumerate(samples):
        (held if i * N_BLOCKS // n in HOLDOUT_BLOCKS else train).append(s)
    return train, held


def load_samples(path: str | Path) -> tuple[list[Sample], JoinStats]:
    stats = JoinStats()
    return [to_words(s, stats) for s in read_newsfane(path)], stats


def clitic_tables(samples: list[Sample], lex) -> tuple[list[str], list[str]]:
    """Forms where NewsFANE's spelling overrides the clitic rules of :class:`stages.ner.Clitics`:
    (whole: written as one word, the rules would split; split: re-joined, the rules would not)."""
    from .ner import Clitics
    seen_split: Counter = Counter()
    seen_whole: Counter = Counter()
    for s in samples:
        for w, p in zip(s.forms, s.proclitic):
            if len(w) > 2 and w[0] in "وفبلك":
                (seen_split if p else seen_whole)[w] += 1
    rules = Clitics(lex, frozenset(), frozenset())
    whole = sorted(w for w, c in seen_whole.items() if c > seen_split[w] and rules.prefix(w))
    split_ = sorted(w for w, c in seen_split.items() if c > seen_whole[w] and not rules.prefix(w))
    return whole, split_


def train(samples: list[Sample], out: str | Path, lex, params: dict | None = None,
          meta: dict | None = None) -> dict:
    """Train a CRF on ``samples`` and write ``out`` (+ ``out.json`` with the clitic tables
    and the training facts). Deterministic: same samples, lexicons and parameters give
    the same file."""
    import pycrfsuite

    from .ner import Features
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    feats = Features(lex)
    trainer = pycrfsuite.Trainer(verbose=False)
    for s in samples:
        trainer.append(feats.sequence(s.forms, s.gaps), s.labels)
    p = dict(PARAMS, **(params or {}))
    trainer.set_params(p)
    t0 = time.perf_counter()
    tmp = out.with_name(out.name + ".tmp")
    trainer.train(str(tmp))
    secs = time.perf_counter() - t0
    tmp.replace(out)
    whole, split_ = clitic_tables(samples, lex)
    info = dict(meta or {})
    info.update({"params": p, "train_sentences": len(samples), "train_words": sum(len(s.forms) for s in samples),
                 "clitic_whole": whole, "clitic_split": split_})
    out.with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return {"seconds": secs, "bytes": out.stat().st_size, **{k: info[k] for k in ("train_sentences", "train_words")}}


def entity_scores(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Exact-span entity precision, recall and F1 per type and micro-averaged."""
    from .ner import TYPES, spans
    tp: Counter = Counter()
    ng: Counter = Counter()
    np_: Counter = Counter()
    for g, p in zip(gold, pred):
        gs = set(spans(g))
        ps = set(spans(p))
        for s in gs:
            ng[s[2]] += 1
        for s in ps:
            np_[s[2]] += 1
        for s in gs & ps:
            tp[s[2]] += 1
    out = {}
    for t in (*TYPES, "micro"):
        a, b, c = (sum(x[k] for k in TYPES) if t == "micro" else x[t] for x in (tp, ng, np_))
        prec = a / c if c else 0.0
        rec = a / b if b else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[t] = {"precision": prec, "recall": rec, "f1": f1, "gold": b, "predicted": c}
    return out
