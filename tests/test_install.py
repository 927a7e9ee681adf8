"""Installing isnad prints no setuptools warnings, and gives an `isnad` command.

A fresh virtual environment, and the editable install `make setup` does (with build
isolation, so with the setuptools a new user gets).  The dependencies are not
installed again (``--no-deps``): only the packaging of isnad itself is under test.
"""
from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import venv

import pandas as pd

import pytest

from conftest import ROOT

# pip's own notes about this machine's package indexes, not about isnad
NOT_OURS = re.compile(r"Location 'file:///.*' is ignored|pip version|notice\]")


def test_editable_install_prints_no_setuptools_warning(tmp_path):
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    pip = str(env / "bin" / "pip")
    # as `make setup` does: a current pip (older ones hide what the build backend prints)
    subprocess.run([pip, "install", "--quiet", "--upgrade", "pip"], capture_output=True, timeout=600)
    res = subprocess.run([pip, "install", "--quiet", "--no-deps", "-e", str(ROOT)],
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0 and re.search(r"No matching distribution|Could not find a version|network", res.stderr):
        pytest.skip(f"no package index to fetch the build backend from: {res.stderr[-300:]}")
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in (res.stdout + res.stderr).splitlines() if not NOT_OURS.search(ln)]
    noisy = [ln for ln in lines if re.search(r"warning|deprecat|!!|\*\*\*\*", ln, re.I)]
    assert noisy == [], "\n".join(noisy)
    script = env / "bin" / "isnad"
    assert script.exists()
    # the script runs the same CLI (its dependencies are those of this test's environment)
    out = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0 and "--outlet-field" in out.stdout
    # usage lines name the command typed (they said run.py)
    assert out.stdout.startswith("usage: isnad ") and "(isnad SUBCOMMAND --help)" in out.stdout
    sub = subprocess.run([sys.executable, str(script), "who", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert sub.stdout.startswith("usage: isnad who ")
    direct = subprocess.run([sys.executable, str(ROOT / "run.py"), "who", "--help"], capture_output=True, text=True)
    assert direct.stdout.startswith("usage: run.py who ")


def test_a_wheel_install_runs_with_its_own_configuration_from_any_folder(tmp_path):
    """``pip install .`` (not editable) has no checkout to read config/ and the sample
    from: they ship as data files (<prefix>/share/isnad).  It used to stop with E001,
    configuration file not found in site-packages."""
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    res = subprocess.run([str(env / "bin" / "pip"), "install", "--quiet", "--no-deps", str(ROOT)],
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0 and re.search(r"No matching distribution|Could not find a version|network", res.stderr):
        pytest.skip(f"no package index to fetch the build backend from: {res.stderr[-300:]}")
    assert res.returncode == 0, res.stderr
    # isnad from the wheel, its dependencies from this test's environment (a path line in a
    # .pth file: the checkout, which that environment reaches through its own .pth, stays out)
    site = next((env / "lib").glob("python3*/site-packages"))
    (site / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(env / "bin" / "python"), "-c", "import pipeline; print(pipeline.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere)
    assert str(site) in where.stdout, where.stdout + where.stderr
    run = subprocess.run([str(env / "bin" / "isnad"), "--quiet"], capture_output=True, text=True, cwd=elsewhere,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert len(pd.read_parquet(elsewhere / "outputs" / "quotes").query("parent_quote_id.isna()")) == 12
