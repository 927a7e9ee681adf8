"""The name recogniser's fast inference (stages/ner_crf.py, stages/ner_decode.py) against
plain references: brute force over every label sequence, a textbook numpy Viterbi,
crfsuite's own tagger, the feature strings summed one by one, fresh state for every call.

The texts are real articles (examples/astana8.txt, the dev gold set in ../shared).
"""
from __future__ import annotations

import itertools
import random
from math import exp

import numpy as np
import pytest

import stages.ner_decode as ner_decode
from conftest import load_gold
from stages.names import DocNames
from stages.ner import MARGIN, NameTagger, merge_windows
from stages.ner_decode import Memo
from stages.textnorm import normalize_text
from stages.words import Words


@pytest.fixture(scope="module")
def tagger() -> NameTagger:
    return NameTagger.load()


@pytest.fixture(scope="module")
def articles(astana_text) -> list[Words]:
    texts = [astana_text] + [d["text"] for d in load_gold("dev_gold.jsonl")]
    return [Words.of(normalize_text(t).text) for t in texts]


def plain_viterbi(trans: np.ndarray, xs: np.ndarray) -> list[int]:
    """Textbook Viterbi (ties to the lowest label, as numpy's argmax)."""
    delta, back = xs[0].copy(), []
    for x in xs[1:]:
        sc = delta[:, None] + trans
        back.append(sc.argmax(axis=0))
        delta = sc.max(axis=0) + x
    y = [int(delta.argmax())]
    for bp in reversed(back):
        y.append(int(bp[y[-1]]))
    return y[::-1]


def path_scores(trans: np.ndarray, xs: np.ndarray) -> tuple[list[tuple], np.ndarray]:
    n = trans.shape[0]
    paths = list(itertools.product(range(n), repeat=len(xs)))
    p = np.array(paths)
    sc = xs[np.arange(len(xs)), p].sum(axis=1) + trans[p[:, :-1], p[:, 1:]].sum(axis=1)
    return paths, sc


def random_scores(rng: np.random.Generator, m: int, n: int, o: int, running_text: bool) -> np.ndarray:
    xs = rng.normal(0, 3, (m, n))
    if running_text:  # as in articles: O far ahead on most words
        xs[:, o] += rng.choice([8.0, 0.0], size=m, p=[0.8, 0.2])
    return xs


def test_viterbi_is_the_best_path(tagger):
    crf = tagger.crf
    rng = np.random.default_rng(1)
    for m in range(1, 5):
        for _ in range(25):
            xs = random_scores(rng, m, crf.n, crf.o, running_text=bool(m % 2))
            paths, sc = path_scores(crf.trans, xs)
            assert crf.viterbi(xs.tolist()) == list(paths[int(sc.argmax())])


def test_viterbi_equals_textbook_viterbi_on_long_sequences(tagger):
    crf = tagger.crf
    rng = np.random.default_rng(2)
    for k in range(300):
        xs = random_scores(rng, int(rng.integers(1, 80)), crf.n, crf.o, running_text=k % 3 != 0)
        assert crf.viterbi(xs.tolist()) == plain_viterbi(crf.trans, xs)


