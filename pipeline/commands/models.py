"""``python run.py models download|status|train-names|eval-names|train-confidence``: the optional
Stanza Arabic models, the shipped name recogniser (``train-names``/``eval-names``, see
:mod:`pipeline.commands.names`) and the shipped confidence model (``train-confidence``, see
:mod:`pipeline.commands.confidence`).

The default ``rules`` backend needs no model.  ``backend = "stanza"`` (in the
configuration, or ``--backend stanza``) needs ``pip install ".[stanza]"`` and the
models, fetched once with ``python run.py models download`` (needs a network).
The models folder is ``[stanza] dir`` in the configuration, else
``$STANZA_RESOURCES_DIR``, else Stanza's default.
"""
from __future__ import annotations

import argparse
import tempfile
import tomllib
from pathlib import Path

from stages.errors import BackendError, ConfigError, make
from stages.lexicon import DEFAULT_CONFIG, LEXICON_KEYS, _default_name
from stages.stanza_backend import LANG, PROCESSORS, missing_models, require_stanza, resources_dir

from . import prog


def _config(path: str | None) -> dict:
    p = Path(path) if path else DEFAULT_CONFIG
    if not p.is_file():
        raise make(ConfigError, "E001", path=p)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise make(ConfigError, "E002", path=p, error=e) from None


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dump_toml(cfg: dict) -> str:
    """TOML text for a configuration of tables of simple values (what isnad.toml holds)."""
    lines = []
    for section, table in cfg.items():
        if not isinstance(table, dict):
            lines.append(f"{section} = {_toml_value(table)}")
            continue
        lines.append(f"\n[{section}]")
        for k, v in table.items():
            lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"


def config_with_backend(config_path: str | None, backend: str, dest: Path | None = None) -> str:
    """Path of a copy of the configuration with ``[pipeline] backend`` set (lexicon paths
    made absolute so they still resolve), in ``dest`` or a new temporary folder that the
    caller removes. Backs ``--backend``."""
    src = Path(config_path) if config_path else DEFAULT_CONFIG
    cfg = _config(str(src))
    cfg.setdefault("pipeline", {})["backend"] = backend
    lex = cfg.setdefault("lexicons", {})
    for key in LEXICON_KEYS:
        rel = lex.get(key)
        base = src.parent if rel else DEFAULT_CONFIG.parent
        lex[key] = str((base / (rel or f"lexicons/{_default_name(key)}")).resolve())
    out = Path(dest or tempfile.mkdtemp(prefix="isnad-config-")) / src.name
    out.write_text(dump_toml(cfg), encoding="utf-8")
    return str(out)


def status(config: dict) -> tuple[bool, str]:
    d = resources_dir(config)
    try:
        import importlib.util
        have_pkg = importlib.util.find_spec("stanza") is not None
    except ValueError:
        have_pkg = False
    missing = missing_models(d)
    pkg = "installed" if have_pkg else "missing (pip install '.[stanza]')"
    lines = [f"stanza package: {pkg}",
             f"models folder:  {d}",
             f"Arabic models:  {'complete' if not missing else 'missing ' + ', '.join(missing)}"]
    if missing:
        lines.append("fetch them with: python run.py models download")
    return have_pkg and not missing, "\n".join(lines)


def download(config: dict) -> Path:
    """Fetch the Arabic models Stanza needs for the backend. Raises E301 without the
    package and E304 when the download fails (no network)."""
    stanza = require_stanza()
    d = resources_dir(config)
    d.mkdir(parents=True, exist_ok=True)
    try:
        stanza.download(LANG, model_dir=str(d), processors=",".join(PROCESSORS))
    except Exception as e:  # network errors come in many classes (requests, OSError, …)
        raise make(BackendError, "E304", dir=d, error=f"{type(e).__name__}: {e}") from None
    missing = missing_models(d)
    if missing:
        raise make(BackendError, "E304", dir=d, error=f"still missing after download: {', '.join(missing)}")
    return d


def build_parser() -> argparse.ArgumentParser:
    from .confidence import add_arguments as add_confidence_arguments
    from .names import add_arguments
    ap = argparse.ArgumentParser(prog=prog("models"),
                                 description="Manage the optional Stanza Arabic models (only the stanza "
                                             "backend uses them), the shipped name recogniser and the "
                                             "shipped confidence model.")
    ap.add_argument("action", choices=("download", "status", "train-names", "eval-names", "train-confidence"),
                    help="download: fetch the Stanza models (needs a network); status: what is installed; "
                         "train-names: rebuild the name model from NewsFANE; eval-names: its entity F1 "
                         "on the NewsFANE hold-out; train-confidence: refit the confidence model on the "
                         "gold sets (run it after every rule change)")
    ap.add_argument("--config", default=None, help="TOML configuration ([stanza] dir sets the folder; "
                                                   "the lexicons give the name model's gazetteer features)")
    add_arguments(ap)
    add_confidence_arguments(ap)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.action == "train-confidence":
        from .confidence import cmd_train as train_confidence
        return train_confidence(args)
    if args.action in ("train-names", "eval-names"):
        from .names import cmd_eval, cmd_train
        return cmd_train(args) if args.action == "train-names" else cmd_eval(args)
    config = _config(args.config)
    if args.action == "status":
        ok, text = status(config)
        print(text)
        return 0 if ok else 1
    d = download(config)
    print(f"Stanza Arabic models ({', '.join(PROCESSORS)}) are in {d}")
    return 0
