"""The dataset contract holds where consumers meet it: the files, the manifest, the
warehouse and docs/datasets.md all say what newslake/schema.py says."""

from __future__ import annotations

import json

import duckdb
import pyarrow.dataset as ds
import pytest

from newslake import docs, schema
from newslake.lake import Lake
from newslake.lake.layout import Manifest
from newslake.lake.parts import write_part


def test_every_column_is_documented():
    for name, spec in schema.TABLES.items():
        assert spec.description, name
        for fld in spec.schema:
            assert schema.description(fld), f"{name}.{fld.name} has no description"


def test_docs_are_up_to_date():
    assert docs.DOC.exists() and docs.DOC.read_text(encoding="utf-8") == docs.render(), (
        f"docs/datasets.md is out of date with newslake/schema.py: run `{docs.COMMAND}` and commit it"
    )


def test_published_tables_match_the_documented_schema(sample_lake):
    lake_dir, _ = sample_lake
    lake = Lake(lake_dir)
    for name in schema.PUBLISHED:
        contract = schema.TABLES[name].schema
        for root in (lake.current / name, lake.published / lake.current_version() / name):
            table = ds.dataset(root, format="parquet", partitioning=None).to_table()
            assert table.schema.names == contract.names, name
            for fld in contract:
                column = table.column(fld.name)
                assert column.type == fld.type, f"{name}.{fld.name}: {column.type} is not {fld.type}"
                if not fld.nullable:
                    assert column.null_count == 0, f"{name}.{fld.name} is documented never null but holds nulls"
        assert table.num_rows > 0 or name == "quarantine", name


def test_the_date_values_follow_the_documented_grammar(sample_lake):
    from newslake.dates.model import TIMEX3_VALUE

    lake_dir, _ = sample_lake
    values = ds.dataset(Lake(lake_dir).current / "date_mentions", format="parquet", partitioning=None).to_table()
    assert values.num_rows > 0
    assert all(TIMEX3_VALUE.match(v) for v in values.column("value").to_pylist())


def test_the_manifest_carries_descriptions_and_nullability(sample_lake):
    lake_dir, _ = sample_lake
    raw = json.loads((Lake(lake_dir).current / "manifest.json").read_text())
    for name, spec in schema.TABLES.items():
        table = raw["tables"][name]
        assert table["description"] == spec.description
        assert [(c["name"], c["nullable"], c["description"]) for c in table["schema"]] == [
            (f.name, f.nullable, schema.description(f)) for f in spec.schema
        ]


def test_a_manifest_without_descriptions_still_reads(sample_lake):
    lake_dir, _ = sample_lake
    raw = json.loads((Lake(lake_dir).current / "manifest.json").read_text())
    for table in raw["tables"].values():
        table.pop("description")
        for column in table["schema"]:
            column.pop("description")
    manifest = Manifest.from_dict(raw)
    assert manifest.tables["articles"].description == ""
    assert manifest.rows() == Manifest.from_dict(json.loads((Lake(lake_dir).current / "manifest.json").read_text())).rows()


def test_every_warehouse_column_has_a_comment(sample_lake):
    lake_dir, _ = sample_lake
    with duckdb.connect(str(Lake(lake_dir).warehouse_path), read_only=True) as con:
        views = dict(con.execute("select view_name, comment from duckdb_views() where not internal").fetchall())
        columns = con.execute("select table_name, column_name, comment from duckdb_columns() where not internal").fetchall()
    for name in schema.PUBLISHED:
        assert views[name] == schema.TABLES[name].description
    by_table: dict[str, dict[str, str]] = {}
    for table, column, comment in columns:
        by_table.setdefault(table, {})[column] = comment
    for name in schema.PUBLISHED:
        assert list(by_table[name]) == schema.TABLES[name].schema.names
        for fld in schema.TABLES[name].schema:
            comment = by_table[name][fld.name]
            assert comment and comment.startswith(schema.description(fld)), f"{name}.{fld.name}"
    assert all(comment for cols in by_table.values() for comment in cols.values())


def test_a_null_in_a_never_null_column_is_refused(tmp_path):
    lake = Lake(tmp_path)
    (tmp_path / "parts" / "quarantine").mkdir(parents=True)
    row = {"source_uri": "x.json", "reason": "empty", "quarantined_at": None, "run_id": "r1"}
    with pytest.raises(ValueError, match="quarantine.quarantined_at is not nullable"):
        write_part(lake, "quarantine", schema.to_table([row], schema.QUARANTINE), run_id="r1", schema=schema.QUARANTINE)
    assert not list((tmp_path / "parts" / "quarantine").iterdir())


def test_the_readme_ways_of_reading_agree(sample_lake):
    """The README's pandas, pyarrow.dataset and DuckDB snippets, on the current and a pinned version."""
    import pandas as pd

    lake_dir, _ = sample_lake
    lake = Lake(lake_dir)
    pinned = lake.current_version()
    for name in schema.PUBLISHED:
        for folder in ("current", pinned):
            root = lake.published / folder / name
            frame = pd.read_parquet(root, partitioning=None)
            assert list(frame.columns) == schema.TABLES[name].schema.names
            rows = duckdb.sql(
                f"select count(*) from read_parquet('{root}/**/*.parquet', hive_partitioning = false)"
            ).fetchall()[0][0]
            assert len(frame) == rows == lake.manifest(pinned).tables[name].rows, name
