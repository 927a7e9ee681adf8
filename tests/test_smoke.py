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
