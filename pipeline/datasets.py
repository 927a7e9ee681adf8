"""Reading an output folder's tables with DuckDB, whatever their layout.

A table is every ``*.parquet`` under ``OUT/<table>/``: hive ``run_id=`` partitions
written by the runner, flat part files of older versions, or single derived files
(``OUT/claims/claims.parquet``).  Hidden temporaries (``.part-….tmp``) never match.
"""
from __future__ import annotations

from pathlib import Path


def table_glob(out: Path, table: str) -> str | None:
    """The glob of ``table``'s Parquet files, None when the table has none."""
    d = Path(out) / table
    if d.is_dir() and any(d.rglob("*.parquet")):
        return str(d / "**" / "*.parquet")
    return None


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def scan(files: str | list[str], filename: bool = False) -> str:
    """A ``read_parquet`` over a glob or a list of files (hive ``run_id=`` folders allowed,
    files of older schemas unified by column name)."""
    src = sql_str(files) if isinstance(files, str) else "[" + ", ".join(map(sql_str, files)) + "]"
    extra = ", filename = true" if filename else ""
    return f"read_parquet({src}, hive_partitioning = true, union_by_name = true{extra})"


def columns(con, relation: str) -> set[str]:
    """Column names of a relation (a table scan), without reading rows."""
    return {c[0] for c in con.execute(f"SELECT * FROM {relation} LIMIT 0").description}
