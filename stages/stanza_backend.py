"""Optional stage (``backend = "stanza"``): sharpen speaker spans with Stanza's Arabic
dependency parse and named entities.

Runs after ``isnad_content`` and before ``isnad_speakers``.  For every quote it finds
the Stanza word of the cue verb, takes its subject (``nsubj``) subtree as the speaker
mention, widens it to any PERSON/ORG entity it touches, and, when the cue has no
subject, takes a PERSON/ORG entity right after the cue.  The rule-based mention is
replaced only when the parse agrees with it (they overlap) or the rules found none.

Offsets are exact: Stanza splits clitics into multi-word tokens (``وقال`` = و + قال,
``للصحفيين`` = ل + الصحفيين, where the written form lost an alef); each word of such a
token is aligned back to its characters in the original text by a small edit-distance
alignment, then mapped to the normalised offsets the other stages use.

Importing this module imports spaCy only: ``stanza`` (and torch) are imported when
the component is built, and only for ``backend = "stanza"``.
"""
from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .errors import BackendError, make
from .model import Quote
from .textnorm import fold

LANG = "ar"
PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
ENTITY_TYPES = {"PER", "PERSON", "ORG", "ORGANIZATION"}
CLITIC_UPOS = {"CCONJ", "ADP", "SCONJ", "PART"}
SUBJECT_STOP = {"acl", "acl:relcl", "advcl", "ccomp", "xcomp", "parataxis", "punct", "mark"}


# --- models ----------------------------------------------------------------------------

def resources_dir(config: dict | None = None) -> Path:
    """Where the Stanza models live: ``[stanza] dir`` in the configuration, else
    ``$STANZA_RESOURCES_DIR``, else Stanza's own default (``~/.cache/stanza/VERSION/resources``)."""
    d = ((config or {}).get("stanza") or {}).get("dir")
    if d:
        return Path(d).expanduser()
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env).expanduser()
    try:
        from stanza.resources.common import DEFAULT_MODEL_DIR
        return Path(DEFAULT_MODEL_DIR)
    except ImportError:
        return Path("~/stanza_resources").expanduser()


def missing_models(d: Path) -> list[str]:
    """The processors whose Arabic model is not under ``d`` (all of them when the
    folder or its ``resources.json`` is missing)."""
    if not (d / "resources.json").is_file():
        return list(PROCESSORS)
    return [p for p in PROCESSORS if not any((d / LANG / p).glob("*.pt"))]


def require_stanza() -> Any:
    try:
        import stanza
    except ImportError:
        raise make(BackendError, "E301") from None
    return stanza


def load_pipeline(config: dict | None = None) -> Callable[[str], Any]:
    """A Stanza Arabic pipeline from local models only (never downloads at start-up).
    Raises E301 without the package, E302 without the models."""
    stanza = require_stanza()
    d = resources_dir(config)
    if missing_models(d):
        raise make(BackendError, "E302", dir=d)
    try:
        return stanza.Pipeline(LANG, dir=str(d), processors=",".join(PROCESSORS),
                               download_method=None, use_gpu=False, logging_level="WARN")
    except Exception as e:  # a broken or partial model folder
        raise make(BackendError, "E303", dir=d, error=f"{type(e).__name__}: {e}") from None


# --- alignment ---------------------------------------------------------------------------

@dataclass(slots=True)
class SWord:
    """One Stanza word with its original-text offsets and a global head index."""

    index: int
    start: int
    end: int
    text: str
    upos: str
    deprel: str
    head: int  # global index of the head word, -1 for the root
    token_start: int
    token_end: int
    mwt: bool


def _key(ch: str) -> str:
    return fold(ch) or ""


