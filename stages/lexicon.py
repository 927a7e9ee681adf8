"""Load the rule lexicons from ``config/`` into fast lookup tables.

Rules are data: every word list the stages use comes from a file a user can
extend.  This module reads them once per configuration (cached), normalises every
entry with :func:`stages.textnorm.fold`, and generates inflected cue forms.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError, make
from .textnorm import fold



def installed_data(rel: str) -> Path:
    """``rel`` (``config/isnad.toml``, ``examples/astana8.txt``) of this checkout — run.py,
    the editable install of ``make setup`` — else of a wheel (``pip install .``), which
    has no checkout: pyproject.toml's ``data-files`` put them in ``<prefix>/share/isnad``."""
    here = Path(__file__).resolve().parent.parent / rel
    if here.exists():
        return here
    import site
    import sysconfig
    for base in (sysconfig.get_path("data"), site.getuserbase()):
        installed = Path(base) / "share" / "isnad" / rel
        if installed.exists():
            return installed
    return here  # missing: E001 names the path the checkout would have


DEFAULT_CONFIG = installed_data("config/isnad.toml")

LEXICON_KEYS = (
    "cues", "agencies", "titles", "organizations", "groups", "documents", "anonymous",
    "pronouns", "boundaries", "first_names", "according_stopwords", "name_introducers", "places",
    "outlets",
)


@dataclass(frozen=True, slots=True)
class CueForm:
    lemma: str
    kind: str  # verb | participle
    prep: str  # normalised governed preposition, "" if none; "ب" for a prefixed بـ
    feminine: bool
    plural: bool
    imperfect: bool
    stance: bool
    colon_only: bool
    relay: bool


@dataclass(frozen=True)
class Agency:
    name: str
    type: str
    keys: tuple[tuple[str, ...], ...]  # normalised word sequences that name it
    # spellings that name it only in a credit: (الفرنسية)، - الألمانية
    credit_keys: tuple[tuple[str, ...], ...] = ()
    ambiguous: bool = False  # also a word or a place (الحياة، الرياض): a relay only in marks or after a head
    told_unmarked: bool = False  # an ambiguous name that is the outlet right after the speaker (قال مسؤول للجزيرة)


@dataclass(frozen=True)
class Outlet:
    """A publishing outlet (outlets.toml): ``keys`` are the normalised name and aliases."""

    name: str
    keys: frozenset[str]


@dataclass
class Lexicon:
    cue_forms: dict[str, CueForm] = field(default_factory=dict)
    according_words: frozenset[str] = frozenset()
    according_phrases: tuple[tuple[str, ...], ...] = ()
    document_phrases: tuple[tuple[str, ...], ...] = ()
    noun_forms: frozenset[str] = frozenset()
    complementisers: frozenset[str] = frozenset()
    comp_preps: frozenset[str] = frozenset()
    agencies: tuple[Agency, ...] = ()
    agency_index: dict[str, list[Agency]] = field(default_factory=dict)  # first word -> agencies
    credit_index: dict[str, list[Agency]] = field(default_factory=dict)  # first word -> credit-only spellings
    media_heads: frozenset[str] = frozenset()
    # word lists of the relay stage (agencies.toml [relay]): triggers, told_to, published …
    relay_words: dict[str, frozenset[str]] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()
    organizations: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    anonymous: frozenset[str] = frozenset()
    pronouns: frozenset[str] = frozenset()
    boundaries: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()
    according_stopwords: frozenset[str] = frozenset()
    name_introducers: frozenset[str] = frozenset()
    object_nouns: frozenset[str] = frozenset()
    formula_nouns: frozenset[str] = frozenset()
    content_end: tuple[tuple[str, ...], ...] = ()
    places: frozenset[str] = frozenset()
    impersonal: frozenset[str] = frozenset()
    strict: frozenset[str] = frozenset()
    strict_lemmas: frozenset[str] = frozenset()
    strict_unless_named: frozenset[str] = frozenset()
    strict_imperfect: frozenset[str] = frozenset()  # imperfects that stay strict even so (يُعتبر)
    source_after: frozenset[str] = frozenset()
    postposed: frozenset[str] = frozenset()
    addressee: frozenset[str] = frozenset()
    negated_keep: frozenset[str] = frozenset()  # negated, still a claim: ولم يستبعد بيع …
    relay_lemmas: frozenset[str] = frozenset()  # نقل: its subject relays a source named after عن
    pronoun_object: frozenset[str] = frozenset()
    needs: dict[str, frozenset[str]] = field(default_factory=dict)
    object_lemmas: frozenset[str] = frozenset()
    outlets: dict[str, Outlet] = field(default_factory=dict)  # id (lower case) or folded name -> outlet
    config: dict = field(default_factory=dict)

    def outlet(self, value: str | None) -> Outlet | None:
        """The outlet an input's outlet field names (a slug, a domain or a name)."""
        if not value:
            return None
        v = value.strip()
        return self.outlets.get(v.lower()) or self.outlets.get(fold(v))

    def match_agency(self, words: list[str], i: int, credit: bool = False) -> tuple[Agency, int] | None:
        """Longest agency name starting at ``words[i]`` (normalised words, article
        ``ال`` kept). Returns the agency and the number of words it covers. With
        ``credit``, spellings that name an agency only in a credit count too."""
        best = None
        for index, attr in ((self.agency_index, "keys"), (self.credit_index, "credit_keys")):
            if attr == "credit_keys" and not credit:
                break
            for ag in index.get(words[i], ()):
                for key in getattr(ag, attr):
                    n = len(key)
                    if tuple(words[i:i + n]) == key and (best is None or n > best[1]):
                        best = (ag, n)
        return best


