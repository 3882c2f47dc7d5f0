"""Unit tests for newslake.dates: one or more per expression kind, spans and values."""
from __future__ import annotations

import datetime as dt

import pytest

from newslake.dates import TIMEX3_TYPES, TIMEX3_VALUE, DateMention, tag_dates

DCT = dt.date(2020, 1, 10)  # a Friday
from conftest import SEED


def one(text: str, dct: dt.date | None = DCT) -> DateMention:
    found = tag_dates(text, dct)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start:m.end] == m.text
    return m


def check(text: str, span: str, type_: str, value: str, dct: dt.date | None = DCT,
          resolved: dt.date | None = None, gran: str | None = None,
          anchored: bool | None = None) -> DateMention:
    m = one(text, dct)
    assert (m.text, m.type, m.value) == (span, type_, value)
    assert m.start == text.index(span)
    assert m.resolved_date == resolved
    if gran is not None:
        assert m.granularity == gran
    if anchored is not None:
        assert m.anchored is anchored
    return m


# --- the seed article ------------------------------------------------------------------

def test_seed_article_thursday_night_and_friday():
    text = SEED.read_text(encoding="utf-8")
    found = {m.text: m for m in tag_dates(text, DCT)}
    th = found["Thursday night"]
    assert (th.type, th.value, th.resolved_date) == ("TIME", "2020-01-09TNI", dt.date(2020, 1, 9))
    assert th.anchored and th.granularity == "time"
    assert text[th.start:th.end] == "Thursday night"
    fr = found["Friday"]
    assert (fr.type, fr.value, fr.resolved_date) == ("DATE", "2020-01-10", DCT)
    dl = found["January 10, 2020"]
    assert (dl.value, dl.anchored) == ("2020-01-10", False)


# --- explicit dates ----------------------------------------------------------------------

@pytest.mark.parametrize("text,span,value", [
    ("Signed on January 10, 2020 in Rome.", "January 10, 2020", "2020-01-10"),
    ("Signed on 10 Jan 2020 in Rome.", "10 Jan 2020", "2020-01-10"),
    ("Signed on 2020-01-10 in Rome.", "2020-01-10", "2020-01-10"),
    ("Signed on the 10th of January 2020.", "the 10th of January 2020", "2020-01-10"),
    ("Signed on 01/10/2020 in Rome.", "01/10/2020", "2020-01-10"),
    ("It was Friday, January 4, 2019, at dawn.", "Friday, January 4, 2019", "2019-01-04"),
])
def test_explicit_dates(text, span, value):
    m = check(text, span, "DATE", value, resolved=dt.date.fromisoformat(value), gran="day")
    assert m.anchored is False


def test_month_day_takes_nearest_year():
    check("The vote on Jan. 10 passed.", "Jan. 10", "DATE", "2020-01-10",
          resolved=dt.date(2020, 1, 10), anchored=True)
    check("The vote on Dec. 20 passed.", "Dec. 20", "DATE", "2019-12-20",
          resolved=dt.date(2019, 12, 20))
    check("Talks resume Jan 14th.", "Jan 14th", "DATE", "2020-01-14", resolved=dt.date(2020, 1, 14))


def test_weekday_prefix_picks_matching_year():
    check("On Sunday, Jan. 5 they met.", "Sunday, Jan. 5", "DATE", "2020-01-05",
          resolved=dt.date(2020, 1, 5))


def test_month_with_year_and_bare_month():
    check("Sales in January 2020 rose.", "January 2020", "DATE", "2020-01", gran="month")
    check("Sales in Jan. 2020 rose.", "Jan. 2020", "DATE", "2020-01")
    check("It happened in November.", "November", "DATE", "2019-11", anchored=True)
    # past tense -> the February before the DCT (was nearest-wins 2020-02 before tense cues)
    check("It happened in February.", "February", "DATE", "2019-02")
    check("It opens in February.", "February", "DATE", "2020-02")
    check("Prices peaked in late November.", "late November", "DATE", "2019-11")


def test_may_the_verb_is_not_a_month():
    assert tag_dates("Officials may decide and troops march on.", DCT) == []
    check("The law took effect in May.", "May", "DATE", "2020-05", dct=dt.date(2020, 7, 1))


