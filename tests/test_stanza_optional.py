"""The stanza backend stays optional: the default path never imports it, and selecting it
without the package or the models fails at start-up with a message that says what to do."""
from __future__ import annotations

import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.cli import main as cli_main
from pipeline.commands.models import config_with_backend
from stages.errors import BackendError


def test_default_run_never_imports_stanza_or_torch(tmp_path):
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"rc = main(['--out', {str(tmp_path)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('stanza', 'torch'))\n"
        "print('RC', rc, 'HEAVY', heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "RC 0 HEAVY []" in r.stdout
    assert (tmp_path / "quotes").is_dir()


def test_backend_override_keeps_lexicons_resolvable(tmp_path):
    path = config_with_backend(None, "stanza", tmp_path)
    cfg = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    assert cfg["pipeline"]["backend"] == "stanza"
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in cfg["lexicons"].values())
    # everything else is kept
    base = tomllib.loads((ROOT / "config" / "isnad.toml").read_text(encoding="utf-8"))
    assert {k: v for k, v in cfg.items() if k not in ("pipeline", "lexicons")} == \
           {k: v for k, v in base.items() if k not in ("pipeline", "lexicons")}


def test_stanza_backend_without_models_fails_at_startup(tmp_path, monkeypatch, capsys):
    pytest.importorskip("stanza")
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "no-models"))
    from pipeline.nlp import build_nlp
    with pytest.raises(BackendError) as e:
        build_nlp(config_with_backend(None, "stanza", tmp_path))
    assert e.value.code == "E302"
    assert "python run.py models download" in str(e.value)
    # the same through the command line: usage exit code, the message on stderr
    rc = cli_main(["--config", config_with_backend(None, "stanza", tmp_path), "--out", str(tmp_path / "o")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "E302" in err and "python run.py models download" in err
    # and with --backend on the command line, without editing any configuration
    rc = cli_main(["--backend", "stanza", "--out", str(tmp_path / "o2")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "E302" in err and "python run.py models download" in err


def test_stanza_backend_without_the_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "stanza", None)  # import stanza -> ImportError
    from pipeline.nlp import build_nlp
    with pytest.raises(BackendError) as e:
        build_nlp(config_with_backend(None, "stanza", tmp_path))
    assert e.value.code == "E301" and ".[stanza]" in str(e.value)


def test_models_status_and_download(tmp_path, monkeypatch, capsys):
    d = tmp_path / "models"
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(d))
    assert cli_main(["models", "status"]) == 1
    assert "python run.py models download" in capsys.readouterr().out

    calls = []

    def fake_download(lang, model_dir, processors, **kw):  # what stanza.download leaves behind
        calls.append((lang, model_dir, processors))
        Path(model_dir, "resources.json").write_text("{}")
        for p in processors.split(","):
            Path(model_dir, lang, p).mkdir(parents=True, exist_ok=True)
            Path(model_dir, lang, p, "padt.pt").write_bytes(b"x")

    monkeypatch.setitem(sys.modules, "stanza", types.SimpleNamespace(download=fake_download))
    assert cli_main(["models", "download"]) == 0
    assert calls == [("ar", str(d), "tokenize,mwt,pos,lemma,depparse,ner")]
    assert str(d) in capsys.readouterr().out
    monkeypatch.delitem(sys.modules, "stanza")
    if __import__("importlib").util.find_spec("stanza") is not None:
        assert cli_main(["models", "status"]) == 0


def test_models_download_without_network_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "m"))

    def offline(*a, **kw):
        raise ConnectionError("Name or service not known")

    monkeypatch.setitem(sys.modules, "stanza", types.SimpleNamespace(download=offline))
    assert cli_main(["models", "download"]) == 2
    err = capsys.readouterr().err
    assert "E304" in err and "network" in err


def test_broken_model_folder_is_reported_at_startup(tmp_path, monkeypatch):
    pytest.importorskip("stanza")
    d = tmp_path / "models"
    (d / "ar").mkdir(parents=True)
    (d / "resources.json").write_text("{}")
    for p in ("tokenize", "mwt", "pos", "lemma", "depparse", "ner"):
        (d / "ar" / p).mkdir()
        (d / "ar" / p / "padt.pt").write_bytes(b"not a model")
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(d))
    from pipeline.nlp import build_nlp
    with pytest.raises(BackendError) as e:
        build_nlp(config_with_backend(None, "stanza", tmp_path))
    assert e.value.code == "E303" and "python run.py models download" in str(e.value)