# --- inflection generators ---------------------------------------------------------

def _perfect(stem: str) -> dict[str, tuple[bool, bool]]:
    """قال -> {قال: (m, sg), قالت: (f, sg), قالوا: (m, pl), قالا: dual, قالتا}."""
    return {stem: (False, False), stem + "ت": (True, False), stem + "وا": (False, True),
            stem + "ا": (False, True), stem + "تا": (True, True)}


def _imperfect(stem: str) -> dict[str, tuple[bool, bool]]:
    """يقول -> يقول، تقول، يقولون، يقولان، تقولان."""
    out = {stem: (False, False)}
    if stem.startswith("ي"):
        fem = "ت" + stem[1:]
        out[fem] = (True, False)
        out[fem + "ان"] = (True, True)
    # weak-final stems (يدعو، يرى) take no regular plural suffix
    if not stem.endswith(("و", "ي", "ى")):
        out[stem + "ون"] = (False, True)
        out[stem + "ان"] = (False, True)
    return out


def _participle(stem: str) -> dict[str, tuple[bool, bool]]:
    """مضيف -> مضيفا، مضيفة، مضيفين، مضيفتين، مضيفات (not the bare noun مضيف)."""
    return {stem + "ا": (False, False), stem + "ة": (True, False), stem + "ين": (False, True),
            stem + "تين": (True, True), stem + "ات": (True, True)}


def _read_list(path: Path, key: str) -> frozenset[str]:
    if not path.is_file():
        raise make(ConfigError, "E004", path=path, key=key)
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(fold(line))
    return frozenset(words)


def _read_toml(path: Path, key: str) -> dict:
    if not path.is_file():
        raise make(ConfigError, "E004", path=path, key=key)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise make(ConfigError, "E005", path=path, error=e) from None


def _prep_key(prep: str | list[str]) -> str:
    """The governed preposition(s), normalised; several are joined with ``|``
    (نوّه إلى أن "pointed out" and نوّه بـ "commended": ``prep = ["إلى", "بـ"]``)."""
    if isinstance(prep, list):
        return "|".join(_prep_key(p) for p in prep)
    return fold(prep).replace("ـ", "")


def governs_b(prep: str) -> bool:
    """Does a cue govern a prefixed بـ (وأشاد الوزير [بـ]جهود …)?"""
    return prep == "ب" or "ب" in prep.split("|")


# words that begin with ب but hold no governed بـ + noun: بعد/بعدما "after", بين/بينما
# "between/while", بلا "without" (and بلاده "his country"), بدء/بدأ "start", بها/به "in it",
# بيان/بلاغ "statement" (وطالب اليامي -في [بيان] له- المجتمع الدولي …)
NOT_GOVERNED_B = ("بلا", "بعد", "بين", "بدء", "بدا", "بها", "به", "بيان", "بلاغ")


def is_governed_prep(word: str, prep: str, *, any_b: bool = False) -> bool:
    """Is ``word`` the preposition a cue governs (``prep``, alternatives joined by ``|``):
    the word itself (أعرب … [عن]، أشار [الي]), or for بـ a word it is prefixed to (رحب
    [بالقرار]، أشاد [بجهود]) — not one that only begins with the letter (أشاد … [بعدما]
    انتهت، [بينهما]).

    ``any_b`` takes every word of four letters or more that begins with ب (and a bare
    ب) as the governed بـ, lookalikes included: the subject finder's reading, where the
    preposition is evidence that the noun before it is the verb's subject (وأعرب
    [العكيك] عن شكره). The prefixes above also hold real objects of بـ (أقر [بعدم] قدرة،
    رحب [بهذا]); on the SaudiNewsNet corpus (30,612 articles) the subject finder with the
    exclusions changed one quote, from right to wrong (ولكن الجماهير أكدت أن …: the
    speaker it had taken from مطالبة الجماهير بعدم … became the company named before)."""
    for p in prep.split("|"):
        if p == "ب" and len(word) > 3 and word.startswith("ب"):
            if any_b or word.startswith("بال") or not word.startswith(NOT_GOVERNED_B):
                return True
        elif word == p and (any_b or p != "ب"):
            return True
    return False


