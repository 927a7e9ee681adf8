"""Near-duplicate contents: MinHash/LSH candidates over word sets, checked exactly.

Used by :mod:`pipeline.claims` to find, for each new content, the claims whose founding
content it resembles, on the whole corpus in a few seconds.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

_DIGITS = re.compile(r"[0-9]+")

BANDS, ROWS = 24, 3
STOP_SHARE, STOP_MIN_DF = 0.005, 50


def near_duplicates(names: list[str], similarity: float, min_shared_words: int) -> dict[int, list[tuple[float, int]]]:
    """Pairs of forms that resemble each other: ``i -> [(jaccard, j), …]``.

    ``names``: normalised contents (words joined by one space).
    Resemble: word-set Jaccard >= ``similarity``, at least ``min_shared_words`` words in
    common, and the same numbers.  Candidates come from MinHash/LSH: ``BANDS`` bands of
    ``ROWS`` hashes, a pair is a candidate when one band agrees, which happens with
    probability ``1 - (1 - J**ROWS)**BANDS`` (0.997 at J = 0.6, 0.99998 at 0.7).  Every
    candidate is checked exactly, so LSH can only miss a pair, never merge a wrong one.

    Words in more than 0.5 % of the forms (ان، في، المملكه) are left out of the hashes
    (they still count in the exact check): with them every two quotes share a band
    often enough to make tens of millions of candidates.  Everything up to the exact
    check is vectorised (pyarrow, numpy); words hash with CRC-32 and the hash functions
    have fixed seeds, so the same input gives the same claims in every process.
    """
    import zlib

    import numpy as np

    n = len(names)
    out: dict[int, list[tuple[float, int]]] = defaultdict(list)
    if n < 2:
        return out
    words = pc.split_pattern(pa.array(names, pa.string()), " ")
    lens = pc.list_value_length(words).to_numpy(zero_copy_only=False)
    enc = pc.dictionary_encode(pc.list_flatten(words))
    del words
    vocab = enc.dictionary.to_pylist()
    nv = max(len(vocab), 1)
    # one (form, word) per distinct word of a form; document frequency of each word
    pair = _distinct(np.repeat(np.arange(n, dtype=np.int64), lens) * nv
                     + enc.indices.to_numpy(zero_copy_only=False))
    del enc
    form, wid = (pair // nv).astype(np.int32), (pair % nv).astype(np.int32)
    del pair
    df = np.bincount(wid, minlength=nv)
    size = np.bincount(form, minlength=n)
    big = size[form] >= min_shared_words
    keep = big & (df[wid] <= max(STOP_MIN_DF, int(STOP_SHARE * n)))
    # a form of common words only keeps them all (it can only meet its own kind)
    keep |= big & (np.bincount(form[keep], minlength=n)[form] == 0)
    form, wid = form[keep], wid[keep]
    if len(form) == 0:
        return out
    crc = np.array([zlib.crc32(w.encode("utf-8")) for w in vocab], dtype=np.uint64)
    x = crc[wid] * np.uint64(0x9E3779B97F4A7C15)
    starts = np.flatnonzero(np.r_[True, form[1:] != form[:-1]])
    fids = form[starts].astype(np.int64)  # pair codes i * n + j need 64 bits
    rng = np.random.default_rng(20150721)
    a = rng.integers(1, 2**63, BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, BANDS * ROWS, dtype=np.uint64)
    cands = []
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            key = np.zeros(len(fids), dtype=np.uint64)
            for k in range(band * ROWS, (band + 1) * ROWS):
                h = np.minimum.reduceat((x * a[k] + b[k]) >> np.uint64(32), starts)
                key = (key ^ h) * np.uint64(0xBF58476D1CE4E5B9)
            cands.append(_pairs_in_groups(key, fids, n))
    sets: dict[int, frozenset] = {}
    for p in _distinct(np.concatenate(cands)).tolist():
        i, j = divmod(p, n)
        si = sets.get(i) or sets.setdefault(i, frozenset(names[i].split()))
        sj = sets.get(j) or sets.setdefault(j, frozenset(names[j].split()))
        inter = len(si & sj)
        if inter < min_shared_words:
            continue
        jac = inter / (len(si) + len(sj) - inter)
        if jac >= similarity and _numbers(names[i]) == _numbers(names[j]):
            out[i].append((jac, j))
            out[j].append((jac, i))
    return out


def _distinct(a):
    """Sorted distinct values (np.unique hashes, 5x slower on millions of int64)."""
    import numpy as np

    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _pairs_in_groups(key, ids, n: int):
    """Every pair ``i * n + j`` (i < j) of ``ids`` that share a ``key`` (numpy, no loop)."""
    import numpy as np

    order = np.argsort(key, kind="stable")
    k, v = key[order], ids[order]
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    size = np.diff(np.r_[start, len(k)])
    pos = np.arange(len(k))
    after = np.repeat(start + size, size) - pos - 1  # members after each one in its group
    left = np.repeat(pos, after)
    right = left + 1 + (np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after))
    i, j = v[left], v[right]
    return np.minimum(i, j) * n + np.maximum(i, j)


def _numbers(key: str) -> frozenset:
    return frozenset(_DIGITS.findall(key))
