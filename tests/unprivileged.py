"""Run a command the way a user without write access would.

Tests run as root in CI, and ``chmod`` does not stop root: its capability
CAP_DAC_OVERRIDE (and CAP_DAC_READ_SEARCH) skips permission checks.  So a read-only
folder is made with ``chmod`` *and* the command runs, when we are root, with those two
capabilities dropped from its bounding set before ``exec`` (``prctl(PR_CAPBSET_DROP)``):
the new program is still root, owns the files, but the mode bits now apply to it as
they do to an operator.  (Switching to ``nobody`` is no way out: the interpreter may
live under /root.)
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def shared_tmp() -> Path:
    """A temporary folder (remove it with ``cleanup``: read-only parts need a chmod first)."""
    return Path(tempfile.mkdtemp(prefix="isnad-ro-"))


def cleanup(d: Path) -> None:
    for p in [d, *d.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(d, ignore_errors=True)


PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """``cmd`` without the power to ignore file permissions (root loses it too)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    preexec = _drop if os.geteuid() == 0 else None
    return subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=preexec, timeout=300, **kw)


def check_works() -> None:
    """Skip (with the reason) where even this cannot take write access away."""
    import pytest
    d = shared_tmp()
    try:
        (d / "ro").mkdir(mode=0o555)
        res = run([sys.executable, "-c", f"open({str(d / 'ro' / 'x')!r}, 'w')"])
        if res.returncode == 0:
            pytest.skip("cannot make a folder read-only for this user (capabilities cannot be dropped)")
    finally:
        cleanup(d)
