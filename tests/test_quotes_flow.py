"""The quotes table end to end: the real flow publishes it, its speakers join to entities,
and a changed article's quotes are superseded with it."""

from __future__ import annotations

import pytest
from conftest import table_of

from newslake.analyst import warehouse
from newslake.lake import Lake
from newslake.ingest.normalize import article_fields

pytestmark = pytest.mark.e2e

STORY = (
    "Mayor Jane Holloway opens the new bridge\n\n"
    "Mayor Jane Holloway opened the Riverside Bridge on Monday after three years of work.\n\n"
    "“This bridge joins two halves of our city that were apart for far too long,” Holloway said. "
    "“Nobody will have to drive around the river again.”\n\n"
    "She said that the city would open a second bridge within five years.\n"
)


def _run(source, lake):
    from flows.pipeline import news_pipeline

    return news_pipeline(source=str(source), lake=str(lake))


def test_quotes_are_published_and_join_to_entities(prefect_server, tmp_path):
    source, lake = tmp_path / "inbox", tmp_path / "lake"
    source.mkdir()
    (source / "bridge.txt").write_text(STORY, encoding="utf-8")
    _run(source, lake)
    quotes = table_of(lake, "quotes").to_pylist()
    articles = {a["article_id"]: dict(article_fields(a["title"], a["captions"], a["body"])) for a in table_of(lake, "articles").to_pylist()}
    direct = [q for q in quotes if q["kind"] == "direct"]
    assert len(direct) == 1 and len(direct[0]["pieces"]) == 2
    for q in quotes:
        text = articles[q["article_id"]][q["field"]]
        assert " ".join(text[p["start"]:p["end"]] for p in q["pieces"]) == q["text"]
    with warehouse.connect(Lake(lake)) as con:
        speakers = con.execute(
            """select q.kind, q.speaker_text, e.name from quotes q
               join entity_aliases a on a.alias_id = q.speaker_alias_id
               join entities e using (entity_id) order by q.start"""
        ).fetchall()
    assert ("direct", "Holloway", "Jane Holloway") in speakers
    assert ("indirect", "She", "Jane Holloway") in speakers  # a pronoun resolves to the one person in view

    (source / "bridge.txt").write_text(STORY.replace("five years", "ten years"), encoding="utf-8")
    _run(source, lake)
    texts = [q["text"] for q in table_of(lake, "quotes").to_pylist() if q["kind"] == "indirect"]
    assert texts == ["that the city would open a second bridge within ten years"]


FIRST = (
    "Speech in Chicago\n\nMarch 3, 2021\n\n"
    "Mr Obama told supporters in Chicago that he would return to the city before the summer.\n"
)
SECOND = (
    "Visit to Paris\n\nMarch 4, 2021\n\n"
    "Barack Obama visited Paris on Thursday and met officials.\n\n"
    "“We will be back in Paris next spring with the whole family,” Barack Obama said.\n"
)
THIRD = (
    "Council vote in Leeds\n\nMarch 5, 2021\n\n"
    "Councillor Anna Price opened the debate in Leeds on Friday.\n\n"
    "“The budget leaves nothing for the libraries of this city,” Price said. "
    "She said that the council would vote on the plan next week.\n"
)


def _entity_quotes(lake) -> dict[tuple[str, str], tuple[int, int]]:
    with warehouse.connect(Lake(lake)) as con:
        rows = con.execute(
            "select e.name, cast(q.day as varchar), q.quote_count, q.article_count "
            "from entity_quotes q join entities e using (entity_id)"
        ).fetchall()
    return {(name, day): (quotes, articles) for name, day, quotes, articles in rows}


def test_entity_quotes_grown_run_by_run_equal_a_full_rebuild(prefect_server, tmp_path):
    """Quotes per entity and day, built incrementally over three runs (the second moves the
    first article's "Obama" to the full name, so its quote is repaired), equal one full
    build, and count each speaker's quotes and articles per day."""
    from conftest import rows_of

    source, lake, full = tmp_path / "inbox", tmp_path / "lake", tmp_path / "full"
    source.mkdir()
    reports = []
    for name, story in (("first.txt", FIRST), ("second.txt", SECOND), ("third.txt", THIRD)):
        (source / name).write_text(story, encoding="utf-8")
        reports.append(_run(source, lake))
    assert [r["models"] for r in reports] == ["full", "incremental", "incremental"]
    _run(source, full)
    assert rows_of(lake, "entity_quotes") == rows_of(full, "entity_quotes")
    assert _entity_quotes(lake) == {
        ("Barack Obama", "2021-03-03"): (1, 1),  # "Mr Obama told ...": the alias moved to the full name
        ("Barack Obama", "2021-03-04"): (1, 1),
        ("Anna Price", "2021-03-05"): (2, 1),  # by name, then by the pronoun
    }


WIRE = (
    "Harbour plan approved\n\nApril 12, 2022\n\n"
    "The harbour board approved the plan for the new ferry terminal on Tuesday after a long meeting "
    "that ran well into the evening, with residents filling the hall and the corridor outside it.\n\n"
    "“The terminal will carry twice as many passengers as the old pier within three years,” "
    "said Councillor Ruth Abernathy, who chairs the board. “We have waited a decade for this.”\n\n"
    "She said that the work would begin in the autumn and that the old pier would stay open until then. "
    "The plan also sets aside money for a cycle path along the quay and for new lighting on the seafront, "
    "and the board will hear from the fishing fleet about moorings at its next meeting in May.\n"
)


def test_near_copies_are_counted_once_by_every_count_of_quotes(prefect_server, tmp_path):
    """A syndicated copy (another title, a word changed) is published with duplicate_of set;
    entity_quotes, the what_did_they_say example and the report's top speakers all count
    the quotes of the canonical article alone, so the three agree."""
    import duckdb

    from newslake.analyst.examples import example
    from newslake.analyst.warehouse import connect
    from newslake.pipeline.report_page import TOP_SPEAKERS
    from pathlib import Path

    source, lake = tmp_path / "inbox", tmp_path / "lake"
    source.mkdir()
    (source / "wire.txt").write_text(WIRE, encoding="utf-8")
    copy = WIRE.replace("Harbour plan approved", "Ferry terminal gets the go-ahead").replace("in May", "in June")
    (source / "reprint.txt").write_text(copy, encoding="utf-8")
    report = _run(source, lake)
    assert report["counts"]["near_duplicates"] == 1
    articles = table_of(lake, "articles").to_pylist()
    assert len(articles) == 2 and sum(a["duplicate_of"] is not None for a in articles) == 1

    chosen = example(Path(__file__).resolve().parents[1] / "sql", "what_did_they_say")
    with connect(Lake(lake)) as con:
        counted = con.execute(
            "select e.name, sum(q.quote_count), sum(q.article_count) from entity_quotes q "
            "join entities e using (entity_id) group by e.name"
        ).fetchall()
        (name,) = {row[0] for row in counted}  # the councillor, by name and then by "She"
        listed = con.execute(chosen.sql, chosen.bind({"entity": name})).fetchall()
    assert [(n, int(q), int(a)) for n, q, a in counted] == [(name, 2, 1)]
    assert len(listed) == 2 and len({row[-1] for row in listed}) == 1  # both from one article

    page = duckdb.connect()
    page.register("eq", table_of(lake, "entity_quotes"))
    page.register("e", table_of(lake, "entities"))
    top = page.sql(TOP_SPEAKERS).fetchall()
    assert [(n, int(q), int(a)) for n, _, q, a in top] == [(name, 2, 1)]
