"""Every error isnad raises, with a stable code, in one place.

Codes let users search for a message and tests assert on the cause without
matching prose.  ``E0xx``: configuration and start-up; ``E1xx``: input documents
(these go to the ``rejected`` table, they never stop a batch); ``E2xx``: output
and run state; ``E3xx``: optional backends.
"""
from __future__ import annotations


class IsnadError(Exception):
    """Base class: ``code`` is stable, ``str(err)`` says what to fix."""

    code = "E000"

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(f"[{code}] {message}")


class ConfigError(IsnadError):
    """Bad configuration: stops the run at start-up."""


class InputError(IsnadError):
    """A document that cannot be processed: goes to the rejected table."""


class RunError(IsnadError):
    """Output folder or run state problems (locks, unreadable manifests)."""


class BackendError(IsnadError):
    """An optional backend (stanza) that is missing or misconfigured."""


MESSAGES = {
    # configuration
    "E001": "configuration file not found: {path}",
    "E002": "configuration file {path} is not valid TOML: {error}",
    "E003": "unknown configuration key [{section}] {key} in {path}; known keys: {known}",
    "E004": "lexicon file not found: {path} (set [lexicons] {key} in the configuration)",
    "E005": "lexicon {path} is malformed: {error}",
    "E006": "invalid value for [{section}] {key}: {value!r} ({expected})",
    "E007": "pipeline chain is incomplete:\n{problems}",
    "E008": "confidence model {path} is unusable ({error}); rebuild it with: python run.py models train-confidence",
    # input documents
    "E101": "empty document (no text)",
    "E102": "file could not be decoded as UTF-8, UTF-16 or Windows-1256",
    "E103": "line {line} is not valid JSON: {error}.",
    "E104": "record has no text field (looked for {fields}); its fields are: {columns}. "
            "Name the text field with --text-field NAME (or text_fields in [input] of the configuration).",
    "E105": "document text is not a string but {type}",
    "E106": "document looks binary (NUL bytes or control characters)",
    "E107": "input path not found: {path}",
    "E108": "processing failed: {error}",
    "E109": "duplicate document id {doc_id} within this run (first seen in {first})",
    "E110": "document is too large ({size}; the limit is {limit:,} characters, see --max-chars)",
    "E111": "file could not be read as {kind}: {error}",
    "E112": "field {field} holds a lone surrogate at position {pos} (near \"{value}\"), which is not valid Unicode",
    "E113": "{path} is not a file type isnad reads ({suffixes}){hint}",
    "E114": "no input files in {path} (isnad reads {suffixes}){found}",
    "E115": "processing took more than the budget of {budget:g} s of CPU time per document "
            "(stopped at {stage} after {spent:.2f} s; {chars:,} characters); to process it, run again "
            "with --reprocess and a larger --max-seconds (or max_seconds in [input] of the configuration)",
    "E116": "field {field} holds an {type} ({value}), not text, a number or a date",
    "E117": "field id holds a control character ({char} at position {pos}: \"{value}\"), which an id cannot",
    "E118": "field id is {n:,} characters long (at most {limit:,}: \"{value}\"); is --id-field the right field?",
    # output / run state
    "E201": "output folder {path} is locked by another run (pid {pid}); wait for it or remove {lock} if that process is gone",
    "E202": "output folder {path} is not writable: {error}",
    "E203": "no isnad output under {path} (expected {table}/)",
    "E204": "a worker process failed ({error}); the batches committed so far are kept: run again to resume",
    "E205": "the manifest {path} could not be read ({error}); it was moved to {backup} and rebuilt "
            "from the tables in {out} ({n_docs} documents in {n_parts} batches)",
    "E206": "{path} is {problem} (the manifest lists it with {rows} rows): its batch was removed and "
            "its {n_docs} documents will be processed again when their input is read",
    "E207": "could not write {path}: {error}; the batches committed so far are kept: free some space "
            "(or raise the file-size limit) and run again to resume",
    "E208": "the output in {path} was written by an older isnad (tables {tables}); "
            "{n_files} part files were converted to the current schema",
    "E209": "unexpected error: {error} (the traceback is in {path}); the batches committed so far "
            "are kept: run again to resume, and report it if it happens again (ISNAD_DEBUG=1 shows it)",
    "E210": "the manifest {path} is missing or empty; it was rebuilt from the tables in {out} "
            "({n_docs} documents in {n_parts} batches)",
    # backends
    "E301": "the stanza backend needs the stanza package: pip install '.[stanza]'",
    "E302": "Stanza Arabic models are not installed in {dir}; run: python run.py models download",
    "E303": "Stanza Arabic models in {dir} could not be loaded ({error}); run: python run.py models download",
    "E304": "could not download the Stanza Arabic models into {dir}: {error} (a network connection is needed once)",
    "E305": "name-model training data {path} is missing or not NewsFANE (token<TAB>BIO-tag lines): {error}",
    "E306": "name model not found: {path} (rebuild it with: python run.py models train-names)",
}


def make(cls: type[IsnadError], code: str, **kw) -> IsnadError:
    """Build an error of class ``cls`` with the message registered for ``code``."""
    return cls(code, MESSAGES[code].format(**kw))