# --- years, decades, centuries, seasons, quarters ----------------------------------------

def test_years_need_context():
    check("He has lived there since 1973.", "1973", "DATE", "1973", gran="year")
    check("The plant opened in 2019.", "2019", "DATE", "2019")
    check("Output fell in early 2019.", "early 2019", "DATE", "2019")
    check("Profit for fiscal 1989 rose.", "fiscal 1989", "DATE", "1989")
    for text in ("The town has 5,200 residents.", "About 1,000 people came.",
                 "Police said 2019 protesters were held.", "Some 1999 votes were cast.",
                 "In 2000 homes the power failed.", "It cost $2019."):
        assert tag_dates(text, DCT) == [], text


def test_year_range():
    found = tag_dates("between 1990 and 1995", DCT)
    assert [(m.text, m.value) for m in found] == [("1990", "1990"), ("1995", "1995")]


def test_decade_century_season():
    check("Prices soared in the 1990s.", "the 1990s", "DATE", "199", gran="decade")
    check("A hit of the '80s.", "the '80s", "DATE", "198")
    check("A relic of the 20th century.", "the 20th century", "DATE", "19", gran="century")
    check("The study ran in summer 2019.", "summer 2019", "DATE", "2019-SU")
    check("Talks stalled last summer.", "last summer", "DATE", "2019-SU", anchored=True)


def test_quarters():
    check("Sales grew in the first quarter.", "the first quarter", "DATE", "2020-Q1",
          gran="quarter", anchored=True)
    check("Its third-quarter profit fell.", "third-quarter", "DATE", "2019-Q3")
    check("Revenue in the fourth quarter of 2018 fell.", "the fourth quarter of 2018", "DATE",
          "2018-Q4", anchored=False)
    check("Growth slowed in the first half of 2019.", "the first half of 2019", "DATE", "2019-H1")


# --- weekdays and relative expressions ---------------------------------------------------

def test_weekdays_nearest_with_past_ties():
    check("He called Thursday night.", "Thursday night", "TIME", "2020-01-09TNI",
          resolved=dt.date(2020, 1, 9), gran="time", anchored=True)
    check("The vote was Friday.", "Friday", "DATE", "2020-01-10", resolved=DCT)
    check("They met on Tuesday.", "Tuesday", "DATE", "2020-01-07", resolved=dt.date(2020, 1, 7))
    check("They meet on Monday.", "Monday", "DATE", "2020-01-13", resolved=dt.date(2020, 1, 13))
    check("They met last Tuesday.", "last Tuesday", "DATE", "2020-01-07",
          resolved=dt.date(2020, 1, 7))
    check("They meet next Wednesday.", "next Wednesday", "DATE", "2020-01-15",
          resolved=dt.date(2020, 1, 15))


def test_sunday_newspaper_is_not_a_date():
    assert tag_dates("according to The Sunday Times.", DCT) == []


@pytest.mark.parametrize("word,value,type_", [
    ("yesterday", "2020-01-09", "DATE"), ("today", "2020-01-10", "DATE"),
    ("tomorrow", "2020-01-11", "DATE"), ("tonight", "2020-01-10TNI", "TIME"),
    ("this morning", "2020-01-10TMO", "TIME"), ("last night", "2020-01-09TNI", "TIME"),
])
def test_day_words(word, value, type_):
    m = check(f"The talks ended {word}, he said.", word, type_, value,
              resolved=dt.date.fromisoformat(value[:10]))
    assert m.anchored


@pytest.mark.parametrize("phrase,value,gran", [
    ("last week", "2020-W01", "week"), ("this week", "2020-W02", "week"),
    ("next week", "2020-W03", "week"), ("last month", "2019-12", "month"),
    ("next month", "2020-02", "month"), ("this year", "2020", "year"),
    ("last year", "2019", "year"), ("next year", "2021", "year"),
    ("earlier this month", "2020-01", "month"),
])
def test_relative_units(phrase, value, gran):
    check(f"Prices rose {phrase} in Ohio.", phrase, "DATE", value, gran=gran, anchored=True)


