"""Readers on the seed article and on small inputs written here."""

from __future__ import annotations

import json

import pytest

from newslake.readers.publication_dates import is_date_line, parse_published
from newslake.readers import Rejection, read_document
from newslake.readers.text import parse_text_article
from conftest import only_article


def test_seed_article_structure(seed_text):
    article = parse_text_article(seed_text)
    assert article.title == "Iraqi PM tells US to withdraw troops ‘in Iraq without permission’"
    assert article.published == "January 10, 2020"
    assert len(article.captions) == 1
    assert article.captions[0].startswith("Soldiers from 1st Battalion")
    assert article.captions[0].endswith("(Maj. Vonnie Wright/U.S. Army)")
    assert article.body.startswith("Iraq’s acting prime minister")
    assert "Telegram" not in article.title and "Telegram" not in article.body
    assert "Vonnie Wright" not in article.body
    assert article.body.endswith("“We’re not leaving unless they pay us back for it.”")


def test_seed_published_date(seed_text):
    published, precision = parse_published(parse_text_article(seed_text).published)
    assert published.date().isoformat() == "2020-01-10"
    assert precision == "day"


def test_text_without_date_line_takes_first_line_as_title():
    article = parse_text_article("Ad-free news: subscribe today\nA quiet day in Ghent\n\nNothing happened.\n\nStill nothing.\n")
    assert article.title == "A quiet day in Ghent"
    assert article.published is None
    assert article.body == "Nothing happened.\n\nStill nothing."


def test_text_with_crlf_and_weekday_date_line():
    text = "Harbour reopens\r\n\r\nFriday, January 4, 2019\r\n\r\nShips sailed again.\r\n"
    article = parse_text_article(text)
    assert (article.title, article.published, article.body) == ("Harbour reopens", "Friday, January 4, 2019", "Ships sailed again.")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("January 10, 2020", True),
        ("Jan. 10, 2020", True),
        ("10 January 2020", True),
        ("2020-01-10T08:30:00Z", True),
        ("Published: March 3, 2021 10:32 AM EST", True),
        ("January was cold in 2020 and everyone stayed home.", False),
        ("The 2020 election", False),
    ],
)
def test_date_line_recognition(line, expected):
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    "value, day, precision",
    [
        ("2020-01-10", "2020-01-10", "day"),
        ("2020-04-07 00:00:00", "2020-04-07", "day"),
        ("2020-01-10T23:30:00-05:00", "2020-01-11", "second"),
        (1578614400, "2020-01-10", "second"),
        ("2020-01", "2020-01-01", "month"),
    ],
)
def test_parse_published_to_utc(value, day, precision):
    published, got = parse_published(value)
    assert published.tzinfo is not None and published.date().isoformat() == day and got == precision


@pytest.mark.parametrize("value", ["not a date", "3020-01-01", "1850-05-05"])
def test_unparseable_or_absurd_dates_are_flagged_not_fatal(value):
    assert parse_published(value) == (None, "unparsed")


def test_json_record_field_mapping():
    record = {
        "headline": "Dam opens",
        "maintext": "Friday, January 4, 2019\n\n\nWater flowed.\n\nPeople cheered.",
        "date_publish": None,
        "link": "https://www.example.org/dam",
        "author": "Jane Doe",
    }
    article = only_article(read_document("a.json", json.dumps(record).encode()))
    assert article.title == "Dam opens"
    assert article.body == "Water flowed.\n\nPeople cheered."  # the leading date line is metadata
    assert article.published == "Friday, January 4, 2019"
    assert article.authors == ["Jane Doe"]
    assert article.url == "https://www.example.org/dam"


def test_json_list_and_jsonl_records():
    records = [{"title": f"T{i}", "text": f"Body {i}.", "published": "2020-01-0{i}"} for i in (1, 2)]
    assert [a.title for a in read_document("l.json", json.dumps(records).encode())] == ["T1", "T2"]
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    items = list(read_document("l.jsonl", lines.encode()))
    assert [(a.title, a.line) for a in items] == [("T1", 1), ("T2", 2)]


def test_jsonl_bad_line_keeps_neighbours():
    text = '{"title": "A", "text": "a."}\n{"title": "B", "text": \n{"title": "C", "text": "c."}\n'
    items = list(read_document("x.jsonl", text.encode()))
    assert [type(i).__name__ for i in items] == ["RawArticle", "Rejection", "RawArticle"]
    assert items[1].reason == "malformed_json" and items[1].line == 2 and "line 2" in items[1].detail


def test_latin1_text_decodes():
    article = only_article(read_document("l.txt", "Café owners protest\n\nThe café on the corner closed, its owner said.\n".encode("latin-1")))
    assert article.title == "Café owners protest"
    assert "café" in article.body


def test_rejections_are_values_not_exceptions():
    items = list(read_document("x.pdf", b"%PDF-1.4"))
    assert items == [Rejection("unsupported_type", "no reader for '.pdf' files")]


@pytest.mark.parametrize(
    "value",
    ["1987-02-26T15:01:01", "2020-01-04 00:00:00", "2020-01-04T10:00Z", "2020-01-04T10:00:00+0100",
     "2020-01-04T10:00:00.123456+01:00", "2020-01-04T10:00:00,5Z", "2020-02-30", "2020-01-04T25:00"],
)
def test_iso_fast_path_reads_what_dateutil_reads(value):
    from datetime import timezone

    from dateutil import parser

    try:
        expected = parser.parse(value)
        expected = (expected if expected.tzinfo else expected.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except ValueError:
        expected = None
    assert parse_published(value)[0] == expected
