"""End-to-end: the founding article through the CLI into Parquet tables."""
from __future__ import annotations

import pandas as pd

from pipeline.cli import main


def test_cli_on_sample_writes_every_table(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    for table in ("documents", "sentences", "quotes", "speakers", "sources", "rejected"):
        assert (tmp_path / table).is_dir(), table
    quotes = pd.read_parquet(tmp_path / "quotes")
    docs = pd.read_parquet(tmp_path / "documents")
    text = docs.loc[0, "text"]
    assert len(quotes) >= 10
    for row in quotes.itertuples():
        assert text[row.start:row.end] == row.text
        assert text[row.cue_start:row.cue_end] == row.cue


def test_run_spelled_as_a_subcommand_processes_the_inputs(tmp_path, monkeypatch):
    """``run.py run INPUT --out DIR`` is ``run.py INPUT --out DIR`` (unless ./run is a path)."""
    from pipeline.cli import SAMPLE
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SAMPLE), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert len(pd.read_parquet(tmp_path / "o" / "documents")) == 1
    (tmp_path / "run").mkdir()  # now `run` is the input folder, and it is empty
    assert main(["run", "--out", str(tmp_path / "o2"), "--quiet"]) == 2  # E114, not the bundled sample
    assert not (tmp_path / "o2").exists()
