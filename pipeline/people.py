"""People and organisations across documents: ``speakers.person_key``.

The stage's ``speaker_key`` is per mention: ``الوزير`` in twelve articles is one key, and
one minister has five.  ``person_key`` names one person or organisation across the
dataset, and is built from *names* only:

- **A person's name** is read from the speaker's name (else its aliases): its words are
  folded (:func:`stages.textnorm.fold`), the title before it is cut off — title words
  from ``lexicons/titles.txt`` and the definite words that complete them
  (``وزير [الخارجية السعودي] عادل الجبير``) — and the name ends before a title,
  organisation head, place, preposition-prefixed word or boundary word after it
  (``د شالي الجدعاني [رئيس مجلس الأمناء]``).  A full name (two to five words, the first
  one without the article) gets a key when something says it is a person: a title in
  the document, a known first name, or a compound name (عبد…، أبو…).  The key keeps the
  article (``الجبير`` is a family name, ``جبير`` a given name: ``جبير المليحان`` is
  somebody else), drops a patronymic inside the name (``عادل بن أحمد الجبير`` =
  ``عادل الجبير``) and writes ``عبد الرحمن`` as one word.
- **A bare title** (``الوزير``، ``المتحدث الرسمي``، ``المصدر``، ``الملحق الثقافي``) has no
  name, so no key: two ministers in two articles are not one person.
- **A surname alone** (``الجبير``، ``تسيبراس``) takes the key of the one full name that
  ends with it *and* whose documents agree with this one: they share a distinctive title
  or organisation word (``الخارجية``، ``اليوناني``; generic title words such as ``وزير``
  or ``رئيس`` do not count).  No agreeing full name, or two of them: no key.
- **Organisations and agencies** are keyed by their name, cut like a person's; a bare
  head (``الوزارة``، ``الشركة``، ``الحكومة``) has none.  Documents, groups, anonymous and
  unknown sources have none.

Computed in the driver after each run over the whole ``speakers`` dataset (a surname in
tonight's article may agree with a full name from last month), in :mod:`pipeline.derived`.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from stages.textnorm import REMOVED, fold

_WORD = re.compile(r"[^\W_]+")
_ABD = "عبد"
# the preposition على is not the name علي (folding would make them one)
_UNFOLDED = {"على"}
_NASAB = {"بن", "ابن", "بنت"}
# prefixes of compound given names: عبدالله، أبو بكر
_COMPOUND = ("عبد", "ابو")
MAX_NAME_WORDS = 5


# ----------------------------------------------------------------------------- name words

def name_tokens(s: str | None, keep_hamza: bool = False) -> list[str]:
    """Folded words of a name, with the article kept and ``عبد X`` written as one word.

    >>> name_tokens("وزيرُ الخارجيّة عادل الجبیر")
    ['وزير', 'الخارجيه', 'عادل', 'الجبير']
    >>> name_tokens("خيرات عبد الرحمانوف") == name_tokens("خيرات عبدالرحمانوف")
    True
    """
    if not s:
        return []
    # NFKC first: presentation forms (ﻷ in «اﻷحمر») are the letters they show
    ws = [w if w in _UNFOLDED else _fold_word(w, keep_hamza)
          for w in _WORD.findall(REMOVED.sub("", unicodedata.normalize("NFKC", s)))]
    out: list[str] = []
    i = 0
    while i < len(ws):
        w = ws[i]
        if w == _ABD and i + 1 < len(ws):  # عبد الرحمن -> عبدالرحمن, as it is also written
            i += 1
            w = _ABD + ws[i]
        out.append(w)
        i += 1
    return out


def _fold_word(w: str, keep_hamza: bool) -> str:
    """Fold a word; for keys, keep the hamza of a name that starts with it before ل:
    أليكسيس and إلهام would otherwise look like the article (اليكسيس).  Matching folds
    it (``ألجبير`` is a common misspelling of ``الجبير``)."""
    f = fold(w).lower()
    return w[0] + f[1:] if keep_hamza and w[:2] in ("أل", "إل") else f


def strip_article(w: str) -> str:
    return w[2:] if has_article(w) else w


def has_article(w: str) -> bool:
    return w.startswith("ال") and len(w) > 3


def drop_nasab(ws: list[str]) -> list[str]:
    """``عادل بن احمد الجبير`` -> ``عادل الجبير``: a patronymic before a family name with
    the article may be left out.  Not at the start (``بن لادن`` is a surname), and not in
    names without such a family name, where the chain *is* the name: ``فهد بن سلطان بن
    عبدالعزيز`` is not ``فهد بن عبدالعزيز``, ``محمد بن زايد آل نهيان`` not ``محمد آل نهيان``."""
    if not ws or not has_article(ws[-1]) or (len(ws) >= 2 and ws[-2] == "ال"):
        return ws
    return skip_patronymics(ws)


def skip_patronymics(ws: list[str]) -> list[str]:
    """Every ``بن X`` / ``بنت X`` inside a name left out, wherever it stands (not the first
    word, not the last two): what ``who`` also matches, so ``عادل الجبير`` finds ``عادل بن
    أحمد الجبير``."""
    out: list[str] = []
    i = 0
    while i < len(ws):
        if out and ws[i] in _NASAB and i + 2 < len(ws):
            i += 2
            continue
        out.append(ws[i])
        i += 1
    return out


# ----------------------------------------------------------------------------- one speaker

@dataclass
class Words:
    """The lexicons' word classes, folded, for cutting names out of mentions."""

    titles: frozenset
    heads: frozenset  # organisation, group, document and anonymous heads, places
    boundaries: frozenset  # the stage's mention boundaries and people.toml [not_name]
    first_names: frozenset
    generic: frozenset  # people.toml [generic_heads]
    places: frozenset

    @classmethod
    def of(cls, lex, config: str | None = None) -> "Words":
        def bare(ws):
            return frozenset(strip_article(w) for w in ws) | frozenset(ws)
        extra = people_lexicon(config)
        heads = lex.organizations | lex.groups | lex.documents | lex.anonymous | lex.places | lex.media_heads
        return cls(bare(lex.titles), bare(heads), frozenset(lex.boundaries) | extra["not_name"],
                   bare(lex.first_names), bare(extra["generic_heads"]), bare(lex.places))


