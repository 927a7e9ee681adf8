"""Installing isnad prints no setuptools warnings, and gives an `isnad` command.

A fresh virtual environment, and the editable install `make setup` does (with build
isolation, so with the setuptools a new user gets).  The dependencies are not
installed again (``--no-deps``): only the packaging of isnad itself is under test.
"""
from __future__ import annotations

import re
import subprocess
import sys
import venv

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