def test_ago_and_in():
    check("He left two days ago.", "two days ago", "DATE", "2020-01-08",
          resolved=dt.date(2020, 1, 8), gran="day")
    check("He left 3 weeks ago.", "3 weeks ago", "DATE", "2019-W51", gran="week")
    check("He left a year ago.", "a year ago", "DATE", "2019", gran="year")
    check("Results are due in two weeks.", "two weeks", "DATE", "2020-W04", anchored=True)


def test_refs():
    check("Prices are now higher.", "now", "DATE", "PRESENT_REF", gran="ref")
    check("It is currently closed.", "currently", "DATE", "PRESENT_REF")
    check("It was recently closed.", "recently", "DATE", "PAST_REF")
    # TimeML/MEANTIME: "in recent years" is a vague DURATION (PXY), not a PAST_REF point
    check("Prices rose in recent years.", "recent years", "DURATION", "PXY", gran="duration")


# --- durations, sets, clock times --------------------------------------------------------

@pytest.mark.parametrize("text,span,value", [
    ("Prices rose over the past three years.", "the past three years", "P3Y"),
    ("He was held for five days.", "five days", "P5D"),
    ("The war lasted 10 years.", "10 years", "P10Y"),
    ("a five-year plan", "five-year", "P5Y"),
    ("He slept for 16 hours.", "16 hours", "PT16H"),
    ("They have tried for years.", "years", "PXY"),
])
def test_durations(text, span, value):
    m = check(text, span, "DURATION", value, gran="duration")
    assert m.resolved_date is None and not m.anchored


def test_age_is_not_a_duration():
    assert tag_dates("a five-year-old boy", DCT) == []


@pytest.mark.parametrize("text,span,value", [
    ("They meet every week.", "every week", "P1W"),
    ("It is published weekly.", "weekly", "P1W"),
    ("They meet each Monday.", "each Monday", "XXXX-WXX-1"),
    ("Doors close on Mondays.", "Mondays", "XXXX-WXX-1"),
    ("It pays 15 a year.", "a year", "P1Y"),
    ("They meet twice a week.", "twice a week", "P1W"),
])
def test_sets(text, span, value):
    check(text, span, "SET", value, gran="set")


def test_clock_times():
    check("It began at 6am.", "6am", "TIME", "2020-01-10T06:00", resolved=DCT, gran="time")
    check("It began at 6 a.m. sharp.", "6 a.m.", "TIME", "2020-01-10T06:00", resolved=DCT)
    check("It ended at 10:30 p.m. EST.", "10:30 p.m. EST", "TIME", "2020-01-10T22:30",
          resolved=DCT)
    found = tag_dates("On Friday, January 4, 2019 at 6 a.m. troops left.", DCT)
    assert [(m.text, m.value) for m in found] == [
        ("Friday, January 4, 2019", "2019-01-04"), ("6 a.m.", "2019-01-04T06:00")]
    check("It ends at noon Thursday.", "noon Thursday", "TIME", "2020-01-09T12:00",
          resolved=dt.date(2020, 1, 9))


def test_holiday():
    check("Shops shut on Christmas Day.", "Christmas Day", "DATE", "2019-12-25",
          resolved=dt.date(2019, 12, 25))


# --- contract ------------------------------------------------------------------------------

MIXED = (
    "On Friday, January 4, 2019 at 6 a.m. and Jan. 10, in January, since 1973, the 1990s, "
    "summer 2019, the first quarter, Thursday night, last week, two days ago, in two weeks, "
    "now, recently, the past three years, every week, each Monday, 10:30 p.m., the weekend, "
    "last summer, mid-2019, the 20th century, Christmas, for years, this morning, Q3 2019."
)


@pytest.mark.parametrize("dct", [DCT, None, dt.datetime(2020, 1, 10, 9, 30)])
def test_contract_sorted_nonoverlapping_valid_values(dct):
    found = tag_dates(MIXED, dct)
    assert len(found) >= 25
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    for m in found:
        assert MIXED[m.start:m.end] == m.text
        assert m.type in TIMEX3_TYPES
        assert TIMEX3_VALUE.fullmatch(m.value), m
        if m.resolved_date is not None:
            assert m.value.startswith(m.resolved_date.isoformat())


