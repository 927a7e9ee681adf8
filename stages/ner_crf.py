"""Inference for the name recogniser's linear-chain CRF, in plain Python.

python-crfsuite trains the model and writes it; its own tagger costs ~15 µs a word here,
most of it turning ~30 feature strings per word into attribute ids.  At run time we read
the weights once (``Tagger.info()``); :mod:`stages.ner` keeps, per word *form*, the summed
weight vector of its features as the word itself and as each neighbour (-2, -1, +1, +2),
so a word's label scores are six short vectors added.

The model has 9 labels and the pipeline tags windows of ~20 words, one call at a time as
the rules ask (``وقال [عيد]``، ``محمد [الخميس]``): numpy's cost per call and per word
position (a dozen array operations on 9×9 arrays) was most of the recogniser's time.
Here Viterbi is one generated Python function with the transition weights as constants
and every max written out (~2 µs a word), and it adds the same floats in the same order
as the numpy version did, so its labels are bit for bit the same (the tests check it
against brute force and crfsuite's tagger).  An entity's probability is a forward-backward
pass over a few words, computed only when a caller asks for it.
"""
from __future__ import annotations

import io
import subprocess
import sys
from math import exp, log
from pathlib import Path

import numpy as np

NEIGHBOUR_OFFSETS = ("-2", "-1", "+1", "+2")  # how neighbour attributes start (stages.ner)


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
    """Weights of a crfsuite model, Viterbi and span probabilities."""

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
        self.o = idx["O"]
        self.weights: dict[str, np.ndarray] = {}
        for (attr, lab), w in info.state_features.items():
            v = self.weights.get(attr)
            if v is None:
                v = self.weights[attr] = np.zeros(n)
            v[idx[lab]] = w
        # the same weights as one matrix (row 0 = zeros) for summing many features at once
        self.rows = {a: k + 1 for k, a in enumerate(self.weights)}
        # and a zero row last: it starts each group of a gather (see Decoder._add_forms),
        # where row 0 would be dropped with the unknown attributes
        self.matrix = np.vstack([np.zeros((1, n)), *self.weights.values(), np.zeros((1, n))])
        self.zero_row = len(self.matrix) - 1
        # the rows of the neighbour attributes ("-1w=قال") by offset and the word's own
        # attribute ("w=قال"): a new word form's neighbour weights without building the
        # strings (four short lists of f-strings per form were a fifth of its cost)
        self.offset_rows: dict[str, dict[str, int]] = {o: {} for o in NEIGHBOUR_OFFSETS}
        for a, r in self.rows.items():
            d = self.offset_rows.get(a[:2])
            if d is not None:
                d[a[2:]] = r
        self.trans = np.zeros((n, n))
        for (a, b), w in info.transitions.items():
            self.trans[idx[a], idx[b]] = w
        self.zero = np.zeros(n)
        self.cont = [idx.get("I-" + l[2:]) if l != "O" else None for l in self.labels]
        self.etrans = [[exp(w) for w in row] for row in self.trans.tolist()]
        self.forward = make_forward(self.trans.tolist(), self.o)

    def viterbi(self, xs: list) -> list[int]:
        """The best labels for the label score rows ``xs``."""
        if not xs:
            return []
        msgs, back = self.forward(None, xs)
        return backtrace(msgs[-1], back)

    def vector(self, attrs: list[str]) -> np.ndarray:
        get = self.weights.get
        v = self.zero.copy()
        for a in attrs:
            w = get(a)
            if w is not None:
                v += w
        return v

    def span_prob(self, xs: list, a: int, b: int, z: list[int]) -> float:
        """P(words a..b-1 of the sequence with label scores ``xs`` carry labels ``z`` and
        word b does not continue them), under the CRF over ``xs`` alone."""
        et = self.etrans
        n = self.n
        rng = range(n)
        pot = []
        for x in xs:
            m = max(x)
            pot.append([exp(v - m) for v in x])  # per-word shifts cancel in the ratio
        p0 = pot[0]
        c = sum(p0)
        alpha = [[v / c for v in p0]]
        la = [log(c)]
        for k in range(1, len(xs)):
            prev, pk = alpha[-1], pot[k]
            v = [sum([prev[i] * et[i][j] for i in rng]) * pk[j] for j in rng]
            c = sum(v)
            alpha.append([x / c for x in v])
            la.append(la[-1] + log(c))
        m = len(xs)
        logz = la[-1] + log(sum(alpha[-1]))
        z0 = z[0]
        if a == 0:
            num = log(p0[z0])
        else:
            prev = alpha[a - 1]
            num = la[a - 1] + log(sum([prev[i] * et[i][z0] for i in rng]) * pot[a][z0])
        for k in range(1, len(z)):
            num += log(et[z[k - 1]][z[k]] * pot[a + k][z[k]])
        if b < m:
            beta = [1.0] * n
            lb = 0.0
            for k in range(m - 1, b, -1):
                pb = [p * q for p, q in zip(pot[k], beta)]
                v = [sum([row[j] * pb[j] for j in rng]) for row in et]
                c = sum(v)
                beta = [x / c for x in v]
                lb += log(c)
            nxt = [p * q * r for p, q, r in zip(et[z[-1]], pot[b], beta)]
            cont = self.cont[z[-1]]
            if cont is not None:
                nxt[cont] = 0.0
            num += lb + log(max(sum(nxt), 1e-300))
        return min(1.0, exp(num - logz))


