"""Name recogniser: person, organisation, place and outlet names in a window of words.

A linear-chain CRF (python-crfsuite) trained on NewsFANE Gold (Alotaibi & Lee, COLING
2014; see ``stages/models/NOTICE.md``) over the pipeline's own word view: the words of
:class:`stages.words.Words` over folded text, clitics *not* split (``وقال``, ``والوزير``,
``لرويترز``).  The training tokens were re-joined to look like that
(:mod:`stages.ner_train`), so the model sees at run time what it saw in training.

It learns where a name ends from evidence, not a list (tests/test_ner.py has the rows)::

    وقال الناطق باسم الجيش الإسرائيلي [افيخاي ادرعي] إن     (a name after an organisation)
    وقال الدكتور [محمد الخميس] إن                           (a surname that is a weekday)
    وقال وزير الخارجية السوري [وليد المعلم] إن               (و as a root letter)

and still misses some (``… في غزة أشرف القدرة``, ``وقال محمد الخميس إن الدراسة …``): the
``prob`` of an entity says how sure it is.

Use::

    tagger = NameTagger.load()                 # the shipped model, loaded once per process
    tagger.tag(["وقال", "عادل", "الجبير"])     # ['O', 'B-PERS', 'I-PERS']
    for e in tagger.entities(words, i0, i1):   # Entity(start_word, end_word, type, prob, clitic)
        ...

Speed: each word form's feature weights are summed once and cached, and one call decodes
all its windows together (:mod:`stages.ner_crf`): ~9 µs a word on the shared machine, so
call it only on the windows where a mention's end is in doubt (README, "Name recogniser").
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lexicon import Lexicon, load_lexicon
from .ner_crf import CRF
from .words import Words, bare

MODEL_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL = MODEL_DIR / "names.crfsuite"
TYPES = ("PERS", "ORG", "LOC", "MEDIA")
PROCLITICS = "وفبلك"
# lexicons also matched on a word's bare form (بالوزارة -> وزاره; وقال -> قال for cues)
_BARE_OK = frozenset(("fn", "ti", "or", "pl", "gr", "me", "an", "do", "ag", "cue"))
# words of context tagged on each side of a window, so that the first word of a window
# is not read as the start of a sentence (training sequences are whole sentences)
MARGIN = 3
PROB_CONTEXT = 2
_CACHE_MAX = 60_000  # forms kept (features for training; 5 × 9 weights at run time: ~22 MB)


@dataclass(frozen=True, slots=True)
class Entity:
    """Words ``start_word … end_word - 1`` name a ``type`` (PERS, ORG, LOC, MEDIA).

    ``prob`` is the lowest per-word marginal probability of the entity's labels (and of
    the word after it not continuing it): a lower bound-like confidence in [0, 1].
    ``clitic`` is the separable proclitic on the first word ("و" in والرئيس, "ل" in
    لرويترز, "" in وليد) so a caller can start the mention after it.
    """

    start_word: int
    end_word: int
    type: str
    prob: float
    clitic: str = ""


# --- features -----------------------------------------------------------------------

def gap_class(gap: str) -> str:
    """The punctuation between two words, as one short class: '' for spaces only."""
    if not gap or gap.isspace():
        return ""
    out = []
    for ch, cls in (("،,", "c"), (".!؟?", "d"), ("«»“”\"'„‹›", "q"), ("(", "o"), (")", "x"),
                    (":", "k"), ("-ـ–—/", "h"), ("؛;", "s"), ("\n", "n")):
        if any(c in gap for c in ch):
            out.append(cls)
    return "".join(out) or "p"


class Features:
    """Feature strings of words for the CRF; per-form parts are cached.

    Gazetteer features read the project's lexicons through :func:`load_lexicon`, so a
    user's additions (a first name, an outlet alias) count at run time.
    """

    def __init__(self, lex: Lexicon, cache: bool = True):
        self.lex = lex
        self.cache = cache
        agency_words = frozenset(w for a in lex.agencies for k in a.keys for w in k)
        # one table: word -> the lexicons it is in (one lookup per variant of a word)
        gaz: dict[str, list[str]] = {}
        for name, table in (("fn", lex.first_names), ("ti", lex.titles), ("or", lex.organizations),
                            ("pl", lex.places), ("gr", lex.groups), ("me", lex.media_heads),
                            ("an", lex.anonymous), ("do", lex.documents), ("ag", agency_words),
                            ("bd", lex.boundaries), ("cm", lex.complementisers), ("cue", lex.cue_forms),
                            ("pr", lex.pronouns)):
            for x in table:
                gaz.setdefault(x, []).append(name)
        self.gaz = {k: tuple(v) for k, v in gaz.items()}
        self._own: dict[str, list[str]] = {}
        self._nb: dict[str, tuple[list[str], ...]] = {}

    def _flags(self, w: str) -> list[str]:
        """Gazetteer features: ``g:`` the word is in a lexicon, ``gb:`` it is once its
        clitics, article or و/ف are off (والوزير، وسامي)."""
        gaz = self.gaz
        b = bare(w)
        r = w[1:] if len(w) > 2 and w[0] in "وف" else w  # وسامي -> سامي
        exact = gaz.get(w, ())
        out = ["g:" + x for x in exact]
        for v in (b, r, "ال" + b):
            for x in gaz.get(v, ()):
                if x not in exact and ("gb:" + x) not in out and x in _BARE_OK:
                    out.append("gb:" + x)
        return out

    def own(self, w: str) -> list[str]:
        f = self._own.get(w)
        if f is None:
            b = bare(w)
            f = ["w=" + w, "b=" + b, "s2=" + w[-2:], "p2=" + w[:2], "p3=" + w[:3], "s1=" + w[-1:],
                 "s3=" + w[-3:], "s4=" + w[-4:], "bp2=" + b[:2], "bp3=" + b[:3], "bs2=" + b[-2:],
                 "bs3=" + b[-3:], "len=" + str(min(len(b), 9))]
            if w.isdigit():
                f.append("num")
            elif w.isascii():
                f.append("latin")
            if len(w) > 2 and w[0] in "وف":
                f.append("c0=" + w[0])
                f.append("r=" + w[1:])
            if w.startswith("ال") or (len(w) > 3 and w[0] in PROCLITICS and "ال" in w[1:4]) or w.startswith("لل"):
                f.append("def")
            f.extend(self._flags(w))
            if self.cache:
                if len(self._own) > _CACHE_MAX:
                    self._own.clear()
                    self._nb.clear()
                self._own[w] = f
        return f

    def neighbour(self, w: str, own: list[str] | None = None) -> tuple[list[str], ...]:
        """Features of ``w`` seen from the words at offsets -2, -1, +1, +2."""
        nb = self._nb.get(w)
        if nb is None:
            own = own or self.own(w)
            core = own[:3] + [x for x in own if x.startswith(("g:", "gb:", "def", "num", "latin"))]
            nb = tuple([f"{o}{x}" for x in core] for o in ("-2", "-1", "+1", "+2"))
            if self.cache:
                self._nb[w] = nb
        return nb

    def sequence(self, forms: list[str], gaps: list[str] | None = None) -> list[list[str]]:
        """Features of each word; ``gaps[i]`` is the gap class before word ``i`` (and
        ``gaps[len(forms)]`` after the last), '' when unknown."""
        n = len(forms)
        if gaps is None:
            gaps = [""] * (n + 1)
        nbs = [self.neighbour(w) for w in forms]
        out = []
        for i, w in enumerate(forms):
            f = list(self.own(w))
            f.append("gp=" + gaps[i])
            f.append("ga=" + gaps[i + 1])
            if i == 0:
                f.append("BOS")
            else:
                f.extend(nbs[i - 1][1])
                f.append("w-1|w=" + forms[i - 1] + "|" + w)
                if i > 1:
                    f.extend(nbs[i - 2][0])
            if i == n - 1:
                f.append("EOS")
            else:
                f.extend(nbs[i + 1][2])
                if i + 2 < n:
                    f.extend(nbs[i + 2][3])
            out.append(f)
        return out


def window_gaps(words: Words, j0: int, j1: int) -> list[str]:
    """Gap classes before each word of ``words[j0:j1]`` and after the last one."""
    text, starts, ends = words.text, words.starts, words.ends
    n = len(words)
    out = [gap_class(text[ends[j0 - 1]:starts[j0]]) if j0 > 0 else "d"]
    for j in range(j0 + 1, j1):
        a, b = ends[j - 1], starts[j]
        out.append("" if b - a == 1 and text[a] == " " else gap_class(text[a:b]))
    out.append(gap_class(text[ends[j1 - 1]:starts[j1]]) if j1 < n else "d")
    return out


def spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end_exclusive, type) of the BIO runs; an I- without its B- starts one."""
    out = []
    start = typ = None
    for i, lab in enumerate(labels + ["O"]):
        if lab == "O" or lab.startswith("B-") or (lab.startswith("I-") and lab[2:] != typ):
            if typ is not None:
                out.append((start, i, typ))
                typ = None
            if lab != "O":
                start, typ = i, lab[2:]
    return out


