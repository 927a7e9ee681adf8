"""Label scores and Viterbi labels of word windows, for the name recogniser (stages/ner.py).

The pipeline asks about names one window at a time, as its rules need them: the cue
windows of an article together at the first question, then a window of ~20 words around
each word a rule asks about (وقال [عيد]، محمد [الخميس]): ~8 calls an article, mostly over
words the cue windows already covered.  What makes that cheap:

- **One weight store.**  Each word form's feature weights, as the word itself and as the
  neighbour at -2, -1, +1, +2 of another word, are summed once into 5 rows of one array,
  beside a row per pair of gap classes and per word-pair feature.
- **Scores kept per document** (:class:`Memo`).  A word's label scores depend on its
  window only through which neighbours are in it and whether it comes first or last:
  five cases (inside, first, second, last but one, last word of a window).  The first
  time a call reaches a word, all five are computed, for all such words of the call in
  one gather; a later window only picks rows.
- **Viterbi passes kept per document.**  The forward messages of two Viterbi passes over
  the same words started at different words soon differ only by a constant (every
  label's best path goes back through one label); from there on the later pass's
  backpointers are the earlier one's.  A window asked about after the cue windows runs
  Viterbi over its first words until its message equals a stored one (to 1e-9 once O's
  score is subtracted), follows the stored pass, and runs its last two words itself.
  The labels are those of a pass over the whole window: ``bench/compare_names.py``
  compares every entity with the numpy decoder's on the corpus.

The scores are the same floats, added in the same order, as when every window was scored
on its own; the forward pass is generated Python (:func:`stages.ner_crf.make_forward`).
"""
from __future__ import annotations

from itertools import compress, islice

import numpy as np

from .ner_crf import CRF, backtrace
from .words import Words

CACHE_MAX = 60_000  # word forms in the store (5 rows of 9 floats each: ~22 MB)
SAME = 1e-9  # two forward messages closer than this (but for a constant) are one
BOS, EOS, FIRST = 5, 6, 7  # rows of the store: BOS, EOS, the first free one (0-4: zeros)


class Memo:
    """What the tagging calls on one text share: the gap classes, the label scores of its
    words in each place a window can give them, and the stored Viterbi passes.  Made by
    :meth:`stages.ner.NameTagger.memo`; :class:`stages.names.DocNames` keeps one per
    document."""

    __slots__ = ("forms", "gaps", "x", "ends", "fw", "runs", "_words")

    def __init__(self, words: Words | None = None, forms: list[str] | None = None,
                 gaps: list[str] | None = None):
        self._words = words
        self.forms = words.forms if words is not None else forms
        n = len(self.forms)
        # the gap class before word j (gaps[n]: after the last word), None until needed;
        # the text's start and end read as a sentence end
        self.gaps: list[str | None] = list(gaps) if gaps is not None else [None] * (n + 1)
        if gaps is None and n:
            self.gaps[0] = self.gaps[n] = "d"
        self.x: list[list[float] | None] = [None] * n  # scores of a word inside a window
        # its scores as first, second, last but one and last word of a window: (the array of
        # the words scored with it, its place there)
        self.ends: list[tuple | None] = [None] * n
        # stored forward passes over inner words ("runs": each message computed from the
        # one before): the run at each word, and per run (first word, messages, backpointers)
        self.fw: list[int | None] = [None] * n
        self.runs: list[tuple[int, list, list]] = []

    def fill_gaps(self, a: int, b: int) -> None:
        """The gap classes before words ``a … b`` (``b`` may be the text's length)."""
        gaps = self.gaps
        if None not in gaps[a:b + 1]:
            return
        w = self._words
        a = max(a, 1)
        text, get = w.text, _GAP_CLASSES.get
        raw = [text[e:s] for e, s in zip(w.ends[a - 1:b], w.starts[a:b + 1])]
        cls = list(map(get, raw))
        if None in cls:
            cls = [c if c is not None else _gap_class(g) for c, g in zip(cls, raw)]
        gaps[a:a + len(cls)] = cls


_GAP_CLASSES: dict[str, str] = {" ": ""}


