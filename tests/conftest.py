"""Shared fixtures: one spaCy pipeline for the whole session, and the shared data."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import build_nlp
    return build_nlp()


@pytest.fixture(scope="session")
def astana_text() -> str:
    return (ROOT / "examples" / "astana8.txt").read_text(encoding="utf-8")


def load_gold(name: str) -> list[dict]:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
