"""Reference dates of undated articles: pure rules, and an undated article through the flow."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest

from newslake.analyst import warehouse
from newslake.lake import Lake
from newslake.dates import tag_dates
from newslake.ingest.reference_dates import reference_date, reference_precision, writing_year, year_cues

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


def test_the_text_names_its_day_most_often_within_its_main_year_only_when_allowed():
    body = PADDING + "Recalling 11 September 2001, the minister spoke on 4 May 2005. In 2005 the vote on 4 May 2005 was close."
    assert reference_date(None, "Vote", body, use_text_day=True) == (date(2005, 5, 4), "text")
    assert reference_date(None, "Vote", body)[1] != "text"  # off by default: such a day is seldom the story's own


def test_a_recalled_date_outside_the_main_year_is_not_taken():
    body = PADDING + "It recalled 11 September 2001. In 2005 and 2005 again, and in 2005, ministers met."
    assert reference_date(None, "Vote", body, use_text_day=True) == (None, "none")


def test_the_file_time_only_when_allowed_and_not_contradicted():
    mtime = datetime(2021, 6, 1, 12, tzinfo=timezone.utc)
    assert reference_date(None, "Talks", "Ministers met on Monday.", file_mtime=mtime) == (None, "none")
    allowed = reference_date(None, "Talks", "Ministers met on Monday.", file_mtime=mtime, use_file_mtime=True)
    assert allowed == (date(2021, 6, 1), "file_mtime")
    later = reference_date(None, "Talks", "The plan ends in 2030.", file_mtime=mtime, use_file_mtime=True)
    assert later == (None, "none")


YEARLY = "Sales fell in 2004, and more than in 2003. The firm expects them to rise in 2005."


def test_the_year_the_text_names_as_its_own_unless_turned_off():
    assert reference_date(None, "Sales", YEARLY, use_text_year=False) == (None, "none")
    assert reference_date(None, "Sales", YEARLY) == (date(2005, 1, 1), "text_year")


def test_a_year_only_looked_back_on_or_ahead_to_is_not_the_writing_year():
    past = "Sales rose in 2005, and fell in 2004 again, the firm said."
    ahead = "Sales will rise in 2005, and in 2006 it will open a plant."
    assert reference_date(None, "Sales", past) == (None, "none")
    assert reference_date(None, "Sales", ahead) == (None, "none")


def test_a_day_level_rule_comes_before_the_year():
    body = PADDING + "On 4 May 2005 the vote was close. " + YEARLY
    assert reference_date(None, "Vote", body, use_text_day=True) == (date(2005, 5, 4), "text")


def cues(title: str, body: str) -> dict[str, int]:
    """The writing-year cues of an article, read as `reference_date` reads it."""
    text = f"{title}\n\n{body}"
    return year_cues(text, [m for m in tag_dates(text, None) if m.type == "DATE"], len(title))


def test_a_year_the_headline_names_as_part_of_a_name_is_the_writing_year():
    body = "Caloundra beat Wynnum on Saturday, their third win of the season."
    assert cues("Caloundra wins 2020 Rugby Union season opener", body)["headline"] == 2020
    assert cues("Fans flock to Expo 2005", "Crowds queued for hours.")["headline"] == 2005
    assert cues("On the campaign trail, May 2020", "Polls tightened.")["headline"] == 2020
    assert cues("Sanders endorses Biden in 2020 United States election", "He spoke.")["headline"] == 2020


def test_a_period_or_an_account_in_the_headline_is_not_the_writing_year():
    assert "headline" not in cues("Exports rose in 1986", "Exports rose 4 pct, the ministry said.")
    assert "headline" not in cues("Acme Profits Rise In 1986 Results", "Acme said profits rose.")
    assert "headline" not in cues("ACME SEES 1987 UNITED STATES GROWTH", "Acme said so.")  # capitals: no names
    # ... nor one that a later year the text looks back on overtakes
    assert "headline" not in cues("Fans flock to Expo 2005", "The fair had closed by March 2007.")


def test_the_edition_of_a_recurring_event_is_the_writing_year_unless_only_awaited():
    assert cues("Record run", "Kosgei won the 2019 Chicago Marathon on Sunday.")["edition"] == 2019
    assert "edition" not in cues("Bid", "She will run in the 2020 Democratic primary.")
    assert "edition" not in cues("Record run", "Kosgei won the 2019 Chicago Marathon. She will run again in 2021.")
    assert "edition" not in cues("Drilling", "Greece has the right to drill under the 1976 Bern agreement.")


def test_a_year_reported_done_and_the_next_looked_ahead_to():
    body = "Profit fell 5 pct in 1986, the company said. It expects sales to rise in 1987."
    assert cues("Acme results", body)["forecast"] == 1987
    compared = "Output is forecast at 2.1 mln tonnes in 1987, up from 1.9 mln tonnes in 1986."
    assert cues("Output", compared)["forecast"] == 1987
    assert "forecast" not in cues("Acme results", "Profit fell 5 pct in 1986. It expects sales to rise in 1988.")
    assert "forecast" not in cues("Acme results", body + " It opened a plant in 1988.")  # a later year done
    # a month of a year looked back on is no year done, and a year's accounts are never ahead
    assert "forecast" not in cues("Browser", "It was released in January 2005. A new version is due in 2006.")
    assert "forecast" not in cues("Loss", "Profit fell in 1985. It is likely to record a 1986 loss.")


# (cue, title, body, the year it reads or None: it must not speak)
UNDER_WAY_AND_SUBJECT = [
    ("under_way", "Sales", "Sales so far in 2005 are up 4 pct on a year earlier.", 2005),
    ("under_way", "Outlook", "The firm expects demand to stay weak for the rest of 2005.", 2005),
    ("under_way", "Exports", "In 2005 to date, exports rose 3 pct, the ministry said.", 2005),
    # a span up to now, a split year (a season, a fiscal year), or two years under way: none
    ("under_way", "Bonds", "It has traded in the market from 1984 to date.", None),
    ("under_way", "Fruit", "During the remainder of 1986/87 supplies will be smaller.", None),
    ("under_way", "Outlook", "The rest of 2005 and the remainder of 2006 look weak.", None),
    ("subject", "Outlook", "Analysts say 2005 will also see more competition.", 2005),
    ("subject", "Awards", "Without a doubt, 2005 has been a landmark year for the awards.", 2005),
    ("subject", "Retail", "Retailers say 2005 is set to be a hard year.", 2005),
    # a year after a preposition or a name is no subject; a later year looked back on overrules it
    ("subject", "Games", "Part of the success of games in 2004 could be due to sequels.", None),
    ("subject", "Games", "Fifa 2005 is back at the top of the charts.", None),
    ("subject", "Outlook", "Analysts say 2005 will see more competition. It rose in 2006.", None),
    # ... and so does an earlier year looked ahead to
    ("subject", "Outlook", "Analysts say 2006 will see more competition. It will rise in 2005.", None),
]


@pytest.mark.parametrize("cue, title, body, year", UNDER_WAY_AND_SUBJECT)
def test_a_year_under_way_or_the_subject_of_a_clause_that_sees_it_so(cue, title, body, year):
    assert cues(title, body).get(cue) == year


def test_a_title_that_reports_a_whole_year_done():
    body = "Exports rose 4 pct in 1986 from 1985, the ministry said."
    assert cues("Thai coffee exports rise in 1986", body)["headline_done"] == 1987
    assert cues("THAI COFFEE EXPORTS RISE IN 1986, MINISTRY SAYS", body)["headline_done"] == 1987
    # not when the text does not look back on that whole year, the title looks ahead, or names more
    assert "headline_done" not in cues("Thai coffee exports rise in 1986", "Exports will rise 4 pct in 1986.")
    assert "headline_done" not in cues("Thai coffee exports seen rising in 1986", body)
    assert "headline_done" not in cues("Exports rise in 1986 Asian markets", body)
    assert "headline_done" not in cues("Exports in 1986 beat 1985", body)


def test_cues_that_disagree_date_nothing():
    body = "Kosgei won the 2019 Chicago Marathon on Sunday."
    title = "Caloundra wins 2021 Rugby Union season opener"
    text = f"{title}\n\n{body}"
    dates = [m for m in tag_dates(text, None) if m.type == "DATE"]
    assert set(year_cues(text, dates, len(title)).values()) == {2021, 2019}
    assert writing_year(text, dates, len(title)) is None
    assert writing_year(f"Record run\n\n{body}", tag_dates(f"Record run\n\n{body}", None), 10) == 2019


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
    yearly = "Acme Corp sold less in 2004 than a year before. In 2005 Acme Corp will open two plants. On Monday it spoke of last year."
    (source / "yearly.txt").write_text(f"Acme sales\n\n{yearly}\n", encoding="utf-8")
    os.utime(source / "yearly.txt", (datetime(2004, 6, 3, tzinfo=timezone.utc).timestamp(),) * 2)  # the text's 2005 refuses it
    os.utime(source / "mtime.txt", (datetime(2021, 6, 3, tzinfo=timezone.utc).timestamp(),) * 2)
    lake = tmp_path / "lake"
    monkeypatch.setenv("NEWSLAKE_DCT_FILE_MTIME", "true")
    monkeypatch.setenv("NEWSLAKE_DCT_TEXT_DAY", "true")
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