def _gap_class(gap: str) -> str:
    from .ner import gap_class
    g = _GAP_CLASSES.get(gap)
    if g is None:
        g = gap_class(gap)
        if len(_GAP_CLASSES) < 10_000:
            _GAP_CLASSES[gap] = g
    return g


class Decoder:
    """Label scores and labels of word windows, for one model and feature set."""

    def __init__(self, crf: CRF, features):
        self.crf = crf
        self.features = features
        # the order of the neighbour groups: Features.neighbour's (-2, -1, +1, +2)
        self._offsets = features.NEIGHBOUR_OFFSETS
        self.forward = crf.forward
        self.o = crf.o
        w = crf.vector
        self._pairs = {tuple(a[6:].split("|")): v for a, v in crf.weights.items() if a.startswith("w-1|w=")}
        self._seconds = frozenset(b for _, b in self._pairs)  # words that end a pair feature
        # the store: 5 rows per form (its features as the word, as the neighbour at -2,
        # -1, +1, +2), a row per pair of gap classes and per word pair; rows 0-4 are zeros
        # (no word, in any view), then BOS and EOS
        self._flat = np.zeros((4096, crf.n))
        self._flat[BOS] = w(["BOS"])
        self._flat[EOS] = w(["EOS"])
        self._next = FIRST
        self.gen = 0  # how often the store was emptied (see _room)
        self._rows: dict[str, int] = {}
        self._hot: set[str] = set()  # forms of the store met again since they were stored
        self._gap_rows: dict[tuple[str, str], int] = {}
        self._pair_rows: dict[tuple[str, str], int] = {}

    # --- the store ---------------------------------------------------------------------

    def _alloc(self, k: int) -> int:
        r = self._next
        self._next += k
        if self._next > len(self._flat):
            grown = np.zeros((2 * len(self._flat), self.crf.n))
            grown[:r] = self._flat[:r]
            self._flat = grown
        return r

    def _room(self) -> None:
        """Make room when the store holds CACHE_MAX forms: only at the start of a call, so
        that the rows one call gathers are all of one filling (a call that needs more
        forms than that grows the store for a while instead of emptying it under itself,
        which looped for ever).

        The forms met again since they were stored (ال, قال, وزير, the names of the day)
        stay, up to half the store, moved to its start; the others go.  Emptying it
        all made every worker start cold again every ~2,500 articles: 20,000 forms
        re-scored in the next 500, at ~35 µs each."""
        if len(self._rows) >= CACHE_MAX:
            rows = self._rows
            keep = list(islice(self._hot, CACHE_MAX // 2))
            src = [rows[w] for w in keep]
            rows.clear()
            self._gap_rows.clear()
            self._pair_rows.clear()
            self._hot = set()
            self._next = FIRST
            self.gen += 1
            if keep:
                r = self._alloc(5 * len(keep))
                # fancy indexing copies first: the old rows may overlap the new places
                self._flat[r:r + 5 * len(keep)] = self._flat[(np.array(src)[:, None] + np.arange(5)).ravel()]
                rows.update(zip(keep, range(r, r + 5 * len(keep), 5)))

    def _add_forms(self, forms) -> None:
        """Store rows of the new ``forms`` (distinct, not in the store), summed in one
        gather: the same sums, feature by feature in the same order, as one form at a
        time (each form's five groups are segments of their own).

        Cold, most of the recogniser's time goes here (39,000 new forms in the first
        500 corpus articles), so the weights' rows are found with as little Python per
        attribute as possible: one ``map`` per group, the neighbour attributes looked up
        by offset without building their strings, a zero row opening each group so that
        the groups' starts are found after dropping the unknown attributes."""
        crf = self.crf
        own_of, core_of = self.features.own, self.features.core
        get = crf.rows.get
        nb_gets = [crf.offset_rows[o].get for o in self._offsets]
        z = crf.zero_row
        ids: list = []
        add, extend = ids.append, ids.extend
        for w in forms:
            own = own_of(w)
            add(z)
            extend(map(get, own))
            core = core_of(own)
            for g in nb_gets:
                add(z)
                extend(map(g, core))
        idx = np.fromiter(filter(None, ids), dtype=np.intp)  # rows start at 1: no unknown (None)
        r = self._alloc(5 * len(forms))
        self._flat[r:r + 5 * len(forms)] = np.add.reduceat(crf.matrix[idx], np.flatnonzero(idx == z), axis=0)
        rows = self._rows
        for k, w in enumerate(forms):
            rows[w] = r + 5 * k

    def _row(self, w: str) -> int:
        r = self._rows.get(w)
        if r is None:
            self._add_forms((w,))
            r = self._rows[w]
        return r

    def _gap_row(self, gaps: tuple[str, str]) -> int:
        r = self._gap_rows.get(gaps)
        if r is None:
            r = self._gap_rows[gaps] = self._alloc(1)
            w = self.crf.vector
            self._flat[r] = w(["gp=" + gaps[0]]) + w(["ga=" + gaps[1]])
        return r

    def _pair_row(self, pair: tuple[str, str]) -> int:
        v = self._pairs.get(pair)
        if v is None:
            return 0
        r = self._pair_rows.get(pair)
        if r is None:
            r = self._pair_rows[pair] = self._alloc(1)
            self._flat[r] = v
        return r

    def _rows_of(self, memo: Memo, a: int, b: int) -> tuple[list[int], list[int], list[int]]:
        """Store rows of the words ``a:b``, of the gaps around each and of the word pair
        ending at each (0: none), all of one generation of the store."""
        forms, gaps = memo.forms, memo.gaps
        if memo._words is not None:
            memo.fill_gaps(a, b)
        seg = forms[a:b]
        rows = list(map(self._rows.get, seg))
        self._hot.update(compress(seg, rows))  # the forms found (rows are > 0)
        if None in rows:
            self._add_forms(list(dict.fromkeys(compress(seg, [r is None for r in rows]))))
            rows = list(map(self._rows.__getitem__, seg))
        pairs = list(zip(gaps[a:b], gaps[a + 1:b + 1]))
        gi = list(map(self._gap_rows.get, pairs))
        if None in gi:
            gi = [r if r is not None else self._gap_row(p) for r, p in zip(gi, pairs)]
        pi = [0] * (b - a)
        for j in compress(range(a, b), map(self._seconds.__contains__, seg)):
            if j:
                pi[j - a] = self._pair_row((forms[j - 1], forms[j]))
        return rows, gi, pi

    # --- scores ------------------------------------------------------------------------

    def prepare(self, memo: Memo, windows: list[tuple[int, int]]) -> None:
        """Score every word of the ``windows`` (``(j0, j1)`` word ranges, 5 words or more)
        not scored yet, in the five places a window can give it: inside, first (no -1, -2;
        BOS), second (no -2), last but one (no +2), last (no +1, +2; EOS before the word
        pair), all in one gather, adding a word's rows in the order the model always
        added them (a missing neighbour added zeros, and x + 0.0 == x)."""
        ends, n = memo.ends, len(memo.forms)
        todo = []  # ranges of words to score
        for j0, j1 in windows:
            if None in ends[j0:j1]:
                j = j0
                while j < j1:
                    if ends[j] is None:
                        q = j + 1
                        while q < j1 and ends[q] is None:
                            q += 1
                        if todo and todo[-1][1] >= j:  # windows overlap: one range
                            todo[-1] = (todo[-1][0], max(q, todo[-1][1]))
                        else:
                            todo.append((j, q))
                        j = q
                    else:
                        j += 1
        if not todo:
            return
        self._room()
        rows, centers, gis, pis = [], [], [], []  # rows padded by two zeros each side
        for a, b in todo:
            lo, hi = max(0, a - 2), min(n, b + 2)
            near, gi, pi = self._rows_of(memo, lo, hi)
            at = len(rows) + 2
            rows += [0] * (lo - a + 2) + near + [0] * (b + 2 - hi)
            centers += range(at, at + b - a)
            gis += gi[a - lo:b - lo]
            pis += pi[a - lo:b - lo]
        r, c = np.array(rows), np.array(centers)
        own, m1, m2, p1, p2, gap, pair = self._flat[np.stack([
            r[c], r[c - 1] + 2, r[c - 2] + 1, r[c + 1] + 3, r[c + 2] + 4, gis, pis])]
        bos, eos = self._flat[BOS], self._flat[EOS]
        a1 = own + m1
        a2 = a1 + m2
        a3 = a2 + p1
        inside = a3 + p2
        inside += gap
        inside += pair
        first = own + p1
        first += p2
        first += gap
        first += bos
        second = a1 + p1
        second += p2
        second += gap
        second += pair
        before_last = a3 + gap
        before_last += pair
        last = a2 + gap
        last += eos
        last += pair
        places = (first, second, before_last, last)
        inside = inside.tolist()
        o = 0
        for a, b in todo:
            memo.x[a:b] = inside[o:o + b - a]
            ends[a:b] = [(places, i) for i in range(o, o + b - a)]
            o += b - a

    def _short(self, memo: Memo, j0: int, j1: int) -> list[list[float]]:
        """Label scores of a window of fewer than 5 words (a word may be first and last)."""
        self._room()
        rows, gi, pi = self._rows_of(memo, j0, j1)
        f = self._flat
        out = []
        for i in range(j0, j1):
            t = i - j0
            x = f[rows[t]].copy()
            for j, view in ((i - 1, 2), (i - 2, 1), (i + 1, 3), (i + 2, 4)):
                if j0 <= j < j1:
                    x += f[rows[j - j0] + view]
            x += f[gi[t]]
            if i == j0:
                x += f[BOS]
            if i == j1 - 1:
                x += f[EOS]
            if i > j0:
                x += f[pi[t]]
            out.append(x.tolist())
        return out

    def decode(self, memo: Memo, j0: int, j1: int) -> tuple[list[list[float]], list[int]]:
        """Label scores and Viterbi labels of the window ``j0:j1``."""
        if j1 - j0 < 5:
            xs = self._short(memo, j0, j1)
            msgs, back = self.forward(None, xs)
            return xs, backtrace(msgs[-1], back)
        ends = memo.ends
        if None in ends[j0:j1]:
            self.prepare(memo, [(j0, j1)])
        (e0, t0), (e1, t1), (e2, t2), (e3, t3) = ends[j0], ends[j0 + 1], ends[j1 - 2], ends[j1 - 1]
        xs = [e0[0][t0].tolist(), e1[1][t1].tolist(), *memo.x[j0 + 2:j1 - 2], e2[2][t2].tolist(), e3[3][t3].tolist()]
        return xs, self._viterbi(memo, j0, j1, xs)

    # --- Viterbi -----------------------------------------------------------------------

    def _viterbi(self, memo: Memo, j0: int, j1: int, xs: list) -> list[int]:
        """Viterbi labels of the window ``j0:j1`` (at least 5 words), joining the passes
        stored in the memo over its inner words, storing its own where there are none."""
        forward, fw, runs, X, o = self.forward, memo.fw, memo.runs, memo.x, self.o
        msgs, back = forward(None, xs[:2])
        m = msgs[-1]
        run = None  # the stored pass m is the last message of, if any
        k, end = j0 + 2, j1 - 2
        while k < end:
            r = fw[k]
            if r is None:  # no pass came here: go on to the next stored word, keep it
                q = k + 1
                while q < end and fw[q] is None:
                    q += 1
                msgs, bps = forward(m, X[k:q])
                if run is None or runs[run][0] + len(runs[run][1]) != k:
                    run = len(runs)
                    runs.append((k, [], []))
                rm, rb = runs[run][1], runs[run][2]
                rm += msgs
                rb += bps
                fw[k:q] = [run] * (q - k)
                back += bps
                m = msgs[-1]
                k = q
            elif r == run:  # on a stored pass: its backpointers, as far as it goes
                s0, rm, rb = runs[r]
                q = min(end, s0 + len(rb))
                back += rb[k - s0:q - s0]
                m = rm[q - 1 - s0]
                k = q
            else:  # another pass: one step, then has this one joined it?
                msgs, bps = forward(m, (X[k],))
                back.append(bps[0])
                s0, rm, _ = runs[r]
                a, b = msgs[0], rm[k - s0]
                d = a[o] - b[o]
                for p, q in zip(a, b):
                    if abs(p - q - d) > SAME:
                        m, run = a, None
                        break
                else:
                    m, run = b, r
                k += 1
        msgs, bps = forward(m, xs[-2:])
        back += bps
        return backtrace(msgs[-1], back)