def _build_cues(data: dict, path: Path) -> dict:
    forms: dict[str, CueForm] = {}
    try:
        for v in data.get("verb", []):
            lemma = v["lemma"]
            prep = _prep_key(v.get("prep", ""))
            stance = bool(v.get("stance", False))
            colon_only = bool(v.get("colon_only", False))
            relay = bool(v.get("relay", False))
            gens: list[tuple[str, bool, dict]] = []
            for s in v.get("perfect", []):
                gens.append(("verb", False, _perfect(fold(s))))
            for s in v.get("imperfect", []):
                gens.append(("verb", True, _imperfect(fold(s))))
            for s in v.get("participle", []):
                gens.append(("participle", False, _participle(fold(s))))
            for kind, imperfect, table in gens:
                for form, (fem, pl) in table.items():
                    forms.setdefault(fold(form), CueForm(lemma, kind, prep, fem, pl, imperfect,
                                                         stance, colon_only, relay))
            for s in v.get("participle_forms", []):
                # irregular participles the generator cannot make: نافيا، داعية، مبديا
                f = fold(s)
                forms.setdefault(f, CueForm(lemma, "participle", prep, f.endswith("ه"), f.endswith(("ين", "ات")),
                                            False, stance, colon_only, relay))
            for s in v.get("forms", []):
                f = fold(s)
                kind = "participle" if f.endswith(("يا", "ين", "ا")) and f.startswith("م") else "verb"
                fem = f.endswith(("ت", "ه")) and kind == "verb" or f.endswith("ه")
                forms.setdefault(f, CueForm(lemma, kind, prep, fem, f.endswith("وا"), f.startswith(("ي", "ت")),
                                            stance, colon_only, relay))
    except (KeyError, TypeError) as e:
        raise make(ConfigError, "E005", path=path, error=f"verb entry missing {e}") from None
    return forms


def _phrases(items) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold(p).split()) for p in items)