def test_span_probability_by_brute_force(tagger):
    crf = tagger.crf
    rng = np.random.default_rng(3)
    for _ in range(40):
        m = int(rng.integers(1, 5))
        xs = random_scores(rng, m, crf.n, crf.o, running_text=False)
        paths, sc = path_scores(crf.trans, xs)
        w = np.exp(sc - sc.max())
        a = int(rng.integers(0, m))
        b = int(rng.integers(a + 1, m + 1))
        z = list(paths[int(rng.integers(0, len(paths)))][a:b])
        cont = crf.cont[z[-1]]
        keep = [p[a:b] == tuple(z) and (b == m or p[b] != cont) for p in paths]
        want = w[keep].sum() / w.sum()
        assert crf.span_prob(xs.tolist(), a, b, z) == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_scores_are_the_feature_weights(tagger, articles):
    """A window's label scores are the weights of Features.sequence's strings, summed."""
    f, crf = tagger.features, tagger.crf
    for words in articles[:6]:
        n = len(words)
        for j0, j1 in ((0, min(n, 23)), (max(0, n // 2 - 9), min(n, n // 2 + 9)), (max(0, n - 4), n)):
            memo = tagger.memo(words)
            xs, _ = tagger.decoder.decode(memo, j0, j1)
            memo.fill_gaps(j0, j1)
            want = [crf.vector(fs) for fs in f.sequence(words.forms[j0:j1], memo.gaps[j0:j1 + 1])]
            np.testing.assert_allclose(np.array(xs), np.array(want), rtol=0, atol=1e-9)


def test_labels_are_crfsuite_labels(tagger, articles):
    """The shipped model's own C tagger gives the same labels on real sentences."""
    import pycrfsuite
    t = pycrfsuite.Tagger()
    t.open(str(tagger.path))
    f = tagger.features
    checked = 0
    for words in articles:
        for j0 in range(0, len(words) - 5, 17):
            j1 = min(len(words), j0 + 25)
            memo = tagger.memo(words)
            _, ys = tagger.decoder.decode(memo, j0, j1)
            memo.fill_gaps(j0, j1)
            feats = [{a: 1.0 for a in fs} for fs in f.sequence(words.forms[j0:j1], memo.gaps[j0:j1 + 1])]
            assert [tagger.labels[y] for y in ys] == t.tag(pycrfsuite.ItemSequence(feats))
            checked += 1
    assert checked > 100


def entity_rows(ents) -> list[tuple]:
    return [(e.start_word, e.end_word, e.type, e.clitic, e.prob) for e in ents]


def test_shared_memo_changes_nothing(tagger, articles):
    """Windows tagged one after another on one memo (stored scores and Viterbi passes)
    find what each finds alone, in any order, also when the weight store is emptied
    between calls."""
    rng = random.Random(4)
    for words in articles:
        n = len(words)
        wins = [(i - 2, i + 12) for i in range(0, n, 3)] + [(0, n)]
        rng.shuffle(wins)
        memo = tagger.memo(words)
        for w in wins:
            assert entity_rows(tagger.entities_in(words, [w], memo)) == entity_rows(tagger.entities_in(words, [w]))
        assert any(memo.runs)


def test_emptied_store(tagger, articles, monkeypatch):
    words = articles[0]
    want = [entity_rows(tagger.entities_in(words, [(i, i + 14)])) for i in range(0, len(words), 5)]
    monkeypatch.setattr(ner_decode, "CACHE_MAX", 7)
    fresh = NameTagger(tagger.path, load_lexicon(), tagger.meta)
    memo = fresh.memo(words)
    got = [entity_rows(fresh.entities_in(words, [(i, i + 14)], memo)) for i in range(0, len(words), 5)]
    assert fresh.decoder.gen > 10
    assert got == want


def test_full_store_keeps_forms_met_again(tagger, articles, monkeypatch):
    """A full store keeps the forms looked up again since they were stored (up to half
    of it), their rows moved but unchanged; the others are scored again when met."""
    words = articles[0]
    want = [entity_rows(tagger.entities_in(words, [(i, i + 14)])) for i in range(0, len(words), 5)]
    monkeypatch.setattr(ner_decode, "CACHE_MAX", 60)
    fresh = NameTagger(tagger.path, load_lexicon(), tagger.meta)
    dec = fresh.decoder
    again = NameTagger(tagger.path, load_lexicon(), tagger.meta).decoder  # a store that never fills
    got, kept = [], set()
    for i in range(0, len(words), 5):
        hot = set(dec._hot)
        gen = dec.gen
        got.append(entity_rows(fresh.entities_in(words, [(i, i + 14)], fresh.memo(words))))
        if dec.gen > gen:
            moved = hot & set(dec._rows)
            assert len(dec._rows) <= 60 // 2 + 5 * 30  # the kept half, then this call's new forms
            assert moved - set(words.forms[max(0, i - MARGIN):i + 14 + MARGIN])  # kept, not met again now
            for w in sorted(moved):  # a kept form's rows: moved, unchanged
                again._row(w)
                assert (dec._flat[dec._rows[w]:dec._rows[w] + 5] == again._flat[again._rows[w]:again._rows[w] + 5]).all()
            kept |= moved
    assert dec.gen >= 2 and kept
    assert got == want


def load_lexicon():
    from stages.lexicon import load_lexicon as load
    return load()


def test_lazy_probability(tagger, articles):
    words = articles[0]
    (e, *_) = [e for e in tagger.entities(words, 0, len(words)) if e.type == "PERS"]
    assert e._prob is None  # not computed until read
    p = e.prob
    assert 0 < p <= 1 and p == round(p, 4) and e._prob == p
    assert e == e and repr(e).startswith("Entity(start_word=")


class ReferenceDocNames(DocNames):
    """DocNames as it was first written: every question not inside a tagged window tags
    its window again, nothing shared between the calls."""

    def _cover(self, i: int) -> None:
        from stages.names import AFTER, BEFORE, CUE_AFTER, CUE_BEFORE
        from bisect import bisect_right
        if any(a <= i - BEFORE and i + AFTER <= b for a, b in self._done):
            return
        n = len(self.words)
        wins = [(max(0, i - BEFORE), min(n, i + AFTER))]
        if self._anchors:
            wins += [(max(0, a - CUE_BEFORE), min(n, a + CUE_AFTER)) for a in self._anchors]
            self._anchors = []
        for e in self.tagger.entities_in(self.words, wins):
            if not any(x.start_word == e.start_word for x in self._ents):
                k = bisect_right(self._starts, e.start_word)
                self._ents.insert(k, e)
                self._starts.insert(k, e.start_word)
        self._done.extend(wins)


def test_docnames_answers_as_before(tagger, articles):
    """Random questions, repeated ones at the text's ends among them (whose clipped
    windows no earlier window covers), get the answers of the plain DocNames."""
    rng = random.Random(5)
    for words in articles:
        n = len(words)
        anchors = sorted(rng.sample(range(n), min(n, 6)))
        qs = []
        for _ in range(40):
            i = rng.choice([0, 1, n - 1, n - 2, rng.randrange(n)])
            qs.append(rng.choice([("at", (i,)), ("covering", (i,)), ("first_in", (i, min(n, i + rng.randrange(1, 20))))]))
        a, b = DocNames(tagger, words, anchors), ReferenceDocNames(tagger, words, anchors)
        for meth, args in qs:
            x, y = getattr(a, meth)(*args), getattr(b, meth)(*args)
            assert entity_rows([x] if x else []) == entity_rows([y] if y else []), (meth, args)


def test_windows_keep_their_margin(tagger, articles):
    """A window's region is the window widened by MARGIN words (what the memo's stored
    scores for the ends of a window assume)."""
    words = articles[0]
    (r0, r1, _), = merge_windows([(10, 20)], len(words))
    assert (r0, r1) == (10 - MARGIN, 20 + MARGIN)