def align_mwt(token: str, forms: list[str]) -> list[tuple[int, int]]:
    """Split ``token`` (the written multi-word token) into one contiguous piece per
    word form, relative offsets covering the token exactly.

    >>> align_mwt("للصحفيين", ["ل", "الصحفيين"])
    [(0, 1), (1, 8)]
    >>> align_mwt("وقالَ", ["و", "قال"])
    [(0, 1), (1, 5)]
    """
    if len(forms) <= 1:
        return [(0, len(token))]
    concat = "".join(forms)
    bounds = []
    pos = 0
    for f in forms[:-1]:
        pos += len(f)
        bounds.append(pos)
    n, m = len(token), len(concat)
    tk = [_key(c) for c in token]
    ck = [_key(c) for c in concat]
    # edit distance; characters that fold to nothing (diacritics, tatweel) cost nothing to drop
    INF = 10 ** 9
    dp = [[INF] * (m + 1) for _ in range(n + 1)]
    dp[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            v = dp[i][j]
            if v == INF:
                continue
            if i < n and j < m:
                c = 0 if tk[i] == ck[j] else 1
                if v + c < dp[i + 1][j + 1]:
                    dp[i + 1][j + 1] = v + c
            if i < n:
                c = 0 if tk[i] == "" else 1
                if v + c < dp[i + 1][j]:
                    dp[i + 1][j] = v + c
            if j < m:
                c = 0 if ck[j] == "" else 1
                if v + c < dp[i][j + 1]:
                    dp[i][j + 1] = v + c
    # backtrace, preferring diagonal steps; remember the largest token position seen at each j
    at: dict[int, int] = {}
    i, j = n, m
    at[j] = i
    while i > 0 or j > 0:
        v = dp[i][j]
        if i > 0 and j > 0 and dp[i - 1][j - 1] + (0 if tk[i - 1] == ck[j - 1] else 1) == v:
            i, j = i - 1, j - 1
        elif i > 0 and dp[i - 1][j] + (0 if tk[i - 1] == "" else 1) == v:
            i -= 1
        else:
            j -= 1
        at.setdefault(j, i)  # first visit from the end = largest i for this j
    cuts = [0] + [at[b] for b in bounds] + [n]
    for k in range(1, len(cuts)):  # keep the pieces ordered (never negative)
        cuts[k] = max(cuts[k], cuts[k - 1])
    return [(cuts[k], cuts[k + 1]) for k in range(len(forms))]


def stanza_words(sdoc: Any, text: str) -> list[SWord]:
    """Every word of a Stanza Document with exact offsets into ``text`` (the text the
    document was parsed from). Tokens whose text cannot be found are skipped."""
    words: list[SWord] = []
    cursor = 0
    for sent in sdoc.sentences:
        base = len(words)
        n_words = len(sent.words)
        for tok in sent.tokens:
            s, e = tok.start_char, tok.end_char
            if s is None or e is None or text[s:e] != tok.text:
                s = text.find(tok.text, cursor)
                e = s + len(tok.text)
            forms = [w.text for w in tok.words]
            if s < 0:
                pieces = [(-1, -1)] * len(forms)
            else:
                cursor = e
                pieces = [(s + a, s + b) for a, b in align_mwt(tok.text, forms)]
            for w, (ws, we) in zip(tok.words, pieces):
                head = w.head if w.head is not None else 0
                words.append(SWord(
                    index=base + w.id - 1, start=ws, end=we, text=w.text, upos=w.upos or "",
                    deprel=w.deprel or "", head=base + head - 1 if 0 < head <= n_words else -1,
                    token_start=s, token_end=e, mwt=len(forms) > 1))
    words.sort(key=lambda w: w.index)
    return words


def stanza_entities(sdoc: Any, words: list[SWord], text: str) -> list[tuple[int, int, str]]:
    """Entities from the tokens' BIOES ``ner`` tags, as (start, end, label) in ``text``;
    a leading clitic of a multi-word token (و، ل، ب) is left out of the entity."""
    by_token: dict[int, list[SWord]] = {}
    for w in words:
        by_token.setdefault(w.token_start, []).append(w)
    ents = []
    cur: Optional[list] = None
    cursor = 0
    for sent in sdoc.sentences:
        for tok in sent.tokens:
            s = tok.start_char
            if s is None or text[s:tok.end_char] != tok.text:
                s = text.find(tok.text, cursor)
            if s < 0:
                cur = None
                continue
            cursor = s + len(tok.text)
            tag = getattr(tok, "ner", None) or "O"
            prefix, _, label = tag.partition("-")
            if prefix in ("B", "S") or (prefix in ("I", "E") and cur is None):
                cur = [s, cursor, label]
                ents.append(cur)
            elif prefix in ("I", "E") and cur is not None:
                cur[1] = cursor
            else:
                cur = None
            if prefix in ("E", "S"):
                cur = None
    out = []
    for s, e, label in ents:
        ws = by_token.get(s, [])
        content = [w for w in ws if w.upos not in CLITIC_UPOS]
        if len(ws) > 1 and content:
            s = content[0].start
        out.append((s, e, label))
    return out


# --- the component -------------------------------------------------------------------------

def _to_norm(index: Optional[list[int]], start: int, end: int) -> tuple[int, int]:
    """Original offsets -> normalised offsets (the inverse of NormText.to_orig)."""
    if index is None:
        return start, end
    return bisect_left(index, start), bisect_left(index, end)


@Language.factory(
    "isnad_stanza",
    requires=["doc._.isnad_quotes"],
    assigns=["doc._.isnad_quotes"],
    default_config={"config_path": None},
)
def make_stanza(nlp: Language, name: str, config_path: Optional[str]) -> "StanzaSpeakers":
    from .lexicon import load_lexicon
    return StanzaSpeakers(load_pipeline(load_lexicon(config_path).config))


class StanzaSpeakers:
    """``parse`` turns a text into a ``stanza.Document`` (a Stanza pipeline, or any
    callable: tests pass documents built from CoNLL-U)."""

    def __init__(self, parse: Callable[[str], Any]):
        self.parse = parse

    def __call__(self, doc: Doc) -> Doc:
        quotes: list[Quote] = doc._.isnad_quotes or []
        if not quotes:
            return doc
        text = doc.text
        sdoc = self.parse(text)
        words = stanza_words(sdoc, text)
        ents = [(s, e, l) for s, e, l in stanza_entities(sdoc, words, text) if l.upper() in ENTITY_TYPES]
        self.sharpen(doc, quotes, words, ents)
        return doc

    def sharpen(self, doc: Doc, quotes: list[Quote], words: list[SWord],
                ents: list[tuple[int, int, str]]) -> None:
        norm = doc._.isnad_norm
        children: dict[int, list[SWord]] = {}
        for w in words:
            if w.head >= 0:
                children.setdefault(w.head, []).append(w)
        for q in quotes:
            span = self.speaker_span(q, norm, words, children, ents)
            if span is None:
                continue
            ns, ne = _to_norm(norm.index, *span)
            if ns >= ne:
                continue
            if q.speaker_start is not None:
                if ne <= q.speaker_start or ns >= q.speaker_end:
                    continue  # the parse disagrees with the rules: keep the rules
                if (ns, ne) == (q.speaker_start, q.speaker_end):
                    continue
            q.speaker_start, q.speaker_end = ns, ne
            q.method += "+stanza"

    def speaker_span(self, q: Quote, norm, words: list[SWord], children: dict[int, list[SWord]],
                     ents: list[tuple[int, int, str]]) -> Optional[tuple[int, int]]:
        """Original offsets of the speaker mention the parse gives for ``q``, or None."""
        cs = norm.to_orig(q.cue.start)
        ce = norm.to_orig_end(q.cue.word_end or q.cue.end)
        qs, qe = norm.to_orig(q.start), norm.to_orig_end(q.end)
        over = [w for w in words if w.start < ce and w.end > cs and w.start >= 0]
        if not over:
            return None
        verbs = [w for w in over if w.upos in ("VERB", "AUX")]
        cands = verbs or [w for w in over if w.upos not in CLITIC_UPOS]
        if not cands:
            return None
        verb = cands[-1]

        def clear(s: int, e: int) -> bool:  # aligned, and not inside the content or the cue
            return s >= 0 and not (s < qe and e > qs) and not (s < ce and e > cs)

        subj = next((w for w in children.get(verb.index, []) if w.deprel.startswith("nsubj")), None)
        if subj is not None and clear(subj.start, subj.end):
            tree = {subj.index}
            todo = [subj]
            while todo:
                for c in children.get(todo.pop().index, []):
                    if c.deprel not in SUBJECT_STOP and c.index not in tree:
                        tree.add(c.index)
                        todo.append(c)
            lo = hi = subj.index
            while lo - 1 >= 0 and lo - 1 in tree and clear(words[lo - 1].start, words[lo - 1].end):
                lo -= 1
            while hi + 1 < len(words) and hi + 1 in tree and clear(words[hi + 1].start, words[hi + 1].end):
                hi += 1
            while lo < hi and words[lo].upos in CLITIC_UPOS:
                lo += 1
            s, e = words[lo].start, words[hi].end
            for es, ee, _ in ents:  # widen to an entity the subject touches
                if es < e and ee > s and clear(es, ee):
                    s, e = min(s, es), max(e, ee)
            return s, e
        # no subject in the parse: a PERSON/ORG right after the cue, before the content
        for es, ee, _ in ents:
            if es >= ce and not doc_gap(words, ce, es) and clear(es, ee):
                return es, ee
        return None


def doc_gap(words: list[SWord], a: int, b: int) -> bool:
    """True when a whole word lies between offsets ``a`` and ``b``."""
    return any(w.start >= a and w.end <= b and w.end > w.start for w in words)