# --- clitics ------------------------------------------------------------------------

class Clitics:
    """Whether the first letters of a word are a separable proclitic (و، ف، ب، ل، ك).

    Evidence, in order: the lexicons (وليد، فيصل are first names: no clitic); how NewsFANE
    wrote the form (``whole`` forms such as وزير، بيان, ``split`` ones such as و+سامي);
    a remainder that is a lexicon word (وسامي → سامي); the article after the clitic
    (والرئيس، بالوزارة، للامم).
    """

    def __init__(self, lex: Lexicon, whole: frozenset[str], split: frozenset[str]):
        self.lex = lex
        self.whole = whole
        self.split = split
        self.known = lex.first_names | lex.titles | lex.organizations | lex.places | lex.groups \
            | lex.media_heads | frozenset(w for a in lex.agencies for k in a.keys for w in k)

    def prefix(self, w: str) -> str:
        """The separable proclitic letters at the start of ``w`` ("" when none)."""
        if len(w) < 3 or w[0] not in PROCLITICS:
            return ""
        if w.startswith("لل") and len(w) > 4:
            return "ل"  # ل + the article (للامم = ل + الامم), even where NewsFANE kept it whole
        if w in self.known or w in self.whole:
            return ""
        c = w[0]
        rest = w[1:]
        if c in "وف" and len(rest) > 2 and rest[0] in "بلك" and rest not in self.known and rest not in self.whole:
            inner = self.prefix(rest)
            if inner:
                return c + inner  # وبالوزارة، ولرويترز
        if w in self.split or rest in self.known:
            return c
        if w.startswith("لل") or rest.startswith("ال"):
            return c
        return ""