def test_without_dct_values_keep_placeholders():
    check("They met on Jan. 10.", "Jan. 10", "DATE", "XXXX-01-10", dct=None, anchored=False)
    check("They met Thursday night.", "Thursday night", "TIME", "XXXX-WXX-4TNI", dct=None)
    check("They met yesterday.", "yesterday", "DATE", "XXXX-XX-XX", dct=None)
    check("They met last week.", "last week", "DATE", "XXXX-WXX", dct=None)
    check("They met in 2019.", "2019", "DATE", "2019", dct=None)


def test_timex3_value_grammar():
    good = ["2020", "199", "19", "2020-01", "2020-01-10", "2020-W02", "2020-W02-WE", "2020-Q1",
            "2020-H2", "2019-SU", "XXXX-01-10", "XXXX-WXX-1", "2020-01-09TNI",
            "2019-01-04T06:00", "P3D", "PXY", "PT16H", "P1.5Y", "PRESENT_REF", "PAST_REF",
            "FUTURE_REF"]
    bad = ["", "20200110", "2020-1-10", "P", "NOW", "2020-Q5", "Friday"]
    assert all(TIMEX3_VALUE.fullmatch(v) for v in good)
    assert not any(TIMEX3_VALUE.fullmatch(v) for v in bad)


def test_empty_and_plain_text():
    assert tag_dates("", DCT) == []
    assert tag_dates("The cat sat on 3 mats and paid $1,000 for 2 hats.", DCT) == []


def test_mention_is_frozen():
    m = one("yesterday")
    with pytest.raises(AttributeError):
        m.value = "x"  # type: ignore[misc]


def test_regressions_from_corpus_review():
    check("He won by 0.90 seconds.", "0.90 seconds", "DURATION", "PT0.9S")
    check("Coverage starts from 1900 GMT.", "1900 GMT", "TIME", "2020-01-10T19:00Z",
          resolved=DCT)
    assert tag_dates("Screen Daily has said.", DCT) == []
    check("It was shown at the 10-day event.", "10-day", "DURATION", "P10D")
    check("Profit in the 1988 second quarter rose.", "the 1988 second quarter", "DATE", "1988-Q2")
    check("It was 6,000 years ago.", "6,000 years ago", "DATE", "PAST_REF")


# --- references of month or year precision --------------------------------------------

def values(text: str, dct: dt.date, precision: str) -> dict[str, tuple[str, bool]]:
    return {m.text: (m.value, m.anchored) for m in tag_dates(text, dct, precision)}


def test_a_year_reference_resolves_what_its_year_decides():
    got = values("Sales fell last year and rise this year. On Monday, last month and in March they met.",
                 dt.date(2005, 1, 1), "year")
    assert got["last year"] == ("2004", True)
    assert got["this year"] == ("2005", True)
    assert got["Monday"] == ("XXXX-WXX-1", False)
    assert got["last month"] == ("XXXX-XX", False)
    assert got["March"] == ("XXXX-03", False)


def test_a_month_reference_resolves_months_but_no_day():
    got = values("Last month was calm; in March the board met. Yesterday it rained, and last week too.",
                 dt.date(2005, 6, 1), "month")
    assert got["Last month"] == ("2005-05", True)
    assert got["March"] == ("2005-03", True)
    assert got["Yesterday"] == ("XXXX-XX-XX", False)
    assert got["last week"] == ("XXXX-WXX", False)


def test_a_day_named_in_the_text_still_anchors_what_follows_it():
    got = values("They voted on 4 May 2005. That day was calm, and the day after it rained.",
                 dt.date(2005, 1, 1), "year")
    assert got["That day"] == ("2005-05-04", True)


def test_the_representative_day_does_not_matter_within_the_period():
    text = "Last year was hard; this year is better. Next year, who knows. Last month was calm."
    assert values(text, dt.date(2005, 1, 1), "year") == values(text, dt.date(2005, 12, 31), "year")
    assert values(text, dt.date(2005, 6, 1), "month") == values(text, dt.date(2005, 6, 30), "month")


def test_a_day_reference_is_the_default_and_other_precisions_are_refused():
    text = "On Monday they met."
    assert tag_dates(text, DCT) == tag_dates(text, DCT, "day")
    with pytest.raises(ValueError):
        tag_dates(text, DCT, "week")
