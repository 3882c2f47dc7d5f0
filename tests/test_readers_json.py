"""JSON and JSONL variants: news-please, Wikinews, Reuters-21578, NewsAPI wrappers, the
`json_fields` mapping, and broken files. Fixtures are written here; the corpus tests read
../shared/corpora when it is present."""

from __future__ import annotations

import json

import pytest

from newslake.config import load_settings
from newslake.readers.publication_dates import is_date_line
from newslake.readers import RawArticle, ReaderOptions, Rejection, read_document
from newslake.readers.jsonrec import field_table

from conftest import SHARED
from conftest import only_article
CORPORA = SHARED / "corpora"


def items_of(name: str, payload, options: ReaderOptions | None = None) -> list:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return list(read_document(name, data, options) if options else read_document(name, data))


def jsonl(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


NEWS_PLEASE = {
    "authors": ["Jane Doe", "John Roe"],
    "date_download": "2020-01-11 08:00:00",
    "date_modify": None,
    "date_publish": "2020-01-10 12:30:00",
    "description": "A teaser, not the story.",
    "filename": "https%3A%2F%2Fwww.example.org%2Fdam.json",
    "image_url": "https://www.example.org/dam.jpg",
    "language": "EN",
    "localpath": None,
    "maintext": "Water flowed through the new dam.\n\nPeople cheered.",
    "source_domain": "www.example.org",
    "title": "Dam opens",
    "title_page": "Dam opens | Example News",
    "title_rss": None,
    "url": "https://www.example.org/dam",
}

WIKINEWS = {
    "url": "https://en.wikinews.org/wiki/Harbour_reopens",
    "published": "2019-01-04",
    "title": "Harbour reopens",
    "text": "Friday, January 4, 2019 \n\n\nShips sailed again on Monday.\n\n\nCrews cheered. \n",
    "license": "CC BY 2.5",
    "source": "Wikinews via github.com/vanatteveldt/wikinews",
}

REUTERS = {
    "newid": 1,
    "type": "NORM",
    "date_raw": "26-FEB-1987 15:01:01.79",
    "date_iso": "1987-02-26T15:01:01",
    "title": "BAHIA COCOA REVIEW",
    "dateline": "SALVADOR, Feb 26 -",
    "body": "Showers continued throughout the week in\nthe Bahia cocoa zone, Comissaria Smith said.\n"
    "    The dry period means the temporao will be late\nthis year.\n Reuter\n",
    "topics": ["cocoa"],
    "places": ["brazil"],
    "people": [],
    "orgs": [],
}


def test_news_please_record():
    article = only_article(items_of("a.json", NEWS_PLEASE))
    assert article.title == "Dam opens"
    assert article.body == "Water flowed through the new dam.\n\nPeople cheered."
    assert article.published == "2020-01-10 12:30:00"
    assert article.authors == ["Jane Doe", "John Roe"]
    assert (article.outlet, article.url, article.language) == ("www.example.org", "https://www.example.org/dam", "en")


def test_wikinews_date_line_glued_to_the_first_paragraph():
    record = {**WIKINEWS, "text": "Monday, August 3, 2020\nOn Thursday, a candidate spoke.\n\nMore followed."}
    article = only_article(items_of("w.json", record))
    assert article.body == "On Thursday, a candidate spoke.\n\nMore followed."


def test_wikinews_record_date_line_is_metadata():
    article = only_article(items_of("w.jsonl", jsonl(WIKINEWS)))
    assert article.title == "Harbour reopens"
    assert article.body == "Ships sailed again on Monday.\n\nCrews cheered."
    assert article.published == "2019-01-04"
    assert article.outlet is None  # "source" is provenance; normalize takes the outlet from the URL
    without_field = only_article(items_of("w.json", {k: v for k, v in WIKINEWS.items() if k != "published"}))
    assert without_field.published.strip() == "Friday, January 4, 2019"


def test_reuters_record():
    article = only_article(items_of("r.jsonl", jsonl(REUTERS)))
    assert article.title == "BAHIA COCOA REVIEW"
    assert article.published == "1987-02-26T15:01:01"
    assert article.body == (
        "SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone, Comissaria Smith said."
        "\n\nThe dry period means the temporao will be late this year."
    )
    assert article.outlet == "Reuters"  # from the sign-off, which leaves the body
    assert article.line == 1


def test_reuters_record_without_body_is_quarantined_with_its_line():
    brief = {**REUTERS, "newid": 2, "type": "BRIEF", "title": None, "dateline": None, "body": ""}
    items = items_of("r.jsonl", jsonl(REUTERS, brief, REUTERS))
    assert [type(i).__name__ for i in items] == ["RawArticle", "Rejection", "RawArticle"]
    assert items[1].reason == "no_article_text" and items[1].line == 2 and "'body' is empty" in items[1].detail


def test_dateline_in_body_gives_outlet_when_none_declared():
    record = {"title": "Vote", "text": "WASHINGTON (Reuters) - The Senate voted.\n\nIt passed."}
    assert only_article(items_of("v.json", record)).outlet == "Reuters"
    assert only_article(items_of("v.json", {**record, "outlet": "Example"})).outlet == "Example"


@pytest.mark.parametrize(
    "value, authors",
    [
        ("By JANE DOE and JOHN ROE", ["Jane Doe", "John Roe"]),
        ("Jane Doe", ["Jane Doe"]),
        ("Reuters Staff", ["Reuters Staff"]),  # not a person, but what the source says
        ([{"@type": "Person", "name": "Jane Doe"}, {"name": "John Roe"}], ["Jane Doe", "John Roe"]),
        ({"name": "Jane Doe"}, ["Jane Doe"]),
    ],
)
def test_author_shapes(value, authors):
    assert only_article(items_of("a.json", {"title": "T", "text": "Body.", "author": value})).authors == authors


def test_newsapi_wrapper_object():
    payload = {
        "status": "ok",
        "totalResults": 2,
        "articles": [
            {"source": {"id": None, "name": "Example News"}, "author": "Jane Doe", "title": "One",
             "url": "https://example.org/1", "publishedAt": "2020-01-10T08:00:00Z", "content": "First story."},
            {"source": {"name": "Other"}, "title": "Two", "content": "Second story."},
        ],
    }
    items = items_of("n.json", payload)
    assert [(a.title, a.outlet, a.published) for a in items] == [
        ("One", "Example News", "2020-01-10T08:00:00Z"), ("Two", "Other", None)
    ]


def test_json_file_holding_one_record_a_line():
    items = items_of("lines.json", jsonl({"title": "A", "text": "a."}, {"title": "B", "text": "b."}))
    assert [(a.title, a.line, a.source_format) for a in items] == [("A", 1, "json"), ("B", 2, "json")]


# --- the json_fields mapping --------------------------------------------------------------
def test_custom_field_mapping_with_nested_path():
    record = {
        "hed": "Custom headline",
        "title": "Generic title",
        "story": {"text": "The custom body."},
        "meta": {"published": "2021-03-03", "people": [{"name": "Jane Doe"}]},
        "text": "A built-in body the mapping overrides.",
    }
    options = ReaderOptions(json_fields={
        "title": ["hed"], "body": ["story.text"], "published": ["meta.published"], "authors": ["meta.people"],
    })
    article = only_article(items_of("c.json", record, options))
    assert (article.title, article.body, article.published) == ("Custom headline", "The custom body.", "2021-03-03")
    assert article.authors == ["Jane Doe"]
    # without the mapping the built-in names apply
    plain = only_article(items_of("c.json", record))
    assert (plain.title, plain.body, plain.published) == ("Generic title", "A built-in body the mapping overrides.", None)


def test_mapping_falls_back_to_built_ins_and_reads_literal_dotted_keys():
    options = ReaderOptions(json_fields={"body": ["missing.path"], "published": ["meta.date", "items.1.when"]})
    record = {"text": "Body.", "meta.date": "2021-01-01", "items": [{"when": "x"}, {"when": "y"}]}
    article = only_article(items_of("c.jsonl", jsonl(record), options))
    assert (article.body, article.published) == ("Body.", "2021-01-01")
    del record["meta.date"]
    assert only_article(items_of("c.jsonl", jsonl(record), options)).published == "y"


def test_unknown_mapping_key_is_a_clear_error():
    with pytest.raises(ValueError, match="'headline_text'"):
        field_table({"headline_text": ["hed"]})
    with pytest.raises(ValueError, match="'bdy'"):
        list(read_document("c.json", b'{"text": "x"}', ReaderOptions(json_fields={"bdy": ["story"]})))
    with pytest.raises(ValueError, match="'bdy'"):
        load_settings(json_fields={"bdy": ["story"]})
    assert load_settings(json_fields={"body": ["story"]}).json_fields == {"body": ["story"]}


# --- broken files -------------------------------------------------------------------------
def test_truncated_json_file():
    whole = json.dumps([{"title": "A", "text": "a."}, {"title": "B", "text": "b."}], indent=1).encode()
    items = items_of("cut.json", whole[: len(whole) // 2 + 3])
    assert len(items) == 1 and items[0].reason == "malformed_json" and items[0].line > 1
    assert f"line {items[0].line}" in items[0].detail


def test_truncated_jsonl_keeps_the_complete_lines():
    data = jsonl({"title": "A", "text": "a."}, {"title": "B", "text": "b."}) + b'{"title": "C", "te'
    items = items_of("cut.jsonl", data)
    assert [type(i).__name__ for i in items] == ["RawArticle", "RawArticle", "Rejection"]
    assert items[2] == Rejection("malformed_json", items[2].detail, 3) and "line 3" in items[2].detail


def test_record_that_is_not_an_object():
    items = items_of("x.jsonl", b'{"title": "A", "text": "a."}\n[1, 2]\n"text"\n')
    assert [getattr(i, "reason", None) for i in items] == [None, "malformed_json", "malformed_json"]
    assert [i.line for i in items] == [1, 2, 3]


# --- the real corpora ---------------------------------------------------------------------
@pytest.mark.skipif(not (CORPORA / "reuters21578.jsonl").is_file(), reason="Reuters corpus not present")
def test_reuters_corpus_parse_rate():
    data = (CORPORA / "reuters21578.jsonl").read_bytes()
    records = [json.loads(line) for line in data.splitlines() if line.strip()]
    items = list(read_document("reuters21578.jsonl", data))
    assert len(items) == len(records) == 21578
    with_body = [(r, i) for r, i in zip(records, items) if (r.get("body") or "").strip()]
    parsed = [i for _, i in with_body if isinstance(i, RawArticle)]
    assert len(parsed) >= 0.99 * len(with_body)
    empty = [i for r, i in zip(records, items) if not (r.get("body") or "").strip()]
    assert all(isinstance(i, Rejection) and i.reason == "no_article_text" and i.line for i in empty)
    assert sum(a.outlet == "Reuters" for a in parsed) >= 0.95 * len(parsed)
    assert all(a.title and a.published for a in parsed[:1000])


@pytest.mark.skipif(not (CORPORA / "wikinews.jsonl").is_file(), reason="Wikinews corpus not present")
def test_wikinews_corpus_parses():
    items = list(read_document("wikinews.jsonl", (CORPORA / "wikinews.jsonl").read_bytes()))
    assert items and all(isinstance(i, RawArticle) and i.title and i.published and i.url for i in items)
    assert not any(is_date_line(i.body.split("\n", 1)[0]) for i in items)