def make_forward(trans: list[list[float]], o: int, strong: int = 2):
    """``forward(d, xs) -> (messages, backpointers)``: the Viterbi forward pass over the
    label score rows ``xs`` from the message ``d`` (each label's best path score at the
    word before; None: ``xs[0]`` is the first word, with no backpointers).  Transition
    weights are ``trans[from][to]``; ``o`` is the outside label.

    Generated once per model: the n labels' scores are local variables, the n × n
    transition weights constants, each max written out.  A label's best predecessor is
    looked for first among O and the ``strong`` labels with the highest transition
    weight into it (B-PERS and I-PERS before I-PERS); the others are tried only when the
    best non-O score plus their highest transition weight could reach the best so far,
    which in running text (O before and after) is rare: ~30 of the 81 sums per word.
    Ties go to the lowest label index, as numpy's argmax does: the plain n × n Viterbi
    bit for bit."""
    n = len(trans)
    d = [f"d{j}" for j in range(n)]
    others = [j for j in range(n) if j != o]
    src = ["def forward(d, xs):",
           "    msgs = []",
           "    back = []",
           "    rows = iter(xs)",
           "    if d is None:",
           "        d = next(rows)",
           "        msgs.append(d)",
           "        back.append(None)",
           f"    {', '.join(d)}, = d",
           "    keep, keep_msg = back.append, msgs.append",
           f"    for {', '.join(f'x{j}' for j in range(n))} in rows:",
           f"        m = max({', '.join(f'd{j}' for j in others)})"]
    for y in range(n):
        first = sorted([o] + sorted(others, key=lambda j: (-trans[j][y], j))[:strong])
        rest = [j for j in others if j not in first]
        j = first[0]
        src.append(f"        b = d{j} + {trans[j][y]!r}; k{y} = {j}")
        for j in first[1:]:
            src.append(f"        v = d{j} + {trans[j][y]!r}")
            src.append(f"        if v > b: b = v; k{y} = {j}")
        if rest:
            # every other predecessor scores at most m + the highest of their weights
            src.append(f"        if m + {max(trans[j][y] for j in rest)!r} >= b:")
            for j in rest:
                src.append(f"            v = d{j} + {trans[j][y]!r}")
                src.append(f"            if v > b or (v == b and {j} < k{y}): b = v; k{y} = {j}")
        src.append(f"        e{y} = b + x{y}")
    src.append(f"        keep(({', '.join(f'k{y}' for y in range(n))},))")
    src.append(f"        {', '.join(d)} = {', '.join(f'e{y}' for y in range(n))}")
    src.append(f"        keep_msg(({', '.join(d)},))")
    src.append("    return msgs, back")
    ns: dict = {}
    exec(compile("\n".join(src), "<stages.ner_crf forward>", "exec"), ns)  # noqa: S102 (our own code)
    return ns["forward"]


def backtrace(last, back: list) -> list[int]:
    """Labels of the best path ending at the best label of the message ``last``, from
    the backpointers ``back`` (``back[0]`` unused); ties to the lowest label index."""
    y = max(range(len(last)), key=last.__getitem__)
    path = [y]
    for k in range(len(back) - 1, 0, -1):
        y = back[k][y]
        path.append(y)
    path.reverse()
    return path