def people_lexicon(config: str | None = None) -> dict[str, frozenset]:
    """``[people] lexicon`` of the configuration (default ``lexicons/people.toml``)."""
    import tomllib
    from pathlib import Path

    from stages.errors import ConfigError, make
    from stages.lexicon import DEFAULT_CONFIG

    cfg = Path(config) if config else DEFAULT_CONFIG
    try:
        rel = tomllib.loads(cfg.read_text(encoding="utf-8")).get("people", {}).get("lexicon")
    except (OSError, tomllib.TOMLDecodeError):
        rel = None  # the pipeline reports a bad configuration itself
    path = cfg.parent / rel if rel else DEFAULT_CONFIG.parent / "lexicons" / "people.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return {k: frozenset(fold(w) for w in data.get(k, {}).get("words", [])) for k in ("generic_heads", "not_name")}
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise make(ConfigError, "E005", path=path, error=e) from None


def _is_title(w: str, lw: Words) -> bool:
    b = strip_article(w)
    return w in lw.titles or b in lw.titles or (w[:1] in "وف" and w[1:] in lw.titles)


def _is_stop(w: str, lw: Words) -> bool:
    """A word that cannot be part of a name: it ends a name or starts a title."""
    b = strip_article(w)
    if _is_title(w, lw) or w in lw.heads or b in lw.heads or w in lw.boundaries or any(c.isdigit() for c in w):
        return True
    return _prep(w, lw)


def _nisba(w: str) -> bool:
    """A relative adjective (الأميركية، تركية، الباكستانية): ـي or ـية after the article."""
    b = strip_article(w)
    return len(b) >= 4 and (b.endswith("ي") or b.endswith("يه"))


def _completes_title(w: str) -> bool:
    """A word after a title that belongs to it: a definite word (وزير [الخارجية السعودي]),
    a conjoined one (وزير النقل [والبنى التحتية]), a لـ phrase (المدير العام [لإسطبلات]
    الخالدية) or باسم (المتحدث [باسم] الوزارة)."""
    return has_article(w) or w.startswith("وال") or (w[:1] == "ل" and len(w) > 3) or w == "باسم"


def _prep(w: str, lw: Words) -> bool:
    """بالفيصلي، لوزارة، للأمم: a preposition before a definite noun or a head."""
    return w[:1] in "بلك" and len(w) > 3 and (w[1:3] == "ال" or w[:2] == "لل" or w[1:] in lw.heads)


@dataclass
class Name:
    words: list[str]  # the name's folded words (article kept)
    titled: bool  # a title stood before it
    context: set[str]  # the distinctive words of its title / organisation


