"""Forms and their claims: a quote's content normalised into its *form*, claim ids, the
``[claims]`` rules, and the assignment of every form to a claim (:func:`assign`).  Pure
Python over lists; :mod:`pipeline.claims`, which says what a claim is and how ids stay
stable, builds them over an output folder.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field

from stages.textnorm import normalize_text

from .neardup import near_duplicates


SIMILARITY = 0.6
MIN_SHARED_WORDS = 5

_WORD = re.compile(r"[^\W_]+")
_SEP = "\x00"
_CHUNK = 20_000


# ----------------------------------------------------------------------------- forms

def normalise_many(texts: list[str | None]) -> list[str]:
    """Normalised contents: folded, lower-cased words joined by one space.

    The document normaliser runs once over the joined texts (one ``re.sub`` and a
    chain of ``str.replace``, C speed), then one word scan per text.

    >>> normalise_many(["«إنّ المملكةَ تدعم الحـل»", "ان المملكه تدعم الحل."])
    ['ان المملكه تدعم الحل', 'ان المملكه تدعم الحل']
    """
    out: list[str] = []
    for i in range(0, len(texts), _CHUNK):  # chunks: a few MB of text at a time, not the corpus
        big = normalize_text(_SEP.join((t or "").replace(_SEP, " ") for t in texts[i:i + _CHUNK])).text.lower()
        out += [" ".join(_WORD.findall(p)) for p in big.split(_SEP)]
    return out or [""] * len(texts)


def normalise(text: str | None) -> str:
    return normalise_many([text])[0]


def claim_id_of(key: str) -> str:
    return "c" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Rules:
    similarity: float = SIMILARITY
    min_shared_words: int = MIN_SHARED_WORDS


def load_rules(config: str | None) -> Rules:
    """``[claims]`` of the configuration (similarity, min_shared_words), else defaults."""
    from stages.lexicon import DEFAULT_CONFIG
    try:
        with open(config or DEFAULT_CONFIG, "rb") as f:
            sec = tomllib.load(f).get("claims", {})
    except (OSError, tomllib.TOMLDecodeError):
        return Rules()
    from stages.errors import ConfigError, make
    unknown = set(sec) - {"similarity", "min_shared_words"}
    if unknown:
        raise make(ConfigError, "E006", section="claims", key=sorted(unknown)[0], value=sec[sorted(unknown)[0]],
                   expected="similarity or min_shared_words")
    sim, shared = sec.get("similarity", SIMILARITY), sec.get("min_shared_words", MIN_SHARED_WORDS)
    if not isinstance(sim, (int, float)) or not 0 < sim <= 1:
        raise make(ConfigError, "E006", section="claims", key="similarity", value=sim, expected="a number in (0, 1]")
    if not isinstance(shared, int) or shared < 1:
        raise make(ConfigError, "E006", section="claims", key="min_shared_words", value=shared,
                   expected="an integer >= 1")
    return Rules(float(sim), shared)


@dataclass
class Form:
    order: int  # rank of its earliest quote (date, doc_id, position)
    first_row: int
    rows: list[int] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # claim ids its quotes already carry


def assign(keys: list[str], order: list[int], existing: list[str | None], old_seeds: dict[str, str],
           rules: Rules | None = None) -> tuple[list[str], dict[str, str]]:
    """Give every quote (row) a claim.

    ``keys``: normalised contents; ``order``: each row's rank by publication; ``existing``:
    the claim_id the row already carries (None for new rows); ``old_seeds``: the seed
    form of every claim of the previous build.  Returns the claim of every row and the
    seed form of every claim.
    """
    rules = rules or Rules()
    forms: dict[str, Form] = {}
    for i, k in enumerate(keys):
        f = forms.get(k)
        if f is None:
            f = forms[k] = Form(order[i], i)
        elif order[i] < f.order:
            f.order, f.first_row = order[i], i
        f.rows.append(i)
        if existing[i]:
            f.ids.add(existing[i])

    # claims of earlier builds live while their seed form has quotes
    seeds: dict[str, str] = {cid: s for cid, s in old_seeds.items() if s in forms}
    labelled: dict[str, list[str]] = defaultdict(list)
    for k, f in forms.items():
        for cid in f.ids:
            labelled[cid].append(k)
    for cid, ks in labelled.items():
        if cid not in old_seeds:  # labelled by a build that died before writing its table
            own = [k for k in ks if claim_id_of(k) == cid]
            seeds[cid] = own[0] if own else min(ks, key=lambda k: forms[k].order)

    claim_of: dict[str, str] = {}
    released: dict[str, str] = {}  # a form of a dissolved claim -> that claim's id
    for k, f in forms.items():
        alive = sorted(cid for cid in f.ids if cid in seeds)
        if alive:
            claim_of[k] = alive[0]
        elif f.ids:
            released[k] = min(f.ids)

    names = list(forms)
    pos = {k: i for i, k in enumerate(names)}
    near = near_duplicates(names, rules.similarity, rules.min_shared_words)
    seed_claim = {s: cid for cid, s in seeds.items()}
    claim_of_seed = {pos[s]: cid for cid, s in seeds.items()}

    for k in sorted((k for k in forms if k not in claim_of), key=lambda k: (forms[k].order, k)):
        cid = seed_claim.get(k)
        if cid is None:
            # the seed it resembles most (ties: the earliest claim)
            best = max(((jac, -forms[names[j]].order, j) for jac, j in near.get(pos[k], ())
                        if j in claim_of_seed), default=None)
            cid = claim_of_seed[best[2]] if best else None
        if cid is None:
            prev = released.get(k)
            cid = prev if prev and prev not in seeds else claim_id_of(k)
            n = 0
            while cid in seeds:  # a 64-bit hash collision: never seen, but never merge on it
                n += 1
                cid = claim_id_of(f"{k}{_SEP}{n}")
            seeds[cid] = k
            seed_claim[k] = cid
            claim_of_seed[pos[k]] = cid
        claim_of[k] = cid
    used = set(claim_of.values())
    return [claim_of[k] for k in keys], {cid: s for cid, s in seeds.items() if cid in used}
