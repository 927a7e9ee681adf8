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

Speed: each word form's feature weights are summed once and cached, and the calls on one
text share their scores and Viterbi passes (:mod:`stages.ner_decode`, :mod:`stages.ner_crf`):
~4 µs a tagged word on the shared machine, so call it only on the windows where a
mention's end is in doubt (README, "Name recogniser").
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .lexicon import Lexicon, load_lexicon
from .ner_crf import CRF, NEIGHBOUR_OFFSETS
from .ner_decode import Decoder, Memo
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
_CACHE_MAX = 60_000  # forms whose features are kept (training)
_CORE = ("g:", "gb:", "def", "num", "latin")  # own features a neighbour sees, beside the first three


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

    def _flags(self, w: str, b: str | None = None) -> list[str]:
        """Gazetteer features: ``g:`` the word is in a lexicon, ``gb:`` it is once its
        clitics, article or و/ف are off (والوزير، وسامي); ``b`` is ``bare(w)``."""
        gaz = self.gaz
        if b is None:
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
            f.extend(self._flags(w, b))
            if self.cache:
                if len(self._own) > _CACHE_MAX:
                    self._own.clear()
                    self._nb.clear()
                self._own[w] = f
        return f

    NEIGHBOUR_OFFSETS = NEIGHBOUR_OFFSETS

    @staticmethod
    def core(own: list[str]) -> list[str]:
        """Which of a word's own features its neighbours see (behind an offset): the
        form, its bare form, its first suffix, and the lexicon and shape flags."""
        return own[:3] + [x for x in own if x.startswith(_CORE)]

    def neighbour(self, w: str, own: list[str] | None = None) -> tuple[list[str], ...]:
        """Features of ``w`` seen from the words at offsets -2, -1, +1, +2."""
        nb = self._nb.get(w)
        if nb is None:
            own = own or self.own(w)
            core = self.core(own)
            nb = tuple([f"{o}{x}" for x in core] for o in NEIGHBOUR_OFFSETS)
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

class Entity:
    """Words ``start_word … end_word - 1`` name a ``type`` (PERS, ORG, LOC, MEDIA).

    ``prob`` is the lowest per-word marginal probability of the entity's labels (and of
    the word after it not continuing it): a lower bound-like confidence in [0, 1],
    computed the first time it is read.  ``clitic`` is the separable proclitic on the
    first word ("و" in والرئيس, "ل" in لرويترز, "" in وليد) so a caller can start the
    mention after it.
    """

    __slots__ = ("start_word", "end_word", "type", "clitic", "_prob", "_args")

    def __init__(self, start_word: int, end_word: int, type: str, prob: float | None = None,
                 clitic: str = "", _args: tuple | None = None):
        self.start_word = start_word
        self.end_word = end_word
        self.type = type
        self.clitic = clitic
        self._prob = prob
        self._args = _args  # (crf, label scores, a, b, labels) until prob is read

    @property
    def prob(self) -> float:
        if self._prob is None:
            crf, xs, a, b, z = self._args
            self._prob = round(crf.span_prob(xs, a, b, z), 4)
            self._args = None
        return self._prob

    def _key(self) -> tuple:
        return self.start_word, self.end_word, self.type, self.prob, self.clitic

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Entity(start_word={self.start_word}, end_word={self.end_word}, type={self.type!r}, "
                f"prob={self.prob!r}, clitic={self.clitic!r})")


class NameTagger:
    """A loaded name model: ``tag`` labels forms, ``entities`` finds names in a window."""

    def __init__(self, model_path: Path, lex: Lexicon, meta: dict):
        self.path = Path(model_path)
        self.meta = meta
        self.features = Features(lex, cache=False)  # each form's weights are kept instead
        self.clitics = Clitics(lex, frozenset(meta.get("clitic_whole", ())), frozenset(meta.get("clitic_split", ())))
        self.crf = crf = CRF(self.path)
        self.labels = crf.labels
        self.decoder = Decoder(crf, self.features)
        # per label: the entity type it belongs to (None for O) and whether it begins one
        self._type = [None if l == "O" else l[2:] for l in self.labels]
        self._begin = [l.startswith("B-") for l in self.labels]

    @classmethod
    def load(cls, path: str | Path | None = None, config_path: str | None = None) -> "NameTagger":
        """The model at ``path`` (default: the shipped ``stages/models/names.crfsuite``),
        loaded once per process and configuration. Raises E306 when it is missing."""
        return _load(str(path or DEFAULT_MODEL), config_path)

    def tag(self, forms: list[str], gaps: list[str] | None = None) -> list[str]:
        """BIO labels (``B-PERS``, ``I-ORG``, ``O`` …) for normalised word forms; ``gaps``
        are the :func:`gap_class` of the punctuation before each word and after the last."""
        if not forms:
            return []
        memo = Memo(forms=forms, gaps=gaps or [""] * (len(forms) + 1))
        return [self.labels[y] for y in self.decoder.decode(memo, 0, len(forms))[1]]

    def memo(self, words: Words) -> Memo:
        """The shared state of several :meth:`entities_in` calls on one text."""
        return Memo(words)

    def entities(self, words: Words, i0: int, i1: int) -> list[Entity]:
        """Names that start in ``words[i0:i1]``, with their full extent (a name may end
        after ``i1``: up to ``MARGIN`` more words are read on each side)."""
        return self.entities_in(words, [(i0, i1)])

    def entities_in(self, words: Words, windows: list[tuple[int, int]], memo: Memo | None = None) -> list[Entity]:
        """Names that start in any of the word windows ``[(i0, i1), …]``, in text order.
        Overlapping windows (the cues of one sentence) are tagged once.  ``memo`` (from
        :meth:`memo`) carries what calls on the same ``words`` can share; the result does
        not depend on it."""
        regions = merge_windows(windows, len(words))
        if not regions:
            return []
        if memo is None:
            memo = Memo(words)
        forms = words.forms
        types, begins, crf, prefix = self._type, self._begin, self.crf, self.clitics.prefix
        decode = self.decoder.decode
        out = []
        o = crf.o
        self.decoder.prepare(memo, [(j0, j1) for j0, j1, _ in regions if j1 - j0 >= 5])
        for j0, j1, wins in regions:
            xs, ys = decode(memo, j0, j1)
            m = j1 - j0
            typ = None
            start = prev = -2
            # BIO runs over the words not labelled O (an I- without its B- starts one)
            for i in [i for i, y in enumerate(ys) if y != o] + [m + 1]:
                y = ys[i] if i < m else o
                if typ is not None and (i != prev + 1 or types[y] != typ or begins[y]):
                    w0, end = j0 + start, prev + 1
                    if any(x <= w0 < x1 for x, x1 in wins):
                        # the span's probability in the CRF over it and PROB_CONTEXT words each side
                        s, e = max(0, start - PROB_CONTEXT), min(m, end + PROB_CONTEXT)
                        out.append(Entity(w0, j0 + end, typ, None, prefix(forms[w0]),
                                          (crf, xs[s:e], start - s, end - s, ys[start:end])))
                    typ = None
                if typ is None and i < m:
                    typ, start = types[y], i
                prev = i
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
