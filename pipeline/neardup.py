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
_TOKEN_CHUNK = 20_000  # forms split at once
_MARK = "\x01"  # between two forms in a joined chunk (normalised forms have no control characters)
_CHECK_CHUNK = 50_000  # candidate pairs checked at once (their words: ~30 MB of int64)


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
    often enough to make tens of millions of candidates.  Everything is vectorised
    (pyarrow, numpy), the exact check included (the words two forms have in common, a
    chunk of candidate pairs at a time): on the corpus's 98k forms it peaks at about
    160 MB over its input, where a frozenset per form took 430 MB.  Words hash with
    CRC-32 and the hash functions have fixed seeds, so the same input gives the same
    claims in every process.
    """
    import zlib

    import numpy as np

    n = len(names)
    out: dict[int, list[tuple[float, int]]] = defaultdict(list)
    if n < 2:
        return out
    # one (form, word) per distinct word of a form, sorted by form
    vocab: dict[str, int] = {}
    form, wid = [], []
    for lo in range(0, n, _TOKEN_CHUNK):
        f, w = _word_ids(names[lo:lo + _TOKEN_CHUNK], vocab)
        form.append(f + lo)
        wid.append(w)
    nv = max(len(vocab), 1)
    pair = _distinct(np.concatenate(form) * nv + np.concatenate(wid))
    del form, wid
    form, wid = (pair // nv).astype(np.int32), (pair % nv).astype(np.int32)
    del pair
    df = np.bincount(wid, minlength=nv)
    size = np.bincount(form, minlength=n)
    big = size[form] >= min_shared_words
    keep = big & (df[wid] <= max(STOP_MIN_DF, int(STOP_SHARE * n)))
    # a form of common words only keeps them all (it can only meet its own kind)
    keep |= big & (np.bincount(form[keep], minlength=n)[form] == 0)
    hform, hwid = form[keep], wid[keep]
    del keep, big, df
    if len(hform) == 0:
        return out
    crc = np.array([zlib.crc32(w.encode("utf-8")) for w in vocab], dtype=np.uint64)
    del vocab
    x = crc[hwid] * np.uint64(0x9E3779B97F4A7C15)
    del crc
    starts = np.flatnonzero(np.r_[True, hform[1:] != hform[:-1]])
    fids = hform[starts].astype(np.int64)  # pair codes i * n + j need 64 bits
    del hform, hwid
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
    del x, starts, fids
    pairs = _distinct(np.concatenate(cands))
    del cands
    # the exact check, vectorised: words in common of each candidate pair
    first = np.r_[0, np.cumsum(size)]  # form f's words: wid[first[f]:first[f + 1]]
    for lo in range(0, len(pairs), _CHECK_CHUNK):
        i, j = np.divmod(pairs[lo:lo + _CHECK_CHUNK], n)
        inter = _common(i, j, wid, first, size, nv)
        union = size[i] + size[j] - inter
        jac = inter / union
        ok = np.flatnonzero((inter >= min_shared_words) & (jac >= similarity))
        for a_, b_, jc in zip(i[ok].tolist(), j[ok].tolist(), jac[ok].tolist()):
            if _numbers(names[a_]) == _numbers(names[b_]):
                out[a_].append((jc, b_))
                out[b_].append((jc, a_))
    return out


def _common(i, j, wid, first, size, nv: int):
    """Words in common of forms ``i[k]`` and ``j[k]``, for every k: each of i's words
    (as ``k * nv + word``) looked up among j's, which are sorted already (by k, then
    by word: a form's words are sorted)."""
    import numpy as np

    pid = np.arange(len(i), dtype=np.int64)
    qi = np.repeat(pid, size[i]) * nv + wid[_ranges(first[i], size[i])]
    qj = np.repeat(pid, size[j]) * nv + wid[_ranges(first[j], size[j])]
    at = np.minimum(np.searchsorted(qj, qi), max(len(qj) - 1, 0))
    found = qj[at] == qi if len(qj) else np.zeros(len(qi), dtype=bool)
    return np.bincount(qi[found] // nv, minlength=len(i))


def _word_ids(chunk: list[str], vocab: dict[str, int]):
    """(form, word id) of every word of ``chunk`` (forms numbered from 0), the ids from
    ``vocab`` (extended with new words).  Arrow splits one joined string and encodes
    the words; a per-name conversion would leave a UTF-8 copy in every Python string
    and grow Arrow's pool by hundreds of MB on the corpus."""
    import numpy as np

    pool = pa.system_memory_pool()  # malloc gives the chunk's buffers back; Arrow's pool would keep them
    joined = pa.array([(" " + _MARK + " ").join(chunk)], pa.string(), memory_pool=pool)
    enc = pc.dictionary_encode(pc.list_flatten(pc.split_pattern(joined, " ", memory_pool=pool), memory_pool=pool),
                               memory_pool=pool)
    del joined
    words = enc.dictionary.to_pylist()
    gid = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), np.int64, len(words))
    codes = enc.indices.to_numpy(zero_copy_only=False)
    del enc
    mark = words.index(_MARK) if _MARK in words else -1
    is_mark = codes == mark
    form = np.cumsum(is_mark)[~is_mark]
    ids = gid[codes[~is_mark]]
    return form, ids


def _ranges(starts, lens):
    """The concatenation of ``range(s, s + l)`` for each start and length (numpy, no loop)."""
    import numpy as np

    total = int(lens.sum())
    offs = np.cumsum(lens) - lens
    return np.repeat(starts - offs, lens) + np.arange(total, dtype=np.int64)


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