# --- the tagger ---------------------------------------------------------------------

class NameTagger:
    """A loaded name model: ``tag`` labels forms, ``entities`` finds names in a window."""

    def __init__(self, model_path: Path, lex: Lexicon, meta: dict):
        self.path = Path(model_path)
        self.meta = meta
        self.features = Features(lex, cache=False)  # each form's weights are kept instead
        self.clitics = Clitics(lex, frozenset(meta.get("clitic_whole", ())), frozenset(meta.get("clitic_split", ())))
        self.crf = CRF(self.path)
        self.labels = self.crf.labels
        w = self.crf.vector
        self._bos, self._eos = w(["BOS"]), w(["EOS"])
        self._rows: dict[str, int] = {}
        self._store = np.zeros((1024, 5, self.crf.n))
        self._gaps: dict[str, int] = {}
        self._gap_store: list[np.ndarray] = []
        self._gap_arr = np.zeros((0, 2, self.crf.n))

    @classmethod
    def load(cls, path: str | Path | None = None, config_path: str | None = None) -> "NameTagger":
        """The model at ``path`` (default: the shipped ``stages/models/names.crfsuite``),
        loaded once per process and configuration. Raises E306 when it is missing."""
        return _load(str(path or DEFAULT_MODEL), config_path)

    def _row(self, w: str) -> int:
        """Row of a form in the weight store: its features as the word itself and as a
        neighbour at -2, -1, +1, +2 (row 0 is all zeros: no word)."""
        r = self._rows.get(w)
        if r is None:
            if len(self._rows) >= _CACHE_MAX:
                self._rows.clear()
            r = len(self._rows) + 1
            if r >= len(self._store):
                grown = np.zeros((2 * len(self._store), 5, self.crf.n))
                grown[:len(self._store)] = self._store
                self._store = grown
            f = self.features
            own = f.own(w)
            self._store[r] = self.crf.vectors([own, *f.neighbour(w, own)])
            self._rows[w] = r
        return r

    def _gap_row(self, g: str) -> int:
        r = self._gaps.get(g)
        if r is None:
            r = self._gaps[g] = len(self._gap_store)
            self._gap_store.append(np.stack([self.crf.vector(["gp=" + g]), self.crf.vector(["ga=" + g])]))
            self._gap_arr = np.stack(self._gap_store)
        return r

    def emissions(self, seqs: list[tuple[list[str], list[str] | None]]) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Label scores (rows × labels) of several word sequences at once, with each
        sequence's row range: the features of :meth:`Features.sequence`, summed from
        per-form rows."""
        rows: list[int] = []
        m1: list[int] = []
        m2: list[int] = []
        p1: list[int] = []
        p2: list[int] = []
        gb: list[int] = []
        bounds = []
        row, gap = self._row, self._gap_row
        for forms, gaps in seqs:
            n = len(forms)
            r = [row(w) for w in forms]
            m1 += ([0] + r)[:n]
            m2 += ([0, 0] + r)[:n]
            p1 += r[1:] + [0]
            p2 += (r[2:] + [0, 0])[:n]
            gb += [gap(g) for g in (gaps or [""] * (n + 1))]
            bounds.append((len(rows), len(rows) + n))
            rows += r
        st = self._store
        em = st[rows, 0] + st[m1, 2] + st[m2, 1] + st[p1, 3] + st[p2, 4]
        ga = self._gap_arr
        gidx = np.asarray(gb)
        # gap g_i is before word i ("gp=") and after word i-1 ("ga="); each sequence has n+1 gaps
        before = np.concatenate([gidx[s + k:e + k] for k, (s, e) in enumerate(bounds)])
        after = np.concatenate([gidx[s + k + 1:e + k + 1] for k, (s, e) in enumerate(bounds)])
        em += ga[before, 0] + ga[after, 1]
        get = self.crf.weights.get
        for (forms, _), (s, e) in zip(seqs, bounds):
            em[s] += self._bos
            em[e - 1] += self._eos
            for i in range(1, e - s):
                v = get("w-1|w=" + forms[i - 1] + "|" + forms[i])
                if v is not None:
                    em[s + i] += v
        return em, bounds

    def tag(self, forms: list[str], gaps: list[str] | None = None) -> list[str]:
        """BIO labels (``B-PERS``, ``I-ORG``, ``O`` …) for normalised word forms; ``gaps``
        are the :func:`gap_class` of the punctuation before each word and after the last."""
        if not forms:
            return []
        em, bounds = self.emissions([(forms, gaps)])
        return [self.labels[y] for y in self.crf.decode(em, bounds)]

    def entities(self, words: Words, i0: int, i1: int) -> list[Entity]:
        """Names that start in ``words[i0:i1]``, with their full extent (a name may end
        after ``i1``: up to ``MARGIN`` more words are read on each side)."""
        return self.entities_in(words, [(i0, i1)])

    def entities_in(self, words: Words, windows: list[tuple[int, int]]) -> list[Entity]:
        """Names that start in any of the word windows ``[(i0, i1), …]``, in text order.
        Overlapping windows (the cues of one sentence) are tagged once, and all windows
        of a call in one pass: give every window of an article in one call."""
        regions = merge_windows(windows, len(words))
        if not regions:
            return []
        forms = words.forms
        em, bounds = self.emissions([(forms[j0:j1], window_gaps(words, j0, j1)) for j0, j1, _ in regions])
        ys = self.crf.decode(em, bounds)
        labels = self.labels
        out = []
        for (j0, _, wins), (lo, hi) in zip(regions, bounds):
            for a, b, typ in spans([labels[y] for y in ys[lo:hi]]):
                w0 = j0 + a
                if not any(x <= w0 < y for x, y in wins):
                    continue
                # the span's probability in the CRF over it and PROB_CONTEXT words each side
                s, e = max(lo, lo + a - PROB_CONTEXT), min(hi, lo + b + PROB_CONTEXT)
                prob = self.crf.span_prob(em, (s, e), s, e, lo + a, lo + b, ys[lo + a:lo + b])
                out.append(Entity(w0, w0 + b - a, typ, round(prob, 4), self.clitics.prefix(forms[w0])))
        return out


def merge_windows(windows: list[tuple[int, int]], n: int) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Regions to tag for word windows of a text of ``n`` words: each window clipped and
    widened by ``MARGIN``, overlapping ones merged; with the windows each region serves."""
    regions: list[tuple[int, int, list[tuple[int, int]]]] = []
    for a, b in sorted((max(0, a), min(n, b)) for a, b in windows):
        if a >= b:
            continue
        r0, r1 = max(0, a - MARGIN), min(n, b + MARGIN)
        if regions and r0 <= regions[-1][1]:
            p0, p1, ws = regions[-1]
            ws.append((a, b))
            regions[-1] = (p0, max(p1, r1), ws)
        else:
            regions.append((r0, r1, [(a, b)]))
    return regions


@lru_cache(maxsize=4)
def _load(path: str, config_path: str | None) -> NameTagger:
    from .errors import BackendError, make
    p = Path(path)
    if not p.is_file():
        raise make(BackendError, "E306", path=p)
    meta_path = p.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    return NameTagger(p, load_lexicon(config_path), meta)
