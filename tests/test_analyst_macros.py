"""The analyst macros of sql/analyst/macros/: what the example queries share, defined
where the analyst's tables are. Real DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from newslake.analyst.examples import MACROS, define_macros, macro_names

ENTITIES = """create table entities as select * from (values
    ('e1', 'Nancy Pelosi', 'PERSON', 3, 9), ('e2', 'Donald Trump', 'PERSON', 5, 7), ('e3', 'Iowa', 'GPE', 5, 8)
) as t(entity_id, name, label, article_count, mention_count)"""


def test_entity_named_picks_the_entity_by_id_or_name_or_the_most_named():
    with duckdb.connect() as con:
        con.execute(ENTITIES)
        assert define_macros(con, ["entities"]) == ["entity_named"]
        pick = lambda value: con.execute("select * from entity_named($e)", {"e": value}).fetchall()  # noqa: E731
        assert pick(None) == [("e3", "Iowa", "GPE")]  # most articles, then mentions
        assert pick("nancy PELOSI") == [("e1", "Nancy Pelosi", "PERSON")]
        assert pick("e2") == [("e2", "Donald Trump", "PERSON")]
        assert pick("nobody") == []
        comment = con.execute("select comment from duckdb_functions() where function_name = 'entity_named'").fetchone()[0]
        assert comment.startswith("entity_named(entity): the one entity an analyst names")


def test_a_macro_whose_tables_are_missing_is_left_out():
    with duckdb.connect() as con:
        assert define_macros(con, []) == []
        assert not con.execute("select count(*) from duckdb_functions() where function_name = 'entity_named'").fetchone()[0]


def test_each_macro_file_holds_the_macro_of_its_name(tmp_path):
    assert macro_names() == {"entity_named"} and macro_names() == {p.stem for p in MACROS.glob("*.sql")}
    (tmp_path / "other.sql").write_text((MACROS / "entity_named.sql").read_text(encoding="utf-8"), encoding="utf-8")
    with duckdb.connect() as con, pytest.raises(ValueError, match=r"other.sql: holds no `create or replace macro other"):
        con.execute(ENTITIES)
        define_macros(con, ["entities"], folder=tmp_path)