@lru_cache(maxsize=8)
def load_lexicon(config_path: str | None = None) -> Lexicon:
    """Read the configuration and every lexicon it names. Cached per path."""
    cfg_path = Path(config_path) if config_path else DEFAULT_CONFIG
    if not cfg_path.is_file():
        raise make(ConfigError, "E001", path=cfg_path)
    try:
        cfg = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise make(ConfigError, "E002", path=cfg_path, error=e) from None
    base = cfg_path.parent
    paths = {}
    lex_cfg = cfg.get("lexicons", {})
    for key in lex_cfg:
        if key not in LEXICON_KEYS:
            raise make(ConfigError, "E003", section="lexicons", key=key, path=cfg_path,
                       known=", ".join(LEXICON_KEYS))
    default_base = DEFAULT_CONFIG.parent
    for key in LEXICON_KEYS:
        rel = lex_cfg.get(key)
        paths[key] = (base / rel) if rel else (default_base / "lexicons" / _default_name(key))

    cues = _read_toml(paths["cues"], "cues")
    ag = _read_toml(paths["agencies"], "agencies")
    agencies = []
    index: dict[str, list[Agency]] = {}
    credit_index: dict[str, list[Agency]] = {}
    for a in ag.get("agency", []):
        try:
            names = [a["name"], *a.get("aliases", [])]
            keys = tuple(dict.fromkeys(_name_key(n) for n in names if n.strip()))
            credit_keys = tuple(dict.fromkeys(_name_key(n) for n in a.get("credit_aliases", []) if n.strip()))
            agency = Agency(a["name"], a.get("type", "agency"), keys, credit_keys, bool(a.get("ambiguous", False)),
                            bool(a.get("told_unmarked", False)))
        except (KeyError, TypeError, AttributeError) as e:
            raise make(ConfigError, "E005", path=paths["agencies"], error=f"agency entry missing {e}") from None
        agencies.append(agency)
        for k in keys:
            index.setdefault(k[0], []).append(agency)
        for k in credit_keys:
            credit_index.setdefault(k[0], []).append(agency)
    comp = cues.get("complementiser", {})
    outlets = _build_outlets(_read_toml(paths["outlets"], "outlets"), paths["outlets"])
    return Lexicon(
        cue_forms=_build_cues(cues, paths["cues"]),
        according_words=frozenset(fold(w) for w in cues.get("according", {}).get("words", [])),
        according_phrases=_phrases(cues.get("according", {}).get("phrases", [])),
        document_phrases=_phrases(cues.get("document", {}).get("phrases", [])),
        noun_forms=frozenset(fold(w) for w in cues.get("noun", {}).get("forms", [])),
        complementisers=frozenset(fold(w) for w in comp.get("forms", [])),
        comp_preps=frozenset(fold(w) for w in comp.get("preps", [])),
        agencies=tuple(agencies),
        agency_index=index,
        credit_index=credit_index,
        media_heads=frozenset(fold(w) for w in ag.get("media_heads", {}).get("words", [])),
        relay_words={k: frozenset(fold(w) for w in v) for k, v in ag.get("relay", {}).items()
                     if isinstance(v, list)},
        titles=_read_list(paths["titles"], "titles"),
        organizations=_read_list(paths["organizations"], "organizations"),
        groups=_read_list(paths["groups"], "groups"),
        documents=_read_list(paths["documents"], "documents"),
        anonymous=_read_list(paths["anonymous"], "anonymous"),
        pronouns=_read_list(paths["pronouns"], "pronouns"),
        boundaries=_read_list(paths["boundaries"], "boundaries"),
        first_names=_read_list(paths["first_names"], "first_names"),
        according_stopwords=_read_list(paths["according_stopwords"], "according_stopwords"),
        impersonal=frozenset(fold(w) for w in cues.get("impersonal", {}).get("forms", [])),
        name_introducers=_read_list(paths["name_introducers"], "name_introducers"),
        places=_read_list(paths["places"], "places"),
        object_nouns=frozenset(fold(w) for w in cues.get("object", {}).get("nouns", [])),
        formula_nouns=frozenset(fold(w) for w in cues.get("formula", {}).get("nouns", [])),
        content_end=_phrases(cues.get("content_end", {}).get("phrases", [])),
        object_lemmas=frozenset(cues.get("object", {}).get("lemmas", [])),
        strict=frozenset(fold(w) for w in cues.get("strict", {}).get("forms", [])),
        strict_lemmas=frozenset(cues.get("strict", {}).get("lemmas", [])),
        strict_unless_named=frozenset(cues.get("strict", {}).get("unless_named", [])),
        strict_imperfect=frozenset(cues.get("strict", {}).get("imperfect_passive", [])),
        source_after=frozenset(fold(w) for w in cues.get("strict", {}).get("source_after", [])),
        postposed=frozenset(cues.get("postposed", {}).get("lemmas", [])),
        addressee=frozenset(cues.get("addressee", {}).get("lemmas", [])),
        negated_keep=frozenset(cues.get("negated", {}).get("keep", [])),
        relay_lemmas=frozenset(v["lemma"] for v in cues.get("verb", []) if v.get("relay")),
        pronoun_object=frozenset(cues.get("pronoun_object", {}).get("lemmas", [])),
        needs={v["lemma"]: frozenset(fold(w) for w in v["needs"]) for v in cues.get("verb", []) if v.get("needs")},
        outlets=outlets,
        config=cfg,
    )


def _build_outlets(data: dict, path: Path) -> dict[str, Outlet]:
    """``id`` (lower case) and normalised name/alias -> :class:`Outlet`."""
    index: dict[str, Outlet] = {}
    try:
        for o in data.get("outlet", []):
            names = [o["name"], *o.get("aliases", [])]
            outlet = Outlet(o["name"], frozenset(fold(n) for n in names if n.strip()))
            for i in o.get("ids", []):
                index.setdefault(str(i).strip().lower(), outlet)
            for k in outlet.keys:
                index.setdefault(k, outlet)
    except (KeyError, TypeError, AttributeError) as e:
        raise make(ConfigError, "E005", path=path, error=f"outlet entry missing {e}") from None
    return index


def _name_key(name: str) -> tuple[str, ...]:
    """Normalised words of a name as the rules see them: punctuation splits words, so
    ``أ.ف.ب`` and ``العربية.نت`` match the words ا ف ب and العربيه نت."""
    return tuple(w for w in _NAME_SPLIT.split(fold(name)) if w)


_NAME_SPLIT = re.compile(r"[^\w]+|_")


def _default_name(key: str) -> str:
    return {"cues": "cues.toml", "agencies": "agencies.toml", "outlets": "outlets.toml",
            "according_stopwords": "stopwords_according.txt"}.get(key, f"{key}.txt")
