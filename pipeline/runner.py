"""Run the pipeline over inputs and write the tables."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from stages.errors import ConfigError, make

from .extract import Record, doc_rows
from .io import Rejection, expand_inputs, read_file
from .nlp import build_nlp
from .writer import write_tables


def run_batch(inputs: list[str], out: Path, config: str | None = None) -> dict:
    files, bad = expand_inputs(inputs)
    if bad:
        raise make(ConfigError, "E006", section="cli", key="INPUT", value=bad[0],
                   expected="an existing .txt/.jsonl/.jsonl.gz file or folder")
    nlp = build_nlp(config)
    tables: dict[str, list[dict]] = {k: [] for k in ("documents", "sentences", "quotes", "speakers", "sources", "rejected")}
    records: list[Record] = []
    for f in files:
        for item in read_file(f):
            if isinstance(item, Rejection):
                tables["rejected"].append(vars(item))
            else:
                records.append(item)
    for rec, doc in zip(records, nlp.pipe((r.text for r in records), batch_size=64)):
        for k, rows in doc_rows(doc, rec).items():
            tables[k].extend(rows)
    out.mkdir(parents=True, exist_ok=True)
    write_tables(out, tables)
    return {"documents": len(tables["documents"]), "rejected": len(tables["rejected"]),
            "quotes": tables["quotes"], "out": str(out)}


def summary(stats: dict) -> str:
    quotes = stats["quotes"]
    kinds = Counter(q["kind"] for q in quotes)
    speakers = Counter(q["speaker_name"] for q in quotes if q["speaker_name"])
    lines = [f"isnad: {stats['documents']} documents, {len(quotes)} quotes "
             f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or 'none'}), "
             f"{stats['rejected']} rejected -> {stats['out']}"]
    if speakers:
        lines.append("top speakers:")
        for name, n in speakers.most_common(5):
            lines.append(f"  {n:4d}  {name}")
    return "\n".join(lines)
