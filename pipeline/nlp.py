"""Build the spaCy pipeline and check its chain of stages at start-up."""
from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

import stages
from stages.errors import ConfigError, make
from stages.lexicon import DEFAULT_CONFIG, load_lexicon
from stages.normalizer import TEXT_KEY

# Quotation marks always split from the word they touch, so that ``لـ«الشرق``
# gives the tokens لـ « الشرق and a span can start at the name.
QUOTE_INFIX = r"[«»“”„‹›\"]"
# Chunks (whitespace-separated strings) whose tokenisation the tokenizer memoises.
# spaCy's default, 10,000, is full after the first ~100 news articles; past that
# every other chunk is split again by the affix rules.  200,000 entries cost ~20 MB
# (bounded) and make tokenising ~20% faster; the tokens are the same.
TOKENIZER_CACHE = 200_000


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer, unchanged, that also keeps the text it was given in
    ``doc.user_data[TEXT_KEY]`` for the normaliser: rebuilding it with ``doc.text``
    walks every token in Python (a third of the cost of tokenising)."""

    def __call__(self, string):
        doc = super().__call__(string)
        doc.user_data[TEXT_KEY] = string
        return doc

    def __reduce__(self):  # spaCy's leaves out the cache size
        return (self.__class__, (self.vocab, self.rules, self.prefix_search, self.suffix_search,
                                 self.infix_finditer, self.token_match, self.url_match,
                                 self.faster_heuristics, self.max_cache_size), None, None)


def make_tokenizer(nlp: Language) -> Tokenizer:
    """The ``ar`` tokenizer with quotation marks as infixes, keeping its input text."""
    tok = nlp.tokenizer
    infixes = list(nlp.Defaults.infixes) + [QUOTE_INFIX]
    return TextKeepingTokenizer(nlp.vocab, rules=tok.rules, prefix_search=tok.prefix_search,
                                suffix_search=tok.suffix_search,
                                infix_finditer=compile_infix_regex(infixes).finditer,
                                token_match=tok.token_match, url_match=tok.url_match,
                                faster_heuristics=tok.faster_heuristics, max_cache_size=TOKENIZER_CACHE)


def build_nlp(config_path: str | None = None, spans: bool = True) -> Language:
    """``spacy.blank("ar")`` plus the isnad stages, configured from ``config_path``.

    Raises :class:`stages.errors.ConfigError` (at start-up, before any document is
    read) when the configuration or a lexicon is unusable.
    """
    cfg_path = str(config_path or DEFAULT_CONFIG)
    lex = load_lexicon(cfg_path)  # validates configuration and lexicons now
    backend = lex.config.get("pipeline", {}).get("backend", "rules")
    if backend not in ("rules", "stanza"):
        raise make(ConfigError, "E006", section="pipeline", key="backend", value=backend,
                   expected='"rules" or "stanza"')
    nlp = spacy.blank("ar")
    nlp.tokenizer = make_tokenizer(nlp)
    for name, _, _ in stages.STAGES:
        cfg = {} if name in ("isnad_normalizer", "isnad_attribution") else {"config_path": cfg_path}
        if name == "isnad_attribution":
            cfg = {"spans": spans}
        nlp.add_pipe(name, config=cfg)
    if backend == "stanza":  # optional: imports stanza only here (E301/E302 at start-up)
        from stages import stanza_backend  # noqa: F401  (registers isnad_stanza)
        nlp.add_pipe("isnad_stanza", after="isnad_content", config={"config_path": cfg_path})
    check_chain(nlp)
    return nlp


def check_chain(nlp: Language) -> None:
    """Every stage's requirements must be assigned by a stage before it. Reports every
    missing piece at once (E007)."""
    have: set[str] = set()
    problems = []
    for name in nlp.pipe_names:
        meta = nlp.get_pipe_meta(name)
        missing = [r for r in meta.requires if r not in have]
        if missing:
            problems.append(f"  - {name} needs {', '.join(missing)} but no stage before it assigns it")
        have.update(meta.assigns)
    if problems:
        raise make(ConfigError, "E007", problems="\n".join(problems))
