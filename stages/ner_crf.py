"""Fast inference for the name recogniser's linear-chain CRF (numpy, no per-word C calls).

python-crfsuite trains the model and writes it; its own tagger costs ~15 µs a word here,
most of it turning ~30 feature strings per word into attribute ids.  At run time we read
the weights once (``Tagger.info()``) and keep, per word *form*, the summed weight vector of
its features as the word itself and as each neighbour (-2, -1, +1, +2) in one array, so
the scores of all windows of an article are a handful of numpy gathers
(:mod:`stages.ner`).

Decoding is exact Viterbi (the tests check it against crfsuite's tagger), made cheap by a
bound.  Against the all-O labelling, a stretch of non-O labels gains at most, per word,
``d = max non-O score - O score + t`` (``t`` = the most a transition can beat O→O), plus
one ``t``; a word every stretch through which gains nothing is O on the best path.  Such
words cut a window into a few short *candidate* runs (the names), each decoded alone with
O on both sides.  An entity's probability is the exact probability of its labels under the
CRF restricted to its candidate run, by forward-backward; the O words around the run are
taken as certain.
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np


def _model_info(tagger, path: str | Path):
    """The model's weights, as ``pycrfsuite.Tagger.info()`` gives them.  ``info()`` dumps
    the model as text into a temporary file first (1.1 MB for names.crfsuite): under a
    file-size limit (``ulimit -f``) below that, or with a full /tmp, the write fails
    ("Can't close file") and no run could even start.  The dump is then read from a child
    process through a pipe, which neither limit applies to."""
    try:
        return tagger.info()
    except RuntimeError:
        pass
    from pycrfsuite._dumpparser import CRFsuiteDumpParser
    code = "import sys, pycrfsuite; t = pycrfsuite.Tagger(); t.open(sys.argv[1]); t.dump()"
    dump = subprocess.run([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, check=True).stdout
    parser = CRFsuiteDumpParser()
    for line in io.BytesIO(dump):  # lines end at \n only, as info() reads its file
        parser.feed(line.decode("utf8"))
    return parser.result


class CRF:
    """Weights of a crfsuite model, candidate runs, Viterbi and span probabilities."""

    def __init__(self, path: str | Path):
        import pycrfsuite
        t = pycrfsuite.Tagger()
        t.open(str(path))
        info = _model_info(t, path)
        self.labels = tuple(t.labels())
        t.close()
        n = len(self.labels)
        idx = {l: i for i, l in enumerate(self.labels)}
        self.n = n
        self.o = o = idx["O"]
        self.weights: dict[str, np.ndarray] = {}
        for (attr, lab), w in info.state_features.items():
            v = self.weights.get(attr)
            if v is None:
                v = self.weights[attr] = np.zeros(n)
            v[idx[lab]] = w
        # the same weights as one matrix (row 0 = zeros) for summing many features at once
        self.rows = {a: k + 1 for k, a in enumerate(self.weights)}
        self.matrix = np.vstack([np.zeros((1, n)), *self.weights.values()]) if self.weights else np.zeros((1, n))
        self.trans = np.zeros((n, n))
        for (a, b), w in info.transitions.items():
            self.trans[idx[a], idx[b]] = w
        self.etrans = np.exp(self.trans)
        self.zero = np.zeros(n)
        self.cont = [idx.get("I-" + l[2:]) if l != "O" else None for l in self.labels]

    def vector(self, attrs: list[str]) -> np.ndarray:
        get = self.weights.get
        v = self.zero.copy()
        for a in attrs:
            w = get(a)
            if w is not None:
                v += w
        return v

    def vectors(self, groups: list[list[str]]) -> np.ndarray:
        """``vector`` of each list of attributes (groups × labels), in one gather."""
        get = self.rows.get
        idx: list[int] = []
        starts: list[int] = []
        for attrs in groups:
            starts.append(len(idx))
            idx.append(0)  # every group has a row, so no segment is empty
            idx.extend(r for r in map(get, attrs) if r is not None)
        return np.add.reduceat(self.matrix[idx], starts, axis=0)

    def decode(self, em: np.ndarray, bounds: list[tuple[int, int]]) -> list[int]:
        """Viterbi labels of every sequence (``bounds`` = their row ranges in ``em``), all
        sequences advanced together: one numpy step per word position, not per word."""
        n, tr = self.n, self.trans
        lens = [e - s for s, e in bounds]
        b_, m_ = len(bounds), max(lens)
        x = np.zeros((b_, m_, n))
        for k, (s, e) in enumerate(bounds):
            x[k, :e - s] = em[s:e]
        live = np.arange(m_)[None, :] < np.asarray(lens)[:, None]
        delta = x[:, 0].copy()
        ident = np.broadcast_to(np.arange(n), (b_, n))
        back = []
        for k in range(1, m_):
            sc = delta[:, :, None] + tr
            bp = sc.argmax(axis=1)
            step = sc.max(axis=1) + x[:, k]
            on = live[:, k, None]
            delta = np.where(on, step, delta)
            back.append(np.where(on, bp, ident))  # past a sequence's end: stay on its last label
        y = delta.argmax(axis=1)
        path = np.empty((b_, m_), dtype=np.intp)
        path[:, m_ - 1] = y
        rows = np.arange(b_)
        for k in range(m_ - 1, 0, -1):
            y = back[k - 1][rows, y]
            path[:, k - 1] = y
        out: list[int] = []
        for k, ln in enumerate(lens):
            out.extend(path[k, :ln].tolist())
        return out

    def _ends(self, em: np.ndarray, s: int, e: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores of the run's first word (with the O before it, if any) and of leaving it."""
        first = em[s] + (self.trans[self.o] if s > lo else 0.0)
        last = self.trans[:, self.o] if e < hi else self.zero
        return first, last

    def span_prob(self, em: np.ndarray, run: tuple[int, int], lo: int, hi: int, a: int, b: int,
                  z: list[int]) -> float:
        """P(words a..b-1 carry labels z and word b does not continue them), in the run."""
        s, e = run
        first, last = self._ends(em, s, e, lo, hi)
        pot = em[s:e].copy()
        pot[0] = first
        pot = np.exp(pot - pot.max(axis=1, keepdims=True))  # per-word shifts cancel in the ratio
        et = self.etrans
        m = e - s
        alpha = [pot[0] / pot[0].sum()]
        la = [float(np.log(pot[0].sum()))]
        for k in range(1, m):
            v = (alpha[-1] @ et) * pot[k]
            c = v.sum()
            alpha.append(v / c)
            la.append(la[-1] + float(np.log(c)))
        elast = np.exp(last)
        logz = la[-1] + float(np.log(alpha[-1] @ elast))
        ka, kb = a - s, b - s
        if ka == 0:
            num = float(np.log(pot[0, z[0]]))
        else:
            num = la[ka - 1] + float(np.log((alpha[ka - 1] @ et[:, z[0]]) * pot[ka, z[0]]))
        for k in range(1, len(z)):
            num += float(np.log(et[z[k - 1], z[k]] * pot[ka + k, z[k]]))
        if kb < m:
            beta = elast
            lb = 0.0
            for k in range(m - 1, kb, -1):
                v = et @ (pot[k] * beta)
                c = v.sum()
                beta = v / c
                lb += float(np.log(c))
            nxt = et[z[-1]] * pot[kb] * beta
            cont = self.cont[z[-1]]
            if cont is not None:
                nxt = nxt.copy()
                nxt[cont] = 0.0
            num += lb + float(np.log(max(nxt.sum(), 1e-300)))
        else:
            num += float(last[z[-1]])
        return float(min(1.0, np.exp(num - logz)))
