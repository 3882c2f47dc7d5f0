"""The declarations of sql/: headers, what each file reads, the build order, and the
refusals that name the file. Real files, DuckDB's own parser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from newslake import schema
from newslake.derived.build import BASE, graph, merge_models, run_models
from newslake.derived.sql_graph import DeclarationError, load

from conftest import REPO


@pytest.fixture
def sql(tmp_path: Path) -> Path:
    """A copy of the project's sql/ to spoil."""
    return Path(shutil.copytree(REPO / "sql", tmp_path / "sql"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_build_order_puts_every_step_after_what_it_reads():
    steps = graph(REPO / "sql")
    order = [s.name for s in steps]
    for step in steps:
        for read in step.reads - set(BASE):
            assert order.index(read) < order.index(step.name), (read, step.name)
    assert set(steps.models) == {n for n, spec in schema.TABLES.items() if spec.kind == "derived"}


def test_reads_come_from_the_sql_not_from_its_ctes_or_comments():
    steps = graph(REPO / "sql")
    # entity_cooccurrence.sql has a CTE named after the model article_entities: no dependency
    assert steps["entity_cooccurrence"].reads == {"stg_entity_mentions"}
    # a merged staging model reads what its merge reads too (previous.* and delta.* are not steps)
    assert steps["stg_entity_stats"].reads == {"stg_entity_mentions"}
    assert steps["entities"].reads == {"stg_entity_stats", "stg_entity_names"}
    assert steps["entities"].source == "stg_entity_stats" and steps["dates"].source == "stg_day_counts"


def test_the_header_declares_key_rule_and_repair():
    step = graph(REPO / "sql")["entity_daily"]
    assert (step.key, step.incremental, step.repair) == (("entity_id", "day"), "merge", "entity")
    assert step.merge == (REPO / "sql" / "merge" / "entity_daily.sql").resolve()
    assert graph(REPO / "sql")["stg_entity_names"].incremental == "view"  # a staging model's default


def test_a_new_table_is_its_sql_and_its_contract(sql, monkeypatch):
    """A table added as SQL with its header, a merge and its contract: refused until
    the contract names it, then built in order after what it reads, and a merge of
    later rows equals a full build."""
    from test_canonical import A, B, _lake_tables, _sorted

    (sql / "label_mentions.sql").write_text(
        "-- label_mentions: mentions of canonical articles per label.\n-- key: label\n-- incremental: merge\n"
        "with\n\nfinal as (\n    select m.label, count(*) as mention_count\n    from entity_mentions as m\n"
        "    join stg_article_ids using (article_id)\n    group by m.label\n)\n\nselect * from final\n",
        encoding="utf-8",
    )
    (sql / "staging" / "stg_article_ids.sql").write_text(
        "-- stg_article_ids: the ids of the articles that are no near copy.\nselect article_id from articles where duplicate_of is null\n",
        encoding="utf-8",
    )
    (sql / "merge" / "label_mentions.sql").write_text(
        "select label, sum(mention_count) as mention_count\n"
        "from (select * from previous.label_mentions union all select * from delta.label_mentions)\ngroup by label\n",
        encoding="utf-8",
    )
    with pytest.raises(DeclarationError, match=r"label_mentions.sql: no derived table label_mentions in newslake/schema.py"):
        graph(sql)
    contract = pa.schema([schema.required("label", pa.string(), "a label"), schema.required("mention_count", pa.int64(), "mentions")])
    monkeypatch.setitem(schema.TABLES, "label_mentions", schema.TableSpec(contract, "derived"))
    order = [s.name for s in graph(sql)]
    assert order.index("stg_article_ids") < order.index("label_mentions")
    first = _lake_tables((A, "Tony Blair spoke in London.", [("Tony Blair", "PERSON"), ("London", "GPE")]))
    later = _lake_tables((B, "Blair went to Paris.", [("Blair", "PERSON"), ("Paris", "GPE")]))
    whole = run_models({k: pa.concat_tables([first[k], later[k]]) for k in first}, sql)
    merged = merge_models(run_models(first, sql), later, sql, base=first)
    assert sorted(whole["label_mentions"].to_pylist(), key=str) == [
        {"label": "GPE", "mention_count": 2}, {"label": "PERSON", "mention_count": 2}]
    for model in whole:
        assert _sorted(merged[model]) == _sorted(whole[model]), model


@pytest.mark.parametrize(
    "spoil, message",
    [
        (("roles.sql", "from stg_entity_mentions", "from stg_entity_mention"),
         r"roles.sql: reads stg_entity_mention, which is no base table \(articles, date_mentions, entity_mentions, quotes\), staging model"),
        (("roles.sql", "-- key: entity_id, role, article_id\n", ""), r"roles.sql: no `-- key:`"),
        (("roles.sql", "-- incremental: append\n", ""), r"roles.sql: no `-- incremental:`; declare one of append, merge, rebuild, lake-wide"),
        (("roles.sql", "-- incremental: append", "-- incremental: appended"), r"roles.sql: `-- incremental: appended`; declare one of"),
        (("roles.sql", "-- incremental: append", "-- incremental: merge"), r"roles.sql: `-- incremental: merge` needs .*merge/roles.sql, which is missing"),
        (("entity_daily.sql", "-- incremental: merge", "-- incremental: append"),
         r"merge/entity_daily.sql: merges entity_daily, which is no step declaring `-- incremental: merge`"),
        (("dates.sql", "from stg_day_counts", "from stg_day_counts, stg_entity_stats"),
         r"dates.sql: `-- incremental: rebuild` is rebuilt over one merged staging model .*it reads stg_day_counts, stg_entity_stats"),
        (("merge/entity_daily.sql", "from previous.entity_daily", "from previus.entity_daily"),
         r"merge/entity_daily.sql: reads previus.entity_daily, which no build defines"),
        (("staging/stg_entity_names.sql", "from entity_aliases\n    where", "from entity_aliases join entities using (entity_id)\n    where"),
         r"a cycle: entities -> stg_entity_names -> entities"),
        (("roles.sql", "-- repair: article\n", ""), r"roles.sql: reads entity ids \(entity_aliases\) but declares no `-- repair:`"),
        (("roles.sql", "-- repair: article", "-- repair: articles"), r"roles.sql: `-- repair: articles` is no rule; declare one of entity, article, pair"),
        (("dates.sql", "-- incremental: rebuild", "-- incremental: rebuild\n-- repair: entity"),
         r"dates.sql: declares `-- repair:` but reads no entity ids \(entity_aliases\)"),
        (("staging/stg_entity_names.sql", "with\n", "-- key: entity_id\nwith\n"), r"stg_entity_names.sql: a staging model declares no `-- key:`"),
        (("roles.sql", "select * from final", "select * from final where"), r"roles.sql: DuckDB cannot parse it"),
    ],
)
def test_a_wrong_declaration_is_refused_naming_the_file(sql, spoil, message):
    edit(sql / spoil[0], spoil[1], spoil[2])
    with pytest.raises(DeclarationError, match=message):
        graph(sql)


def test_a_derived_table_without_its_sql_is_refused(sql):
    (sql / "roles.sql").unlink()
    with pytest.raises(DeclarationError, match=r"roles.sql: missing: roles is a derived table of newslake/schema.py"):
        graph(sql)


def test_an_edited_file_is_read_again(sql):
    assert graph(sql)["roles"].repair == "article"
    edit(sql / "roles.sql", "-- repair: article\n", "-- repair: article \n-- \n")
    assert graph(sql)["roles"].repair == "article"
    edit(sql / "roles.sql", "-- repair: article", "-- repair: pair")
    assert graph(sql)["roles"].repair == "pair"


def test_a_new_alias_of_an_old_entity_merges_into_it_as_a_full_build_does():
    """A run that names an old entity only by a new alias ("Blair", whose entity's own
    alias "Tony Blair" the run does not mention): its mentions, articles and aliases
    count in `entities` as in a full build (entities are rebuilt over merged counts and
    the merged names, not merged from a delta that could not name them)."""
    from test_canonical import A, B, _lake_tables, _sorted

    first = _lake_tables((A, "Tony Blair spoke in London.", [("Tony Blair", "PERSON"), ("London", "GPE")]))
    later = _lake_tables((B, "Blair answered questions.", [("Blair", "PERSON")]))
    whole = run_models({k: pa.concat_tables([first[k], later[k]]) for k in first}, REPO / "sql")
    merged = merge_models(run_models(first, REPO / "sql"), later, REPO / "sql", base=first)
    blair = next(e for e in merged["entities"].to_pylist() if e["name"] == "Tony Blair")
    assert (blair["mention_count"], blair["article_count"], blair["aliases"]) == (2, 2, ["Blair", "Tony Blair"])
    for model in whole:
        assert _sorted(merged[model]) == _sorted(whole[model]), model