def cut_name(tokens: list[str], lw: Words) -> Name | None:
    """The personal name inside a mention or a cluster name, and the words of its title.

    Words are *title* words (the lexicon's titles), their *complements* (definite words
    right after a title: الخارجية السعودي), *stops* (heads, places, boundaries, digits,
    preposition-prefixed words) or *name* words; the name is the last run of name words,
    unless an earlier run starts with a known first name."""
    runs: list[tuple[int, int, bool]] = []  # (start, end, titled)
    context: set[str] = set()
    i, n = 0, len(tokens)
    after_title = False
    while i < n:
        w = tokens[i]
        if _is_title(w, lw):
            after_title = True
            i += 1
            continue
        if _is_stop(w, lw) or (after_title and _completes_title(w)):
            context.add(strip_article(w))
            i += 1
            continue
        j = i
        while j < n and not _is_stop(tokens[j], lw) and not _is_title(tokens[j], lw):
            j += 1
        # a title (with its complements) right before the run says it is a person
        runs.append((i, j, after_title))
        after_title = False
        i = j
    if not runs and n >= 3 and has_article(tokens[-1]) and not _is_stop(tokens[-1], lw) \
            and not _is_title(tokens[-1], lw) and _completes_title(tokens[-1]):
        # وزير الخارجية [الجبير]: a family name alone after the title
        context.discard(strip_article(tokens[-1]))
        runs.append((n - 1, n, True))
    if not runs:
        return Name([], False, {w for w in context if w not in lw.titles}) if context else None
    start, end, run_titled = runs[-1]
    if runs[0][0] == 0 and runs[0][1] < n and _is_title(tokens[runs[0][1]], lw):
        # NAME TITLE ORG: «فلورنتينو بيريز رئيس ريال مدريد» is Pérez, not the club
        start, end, run_titled = runs[0][0], runs[0][1], True
    for s, e, t in runs:
        if tokens[s] in lw.first_names or strip_article(tokens[s]) in lw.first_names:
            start, end, run_titled = s, e, t
            break
    words = tokens[start:end]
    while words and words[-1] in _NASAB:  # عبدالله بن [mention cut short]
        words = words[:-1]
    if not words:
        return None
    context |= {strip_article(w) for w in tokens[:start] + tokens[end:]
                if not _is_title(w, lw) and len(w) > 2 and w not in lw.boundaries}
    context -= {strip_article(w) for w in words}
    return Name(words, run_titled, {w for w in context if w not in lw.titles})


def _first_name(w: str, lw: Words) -> bool:
    return w in lw.first_names or strip_article(w) in lw.first_names or (w.startswith(_COMPOUND) and len(w) > 4)


def _person_evidence(words: list[str], name: Name, title: str | None, lw: Words) -> bool:
    return bool(title) or name.titled or _first_name(words[0], lw)


def key_of(words: list[str]) -> str:
    return " ".join(drop_nasab(words))


def org_key(words: list[str]) -> str:
    return " ".join(words)  # مؤسسة محمد بن سلمان الخيرية: the patronymic names it


@dataclass
class Row:
    """One speakers row, as the key needs it."""

    name: str | None
    type: str | None
    title: str | None
    aliases: list[str]


@dataclass
class Keyed:
    key: str | None  # a full name's or an organisation's key
    surname: str | None  # a lone surname, to resolve across documents
    context: set[str]  # distinctive title / organisation words in this document


