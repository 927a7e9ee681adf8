"""Write output tables as Parquet datasets with their explicit schemas."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .schemas import TABLES


def to_table(name: str, rows: list[dict]) -> pa.Table:
    schema = TABLES[name]
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.Table.from_pydict(cols, schema=schema)


def write_tables(out: Path, tables: dict[str, list[dict]], part: str = "part-0", compression: str = "zstd") -> None:
    """Write every table (empty ones too) to ``out/<table>/<part>.parquet`` atomically."""
    for name in TABLES:
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        table = to_table(name, tables.get(name, []))
        tmp = d / f".{part}.parquet.tmp"
        pq.write_table(table, tmp, compression=compression)
        tmp.replace(d / f"{part}.parquet")
