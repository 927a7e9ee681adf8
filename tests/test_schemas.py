"""Output schemas are golden: a change to pipeline/schemas.py must be deliberate.

Each table's Arrow schema string is stored in ``tests/golden/<table>.schema.txt``.
When you change a schema on purpose, regenerate the files::

    .venv/bin/python -c "import sys; sys.path[:0] = ['.', 'tests']; import test_schemas; test_schemas.write_golden()"

and say in the commit why the output format changed (readers of old runs break).
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.extract import Record, doc_rows
from pipeline.schemas import DERIVED, TABLES

ALL = {**TABLES, **DERIVED}  # per-batch tables and the ones built over the datasets

GOLDEN = Path(__file__).resolve().parent / "golden"


def schema_text(schema: pa.Schema) -> str:
    return schema.to_string(show_field_metadata=True, show_schema_metadata=True) + "\n"


def write_golden() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, schema in ALL.items():
        (GOLDEN / f"{name}.schema.txt").write_text(schema_text(schema), encoding="utf-8")


def test_every_table_has_a_golden_schema_and_no_stale_ones():
    golden = {p.name[: -len(".schema.txt")] for p in GOLDEN.glob("*.schema.txt")}
    assert golden == set(ALL)


@pytest.mark.parametrize("name", sorted(ALL))
def test_schema_matches_golden(name):
    expected = (GOLDEN / f"{name}.schema.txt").read_text(encoding="utf-8")
    assert schema_text(ALL[name]) == expected, (
        f"schema of table {name!r} changed; if deliberate, regenerate tests/golden (see module doc)")


def test_quotes_schema_key_columns():
    q = TABLES["quotes"]
    for col in ("start", "end", "cue_start", "cue_end", "speaker_start", "speaker_end", "sentence_id"):
        assert q.field(col).type == pa.int32(), col
        assert q.field(col).nullable, col
    assert q.field("relayed_by").type == pa.list_(pa.string())
    assert q.field("confidence").type == pa.float32()


def test_documents_timestamp_is_utc():
    assert TABLES["documents"].field("processed_at").type == pa.timestamp("us", tz="UTC")


@pytest.mark.parametrize("name", sorted(ALL))
def test_empty_table_builds_with_its_schema(name):
    table = pa.Table.from_pylist([], schema=ALL[name])
    assert table.num_rows == 0 and table.schema == ALL[name]


def test_doc_rows_columns_are_exactly_the_schema(nlp):
    """A row key missing from a schema would be dropped silently by the writer, a
    schema column missing from the rows would always be null."""
    text = ("الرياض - واس\n"
            "وقال وزير الخارجية عادل الجبير لـ«الشرق الأوسط» إن المملكة تدعم الحل السياسي. "
            "وأضاف أن “الحل العسكري لن ينجح”.")
    rows = doc_rows(nlp(text), Record("d1", text))
    assert set(rows) == set(TABLES) - {"rejected"}
    for name, table_rows in rows.items():
        assert table_rows, name
        cols = list(TABLES[name].names)
        for r in table_rows:
            assert sorted(r) == sorted(cols), name