def key_row(row: Row, lw: Words) -> Keyed:
    """The key a speaker gets from its own document (a lone surname: resolved later)."""
    typ = row.type or "unknown"
    if typ not in ("person", "organization", "agency"):
        return Keyed(None, None, set())
    title_ctx = {strip_article(w) for w in name_tokens(row.title, True)} - lw.titles
    candidates = [row.name] + sorted((a for a in row.aliases or [] if a != row.name), key=len, reverse=True)
    if typ != "person":
        for s in candidates:
            tokens = name_tokens(s, True)
            if not tokens:
                continue
            # an organisation's name runs from its head to the first word that cannot be
            # part of it (المملكة [بأشد العبارات …], هيئة الهلال الأحمر [في] …)
            # an idafa chain ends with its definite words: جامعة الدول العربية [إقرار …];
            # لـ continues it (المنظمة الدولية للهجرة)
            end, definite = 1, has_article(tokens[0])
            while end < min(len(tokens), 6):
                w = tokens[end]
                conj = w.startswith("وال")  # هيئة الغذاء [والدواء]
                if _is_title(w, lw) or w in lw.boundaries or any(c.isdigit() for c in w) \
                        or (w[:1] == "و" and not conj) \
                        or (definite and not has_article(w) and not conj and (w[:1] != "ل" or end < 2)) \
                        or (end == 1 and tokens[0] in lw.places and not has_article(w)):
                    # المملكة [بأشد العبارات]، بريطانيا [وفرنسا]، جامعة الدول العربية [إقرار]،
                    # الجامعة [للراغبين] (a لـ phrase right after a bare head), مصر [دفعت]
                    break
                definite = definite or has_article(w)
                end += 1
            words = tokens[:end]
            head = words[0] if words[0] not in lw.places else ""  # مصر، المملكة: a place is a name
            if head in lw.heads or strip_article(head) in lw.heads or _is_title(head, lw):
                rest = words[1:]
                if not rest:
                    return Keyed(None, None, set())  # الوزارة، الشركة: a head alone names nothing
                if words[0] in lw.generic and all(_nisba(w) for w in rest):
                    return Keyed(None, None, set())  # الشركة الأميركية، صحيفة تركية: which one?
            return Keyed(org_key(words), None, set())
        return Keyed(None, None, set())
    context: set[str] = set(title_ctx)
    title_tokens = name_tokens(row.title, True)
    if title_tokens and title_tokens[-1] in _NASAB and row.name:
        # the stage cut the name after بن: title «الشيخ عبدالعزيز بن», name «محمد القاسم»
        # is عبدالعزيز بن محمد القاسم, not محمد القاسم
        candidates = [row.title + " " + row.name] + candidates[1:]
    best: Name | None = None
    for s in candidates:
        name = cut_name(name_tokens(s, True), lw)
        if name is None:
            continue
        context |= name.context
        if best is None or (len(best.words) < 2 <= len(name.words) <= MAX_NAME_WORDS):
            best = name
    # names and their particles say nothing about the office (الشيخ [عبدالعزيز بن] …)
    context = {w for w in context if w not in lw.first_names and w not in _NASAB and w not in lw.boundaries}
    if best is None or not best.words:
        return Keyed(None, None, context)
    words = best.words
    if len(words) == 1:
        w = words[0]
        if len(strip_article(w)) < 3 or (has_article(w) and len(w) <= 4) or _first_name(w, lw):
            return Keyed(None, None, context)  # محمد alone is a given name, not a surname
        return Keyed(None, w, context)
    if len(words) > MAX_NAME_WORDS or has_article(words[0]) or not _person_evidence(words, best, row.title, lw) \
            or (len(words) >= 3 and not _first_name(words[0], lw)):
        # three words or more with no known first name are more often a phrase the
        # mention ran into (رئيس مجموعة الجريسي بما تشهده …) than a name
        return Keyed(None, None, context)
    return Keyed(key_of(words), None, context)


# ----------------------------------------------------------------------------- the dataset

def _agree(a: set[str], b: set[str]) -> bool:
    """Two documents agree on a person when their titles share a distinctive word; a
    nationality alone (الإيراني، السعودي: a masculine nisba in ـي) is too weak, two
    shared words are enough (رئيس [الوزراء اليوناني] for تسيبراس)."""
    shared = a & b
    return len(shared) >= 2 or any(not w.endswith("ي") for w in shared)


def resolve(rows: list[Row], lw: Words) -> tuple[list[str | None], dict]:
    """``person_key`` of every row, and figures (keys, merged keys, surnames resolved)."""
    keyed = [key_row(r, lw) for r in rows]
    # the distinctive title words each full-name person has anywhere in the dataset
    ctx_of: dict[str, set[str]] = defaultdict(set)
    by_last: dict[str, set[str]] = defaultdict(set)
    for r, k in zip(rows, keyed):
        if k.key and (r.type == "person"):
            ctx_of[k.key] |= k.context
            last = k.key.split()[-1]
            by_last[strip_article(last)].add(k.key)
    keys: list[str | None] = []
    resolved = ambiguous = 0
    for k in keyed:
        if k.key or not k.surname:
            keys.append(k.key)
            continue
        agree = [p for p in by_last.get(strip_article(k.surname), ()) if _agree(ctx_of[p], k.context)]
        if len(agree) == 1:
            keys.append(agree[0])
            resolved += 1
        else:
            ambiguous += len(agree) > 1
            keys.append(None)
    return keys, {"speakers": len(rows), "keyed": sum(k is not None for k in keys),
                  "surnames_resolved": resolved, "surnames_ambiguous": ambiguous}

