"""Every stage is linear in the length of a document (issue 12): doubling a hostile
document must not more than ~double the time of any stage (2.5x allowed for noise).

The shapes (tests/hostile.py) are the documents that stalled nightly runs — ``كلمة،``
repeated, ``قال «`` left open, nested and mismatched guillemets, ``لا`` + nested marks,
words with no punctuation — and others like them: runs of cues, colons, ``أن``,
commas, one letter, according-phrases, short paragraphs, cues opening marks, bidi
controls, diacritics.  Each is timed per stage (the tokenizer too) at ``n`` and ``2n``
units in this run, in CPU time of this thread (a busy machine adds little noise), the
fastest of a few interleaved runs, and the ratio is checked, not an absolute time.
``n`` is chosen per shape so that the pipeline takes ~50 ms at ``n`` (and is past the
stages' window bounds): on the code before issue 12, most of these shapes fail (a
quadratic stage shows 3.5-4x per doubling).
"""
from __future__ import annotations

import gc

import pytest

from hostile import SHAPES, stage_times

MAX_RATIO = 2.5
FLOOR = 0.004  # seconds: a stage faster than this at 2n is timer noise, not a trend
# seconds added to MAX_RATIO x (time at n) before a stage fails: a stage of a few ms
# shows cache and page-fault noise of a ms or two on a busy machine, while a quadratic
# one (4x per doubling) is still far past it
SLACK = 0.002
TARGET = 0.05  # seconds of pipeline CPU time at n
# The stages bound their windows (64 cues resolved together, a frame read for 300 words,
# 200 speakers looked back over …): below such a bound a shape may still grow faster
# than linearly, so n starts past it.
MIN_UNITS = 1024
MAX_UNITS = 1 << 15


def _stage_times(nlp, text: str) -> dict[str, float]:
    """CPU seconds of this thread per stage (:func:`hostile.stage_times`).  Every run
    starts from a collected heap and runs without the cyclic collector (a collection
    inside one timing is noise, and the garbage of earlier runs would make later ones
    fault in fresh pages)."""
    gc.collect()
    gc.disable()
    try:
        return stage_times(nlp, text)
    finally:
        gc.enable()


def _fastest(nlp, small: str, big: str, reps: int) -> tuple[dict, dict]:
    """Per stage, the fastest of ``reps`` interleaved runs of each text."""
    best_s: dict[str, float] = {}
    best_b: dict[str, float] = {}
    for _ in range(reps):
        for text, best in ((small, best_s), (big, best_b)):
            for k, v in _stage_times(nlp, text).items():
                best[k] = min(best.get(k, v), v)
    return best_s, best_b


def _units(nlp, make) -> int:
    """The smallest power of two of units whose document takes TARGET seconds (and
    whose double still fits in ``nlp.max_length``)."""
    n = MIN_UNITS
    while (n < MAX_UNITS and len(make(4 * n)) <= nlp.max_length
           and sum(_stage_times(nlp, make(n)).values()) < TARGET):
        n *= 2
    return n


def _slow(t_small: dict, t_big: dict) -> dict:
    return {k: (t_small[k], t_big[k]) for k in t_big
            if t_big[k] > FLOOR and t_big[k] > MAX_RATIO * t_small[k] + SLACK}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_each_stage_is_linear(nlp, shape):
    make = SHAPES[shape]
    n = _units(nlp, make)
    small, big = make(n), make(2 * n)
    assert len(big) >= 1.9 * len(small)
    for attempt in range(3):  # a quadratic stage fails every attempt; a busy machine only some
        t_small, t_big = _fastest(nlp, small, big, reps=3 + 2 * attempt)
        slow = _slow(t_small, t_big)
        if not slow:
            break
    assert not slow, f"{shape} ({len(small)} -> {len(big)} chars): " + ", ".join(
        f"{k} {a * 1e3:.1f} ms -> {b * 1e3:.1f} ms" for k, (a, b) in slow.items())


def test_shapes_grow_linearly():
    """Each shape is ``n`` repetitions of a unit: its length doubles with ``n``."""
    for name, make in SHAPES.items():
        a, b = len(make(100)), len(make(200))
        assert 1.9 * a <= b <= 2.1 * a + 10, name
