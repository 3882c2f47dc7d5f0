"""Reference dates of undated articles: pure rules, and an undated article through the flow."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from newslake.analyst import warehouse
from newslake.lake import Lake
from newslake.ingest.reference_dates import reference_date

PADDING = "The committee heard evidence from several witnesses over many hours. " * 5


def test_the_publication_date_comes_first():
    published = datetime(2020, 1, 10, 23, 30, tzinfo=timezone.utc)
    assert reference_date(published, "Talks", "On 4 May 2005 they met.") == (date(2020, 1, 10), "published")


def test_a_full_date_at_the_head_is_a_date_line():
    assert reference_date(None, "Talks", "LONDON, March 3, 2005 - Ministers met on Monday.") == (date(2005, 3, 3), "dateline")


def test_the_text_names_its_day_most_often_within_its_main_year():
    body = PADDING + "Recalling 11 September 2001, the minister spoke on 4 May 2005. In 2005 the vote on 4 May 2005 was close."
    assert reference_date(None, "Vote", body) == (date(2005, 5, 4), "text")


def test_a_recalled_date_outside_the_main_year_is_not_taken():
    body = PADDING + "It recalled 11 September 2001. In 2005 and 2005 again, and in 2005, ministers met."
    assert reference_date(None, "Vote", body) == (None, "none")


def test_the_file_time_only_when_allowed_and_not_contradicted():
    mtime = datetime(2021, 6, 1, 12, tzinfo=timezone.utc)
    assert reference_date(None, "Talks", "Ministers met on Monday.", file_mtime=mtime) == (None, "none")
    allowed = reference_date(None, "Talks", "Ministers met on Monday.", file_mtime=mtime, use_file_mtime=True)
    assert allowed == (date(2021, 6, 1), "file_mtime")
    later = reference_date(None, "Talks", "The plan ends in 2030.", file_mtime=mtime, use_file_mtime=True)
    assert later == (None, "none")


def test_an_undated_article_gets_a_reference_and_a_day(prefect_server, tmp_path, monkeypatch):
    from flows.pipeline import news_pipeline

    source = tmp_path / "inbox"
    source.mkdir()
    body = PADDING + "Tony Blair spoke in London on 4 May 2005. On Monday, Tony Blair will meet voters in Leeds again."
    (source / "undated.txt").write_text(f"Blair speaks\n\n{body}\n", encoding="utf-8")
    (source / "mtime.txt").write_text("Council meets\n\nThe council met in Leeds on Tuesday.\n", encoding="utf-8")
    os.utime(source / "mtime.txt", (datetime(2021, 6, 3, tzinfo=timezone.utc).timestamp(),) * 2)
    lake = tmp_path / "lake"
    monkeypatch.setenv("NEWSLAKE_DCT_FILE_MTIME", "true")
    report = news_pipeline(source=str(source), lake=str(lake))
    assert report["status"] == "published"
    with warehouse.connect(Lake(lake)) as con:
        sources = dict(con.execute("select source_uri, dct_source from articles").fetchall())
        assert sources == {"undated.txt": "text", "mtime.txt": "file_mtime"}
        monday = con.execute("select resolved_date, anchored from date_mentions where text = 'Monday'").fetchone()
        assert monday == (date(2005, 5, 9), True)
        tuesday = con.execute("select resolved_date from date_mentions where text = 'Tuesday'").fetchone()
        assert tuesday == (date(2021, 6, 1),)
        days = {d for (d,) in con.execute("select distinct day from entity_daily").fetchall()}
        assert {date(2005, 5, 4), date(2021, 6, 3)} <= days
        published = con.execute("select published_count from dates where date = '2005-05-04'").fetchone()
        assert published == (1,)
