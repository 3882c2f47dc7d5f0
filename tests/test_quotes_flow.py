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
