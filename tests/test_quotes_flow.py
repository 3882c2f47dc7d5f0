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
