"""Reference dates of undated articles: pure rules, and an undated article through the flow."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from newslake.analyst import warehouse
from newslake.lake import Lake
from newslake.ingest.reference_dates import reference_date, reference_precision

PADDING = "The committee heard evidence from several witnesses over many hours. " * 5


def test_the_publication_date_comes_first():
    published = datetime(2020, 1, 10, 23, 30, tzinfo=timezone.utc)
    assert reference_date(published, "Talks", "On 4 May 2005 they met.") == (date(2020, 1, 10), "published")


def test_a_full_date_at_the_head_is_a_date_line():
    assert reference_date(None, "Talks", "LONDON, March 3, 2005 - Ministers met on Monday.") == (date(2005, 3, 3), "dateline")


def test_a_date_line_may_stand_alone_on_the_first_line():
    assert reference_date(None, "Fire", "Friday, January 4, 2019\n\nA block burned on Monday.") == (date(2019, 1, 4), "dateline")


def test_a_full_date_inside_the_first_sentence_is_no_date_line():
    body = "The offer, which expires on March 31, 1988, was made on Monday."
    assert reference_date(None, "Offer", body)[1] != "dateline"


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


YEARLY = "Sales rose in 2005, and more than in 2003. It will open a plant in 2005, the firm said."


def test_the_year_the_text_names_as_its_own_only_when_allowed():
    assert reference_date(None, "Sales", YEARLY) == (None, "none")
    assert reference_date(None, "Sales", YEARLY, use_text_year=True) == (date(2005, 1, 1), "text_year")


def test_a_year_named_once_or_outnumbered_is_not_the_writing_year():
    once = "Sales in 2005 will rise, the company said."
    outnumbered = "In 2003 and again in 2003 sales fell; in 2005 they rose. It will open a plant in 2005."
    assert reference_date(None, "Sales", once, use_text_year=True) == (None, "none")
    assert reference_date(None, "Sales", outnumbered, use_text_year=True) == (None, "none")


def test_a_year_only_looked_back_on_or_ahead_to_is_not_the_writing_year():
    past = "Sales rose in 2005, and fell in 2005 again, the firm said."
    ahead = "Sales will rise in 2005, and in 2005 it will open a plant."
    assert reference_date(None, "Sales", past, use_text_year=True) == (None, "none")
    assert reference_date(None, "Sales", ahead, use_text_year=True) == (None, "none")


def test_a_deadline_year_is_not_the_writing_year():
    body = "Sales rose in 2010, the firm said. The plant will close {} 2010, and in 2010 it will shut."
    assert reference_date(None, "Plant", body.format("in"), use_text_year=True) == (date(2010, 1, 1), "text_year")
    assert reference_date(None, "Plant", body.format("by"), use_text_year=True) == (None, "none")


def test_a_day_level_rule_comes_before_the_year():
    body = PADDING + "On 4 May 2005 the vote was close. " + YEARLY
    assert reference_date(None, "Vote", body, use_text_year=True) == (date(2005, 5, 4), "text")


def test_the_precision_of_each_rule():
    assert reference_precision("published", "second") == "day"
    assert reference_precision("published", "month") == "month"
    assert reference_precision("published", "year") == "year"
    assert reference_precision("dateline") == reference_precision("text") == reference_precision("file_mtime") == "day"
    assert reference_precision("text_year") == "year"
    assert reference_precision("none") is None


def test_an_undated_article_gets_a_reference_and_a_day(prefect_server, tmp_path, monkeypatch):
    from flows.pipeline import news_pipeline

    source = tmp_path / "inbox"
    source.mkdir()
    body = PADDING + "Tony Blair spoke in London on 4 May 2005. On Monday, Tony Blair will meet voters in Leeds again."
    (source / "undated.txt").write_text(f"Blair speaks\n\n{body}\n", encoding="utf-8")
    (source / "mtime.txt").write_text("Council meets\n\nThe council met in Leeds on Tuesday.\n", encoding="utf-8")
    yearly = "Acme Corp sold more in 2005 than a year before. In 2005 Acme Corp will also open two plants. On Monday it spoke after last year."
    (source / "yearly.txt").write_text(f"Acme sales\n\n{yearly}\n", encoding="utf-8")
    os.utime(source / "yearly.txt", (datetime(2004, 6, 3, tzinfo=timezone.utc).timestamp(),) * 2)  # the text's 2005 refuses it
    os.utime(source / "mtime.txt", (datetime(2021, 6, 3, tzinfo=timezone.utc).timestamp(),) * 2)
    lake = tmp_path / "lake"
    monkeypatch.setenv("NEWSLAKE_DCT_FILE_MTIME", "true")
    monkeypatch.setenv("NEWSLAKE_DCT_TEXT_YEAR", "true")
    report = news_pipeline(source=str(source), lake=str(lake))
    assert report["status"] == "published"
    with warehouse.connect(Lake(lake)) as con:
        sources = {uri: (rule, precision) for uri, rule, precision in
                   con.execute("select source_uri, dct_source, reference_precision from articles").fetchall()}
        assert sources == {"undated.txt": ("text", "day"), "mtime.txt": ("file_mtime", "day"), "yearly.txt": ("text_year", "year")}
        yearly_id = con.execute("select article_id from articles where source_uri = 'yearly.txt'").fetchone()[0]
        mentions = dict(con.execute("select text, value from date_mentions where article_id = ?", [yearly_id]).fetchall())
        assert mentions["last year"] == "2004" and mentions["Monday"] == "XXXX-WXX-1"
        monday = con.execute("select resolved_date, anchored from date_mentions where text = 'Monday' and article_id <> ?", [yearly_id]).fetchone()
        assert monday == (date(2005, 5, 9), True)
        on_timeline = con.execute("select count(*) from entity_daily where day = '2005-01-01'").fetchone()[0]
        assert on_timeline == 0  # a year reference is no day
        acme = con.execute("select count(*) from entities where name like 'Acme%'").fetchone()[0]
        assert acme >= 1
        tuesday = con.execute("select resolved_date from date_mentions where text = 'Tuesday'").fetchone()
        assert tuesday == (date(2021, 6, 1),)
        days = {d for (d,) in con.execute("select distinct day from entity_daily").fetchall()}
        assert {date(2005, 5, 4), date(2021, 6, 3)} <= days
        published = con.execute("select published_count from dates where date = '2005-05-04'").fetchone()
        assert published == (1,)
