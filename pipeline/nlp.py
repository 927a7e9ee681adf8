"""Build the spaCy pipeline and check its chain of stages at start-up."""
from __future__ import annotations

import spacy
from spacy.language import Language

import stages
from stages.errors import ConfigError, make
from stages.lexicon import DEFAULT_CONFIG, load_lexicon

from .tokenizer import IsnadTokenizer  # noqa: F401  (registers isnad.Tokenizer.v1)

# isnad's own tokenizer (pipeline/tokenizer.py): one linear regex pass, quotation marks
# always apart from the word they touch (لـ«الشرق -> لـ « الشرق)
TOKENIZER = {"nlp": {"tokenizer": {"@tokenizers": "isnad.Tokenizer.v1"}}}


def build_nlp(config_path: str | None = None, spans: bool = True, confidence: bool = True) -> Language:
    """``spacy.blank("ar")`` plus the isnad stages, configured from ``config_path``.
    ``confidence=False`` leaves out the stage that reads the confidence model (its
    training runs the rules without it, so a missing model can be rebuilt).

    Raises :class:`stages.errors.ConfigError` (at start-up, before any document is
    read) when the configuration, a lexicon or the confidence model is unusable.
    """
    cfg_path = str(config_path or DEFAULT_CONFIG)
    lex = load_lexicon(cfg_path)  # validates configuration and lexicons now
    backend = lex.config.get("pipeline", {}).get("backend", "rules")
    if backend not in ("rules", "stanza"):
        raise make(ConfigError, "E006", section="pipeline", key="backend", value=backend,
                   expected='"rules" or "stanza"')
    nlp = spacy.blank("ar", config=TOKENIZER)
    for name, _, _ in stages.STAGES:
        if name == "isnad_confidence" and not confidence:
            continue
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
