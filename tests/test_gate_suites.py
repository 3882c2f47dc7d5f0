"""Every suite in expectations/ against a broken frame, with the real Great Expectations.

For each suite: a small valid frame that passes every expectation, and one broken copy
per expectation that breaks exactly that one. The broken copy must fail on that
expectation alone, with the action DESIGN.md gives it: content checks on single
articles quarantine the article; everything else (structure, vocabularies, counts,
offsets, check tables) fails, so the run publishes nothing. The frames of the check
tables (sql/checks/) are what the real check queries return on a small valid version.
A suite or an expectation added without a broken-frame case fails
`test_every_expectation_has_a_broken_frame`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from functools import cache
from typing import Any, Callable

import pyarrow as pa
import pytest
from conftest import REPO, SEED
from test_gates import article, quarantine_row, run_row

from newslake import schema
from newslake import validate as gates
from newslake.validate import checks
from newslake.schema import to_table

EXPECTATIONS = REPO / "expectations"
UTC = dt.timezone.utc
SUITES = sorted(p.stem for p in EXPECTATIONS.glob("*.json"))

# ----------------------------------------------------------------------------- a small valid version

A1, A2, A3 = "a1a1a1a1a1a1a1a1", "a2a2a2a2a2a2a2a2", "a3a3a3a3a3a3a3a3"
OBAMA, PARIS, FRANCE = "e0e0e0e0e0e0e0e1", "e0e0e0e0e0e0e0e2", "e0e0e0e0e0e0e0e3"
BODY = "Barack Obama visited Paris on Monday.\nFrance welcomed him."
MONDAY = dt.datetime(2020, 1, 6, 9, tzinfo=UTC)


def _mention(article_id, start, text, label, alias, **extra):
    return {"article_id": article_id, "field": "body", "start": start, "end": start + len(text), "text": text,
            "label": label, "name": text, "role": None, "alias_id": alias, "surname": None, "country_code": None,
            "latitude": None, "longitude": None, "geonames_id": None, **extra}


def _place(code, lat, lon, geonames_id):
    return {"country_code": code, "latitude": lat, "longitude": lon, "geonames_id": geonames_id}


def _entity(entity_id, name, label, mentions, articles, **extra):
    return {"entity_id": entity_id, "name": name, "label": label, "aliases": [name], "country_code": None,
            "latitude": None, "longitude": None, "geonames_id": None, "mention_count": mentions, "article_count": articles,
            "first_seen": MONDAY, "last_seen": MONDAY, **extra}


def _alias(entity_id, name, label, **extra):
    return {"alias_id": entity_id, "alias": name, "label": label, "surname": None, "country_code": None,
            "latitude": None, "longitude": None, "geonames_id": None, "mention_count": 2, "article_count": 1, "entity_id": entity_id, **extra}


def _day(day: dt.date, published: int, mentioned: int) -> dict:
    iso = day.isocalendar()
    return {"date": day, "year": day.year, "quarter": (day.month - 1) // 3 + 1, "month": day.month,
            "day_of_month": day.day, "iso_year": iso[0], "iso_week": iso[1], "iso_weekday": iso[2],
            "weekday_name": day.strftime("%A"), "is_weekend": iso[2] >= 6, "published_count": published,
            "mentioned_count": mentioned}


def version_rows() -> dict[str, list[dict]]:
    """Every published table of a tiny version whose rows agree with each other."""
    paris, france = _place("FR", 48.85, 2.35, 2988507), _place("FR", 46.0, 2.0, 3017382)
    obama = {"surname": "obama", "role": "President"}
    return {
        "articles": [
            article(1, article_id=A1, title="Obama in Paris", body=BODY, word_count=9, published_at=MONDAY),
            article(2, article_id=A2, title="Obama leaves", body="Barack Obama left.", word_count=3, published_at=MONDAY),
            article(3, article_id=A3, title="Obama in Paris again", body=BODY, word_count=9, duplicate_of=A1),
        ],
        "entity_mentions": [
            _mention(A1, 0, "Barack Obama", "PERSON", OBAMA, **obama),
            _mention(A1, 21, "Paris", "GPE", PARIS, **paris),
            _mention(A1, 38, "France", "GPE", FRANCE, **france),
            _mention(A2, 0, "Barack Obama", "PERSON", OBAMA, **obama),
        ],
        "date_mentions": [
            {"article_id": A1, "field": "body", "start": 30, "end": 36, "text": "Monday", "type": "DATE",
             "value": "2020-01-06", "resolved_date": dt.date(2020, 1, 6), "granularity": "day", "anchored": True},
            {"article_id": A2, "field": "title", "start": 6, "end": 12, "text": "leaves", "type": "DURATION",
             "value": "P1D", "resolved_date": None, "granularity": "duration", "anchored": False},
        ],
        "quotes": [
            {"quote_id": "q1q1q1q1q1q1q1q1", "article_id": A2, "field": "body", "start": 0, "end": 18,
             "pieces": [{"start": 0, "end": 18}], "text": "Barack Obama left.", "kind": "indirect",
             "cue_start": None, "cue_end": None, "cue": None, "speaker_start": None, "speaker_end": None,
             "speaker_text": None, "speaker_alias_id": None, "published_at": MONDAY, "reference_date": dt.date(2020, 1, 6)},
            {"quote_id": "q2q2q2q2q2q2q2q2", "article_id": A1, "field": "body", "start": 21, "end": 36,
             "pieces": [{"start": 21, "end": 26}, {"start": 30, "end": 36}], "text": "Paris Monday", "kind": "direct",
             "cue_start": 10, "cue_end": 14, "cue": "said", "speaker_start": 0, "speaker_end": 12,
             "speaker_text": "Barack Obama", "speaker_alias_id": OBAMA, "published_at": MONDAY, "reference_date": dt.date(2020, 1, 6)},
        ],
        "entity_aliases": [
            _alias(OBAMA, "Barack Obama", "PERSON", surname="obama"),
            _alias(PARIS, "Paris", "GPE", **paris),
            _alias(FRANCE, "France", "GPE", **france),
        ],
        "entities": [
            _entity(OBAMA, "Barack Obama", "PERSON", 2, 2),
            _entity(PARIS, "Paris", "GPE", 1, 1, **paris),
            _entity(FRANCE, "France", "GPE", 1, 1, **france),
        ],
        "roles": [
            {"entity_id": OBAMA, "role": "President", "article_id": A1, "published_at": MONDAY},
            {"entity_id": OBAMA, "role": "President", "article_id": A2, "published_at": MONDAY},
        ],
        "article_entities": [
            {"article_id": A1, "entity_id": OBAMA, "mention_count": 1, "in_title": True, "in_caption": False, "first_body_offset": 0},
            {"article_id": A1, "entity_id": PARIS, "mention_count": 1, "in_title": True, "in_caption": False, "first_body_offset": 21},
            {"article_id": A2, "entity_id": OBAMA, "mention_count": 1, "in_title": True, "in_caption": False, "first_body_offset": 0},
        ],
        "entity_cooccurrence": [
            {"entity_a": OBAMA, "entity_b": PARIS, "article_count": 1, "first_seen": MONDAY, "last_seen": MONDAY},
            {"entity_a": OBAMA, "entity_b": FRANCE, "article_count": 1, "first_seen": MONDAY, "last_seen": MONDAY},
        ],
        "entity_daily": [
            {"entity_id": OBAMA, "day": dt.date(2020, 1, 6), "mention_count": 2, "article_count": 2},
            {"entity_id": PARIS, "day": dt.date(2020, 1, 6), "mention_count": 1, "article_count": 1},
        ],
        "entity_quotes": [
            {"entity_id": OBAMA, "day": dt.date(2020, 1, 6), "quote_count": 1, "article_count": 1},
            {"entity_id": FRANCE, "day": dt.date(2020, 1, 6), "quote_count": 2, "article_count": 1},
        ],
        "dates": [_day(dt.date(2020, 1, 5), 0, 0), _day(dt.date(2020, 1, 6), 2, 1)],
        "quarantine": [quarantine_row(), quarantine_row(source_uri="file:///inbox/b.json", line=3, reason="malformed_json")],
        "runs": [run_row(), run_row(run_id="run-2", status="nothing_new", published_version=None)],
    }


@cache
def check_tables() -> dict[str, pa.Table]:
    """What the real sql/checks/ queries return on the valid version."""
    tables = {name: to_table(rows, schema.TABLES[name].schema) for name, rows in version_rows().items()}
    params = {"added_article_rows": len(version_rows()["articles"])}
    return checks.checks_on_tables(tables, REPO / "sql", params)


def valid(suite: str) -> pa.Table:
    if suite in schema.TABLES:
        return to_table(version_rows()[suite], schema.TABLES[suite].schema)
    return check_tables()[suite]


# ----------------------------------------------------------------------------- how to break one expectation

Rows = list[dict[str, Any]]
Break = Callable[[Rows, pa.Schema], "Rows | pa.Table"]


def set_(column: str, value: Any, row: int = 1) -> Break:
    def apply(rows: Rows, _schema: pa.Schema) -> Rows:
        rows[row][column] = value
        return rows
    return apply


def repeat(*columns: str) -> Break:
    """Row 1 takes row 0's values in `columns`."""
    def apply(rows: Rows, _schema: pa.Schema) -> Rows:
        for column in columns:
            rows[1][column] = rows[0][column]
        return rows
    return apply


def extra_row(rows: Rows, _schema: pa.Schema) -> Rows:
    return rows + [copy.deepcopy(rows[0])]


def columns_swapped(rows: Rows, arrow_schema: pa.Schema) -> pa.Table:
    names = arrow_schema.names
    return pa.Table.from_pylist(rows, schema=arrow_schema).select([names[1], names[0], *names[2:]])


def off_by_one_count(column: str) -> Break:
    return set_(column, 1, row=0)


NOT_HEX = "NOT-A-HASH-1234!"
STRING_KEYS = {"entity_mentions": "article_id", "date_mentions": "article_id", "entities": "entity_id"}

# (suite, expectation label) -> how to break it. Labels are FailedExpectation.label():
# `type(column)`, or `type` for table-level and column-pair expectations.
BREAKS: dict[tuple[str, str], Break] = {
    # --- articles
    ("articles", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("articles", "expect_column_values_to_not_be_null(article_id)"): set_("article_id", None),
    ("articles", "expect_column_values_to_be_unique(article_id)"): repeat("article_id"),
    ("articles", "expect_column_values_to_match_regex(article_id)"): set_("article_id", NOT_HEX),
    ("articles", "expect_column_values_to_not_be_null(title)"): set_("title", None),
    ("articles", "expect_column_value_lengths_to_be_between(title)"): set_("title", ""),
    ("articles", "expect_column_values_to_not_be_null(body)"): set_("body", None),
    ("articles", "expect_column_value_lengths_to_be_between(body)"): set_("body", ""),
    ("articles", "expect_column_values_to_be_between(published_at)"): set_("published_at", dt.datetime(2100, 1, 2, tzinfo=UTC)),
    ("articles", "expect_column_values_to_be_in_set(source_format)"): set_("source_format", "pdf"),
    ("articles", "expect_column_values_to_not_be_null(published_precision)"): set_("published_precision", None),
    ("articles", "expect_column_values_to_be_in_set(published_precision)"): set_("published_precision", "week"),
    ("articles", "expect_column_values_to_match_regex(language)"): set_("language", "en-US"),
    ("articles", "expect_column_values_to_be_between(word_count)"): set_("word_count", 0),
    ("articles", "expect_column_values_to_not_be_null(source_sha256)"): set_("source_sha256", None),
    ("articles", "expect_column_values_to_match_regex(source_sha256)"): set_("source_sha256", "ABC"),
    ("articles", "expect_column_values_to_be_in_set(dct_source)"): set_("dct_source", "guess"),
    ("articles", "expect_column_values_to_not_be_null(dct_source)"): set_("dct_source", None),
    ("articles", "expect_column_values_to_be_in_set(reference_precision)"): set_("reference_precision", "week"),
    # --- quarantine
    ("quarantine", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("quarantine", "expect_column_values_to_not_be_null(reason)"): set_("reason", None),
    ("quarantine", "expect_column_values_to_be_in_set(reason)"): set_("reason", "cosmic_rays"),
    ("quarantine", "expect_column_values_to_not_be_null(source_uri)"): set_("source_uri", None),
    ("quarantine", "expect_column_values_to_not_be_null(detail)"): set_("detail", None),
    # --- runs
    ("runs", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("runs", "expect_column_values_to_not_be_null(run_id)"): set_("run_id", None),
    ("runs", "expect_column_values_to_be_unique(run_id)"): repeat("run_id"),
    ("runs", "expect_column_values_to_not_be_null(status)"): set_("status", None),
    ("runs", "expect_column_values_to_be_in_set(status)"): set_("status", "exploded"),
    **{("runs", f"expect_column_values_to_be_between({c})"): set_(c, -1)
       for c in ("files_seen", "new_articles", "duplicates", "unchanged", "quarantined")},
    # --- entity_mentions
    ("entity_mentions", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entity_mentions", "expect_column_values_to_not_be_null(article_id)"): set_("article_id", None),
    ("entity_mentions", "expect_column_values_to_match_regex(article_id)"): set_("article_id", NOT_HEX),
    ("entity_mentions", "expect_column_values_to_be_in_set(field)"): set_("field", "url"),
    ("entity_mentions", "expect_column_values_to_be_in_set(label)"): set_("label", "CARDINAL"),
    ("entity_mentions", "expect_column_values_to_be_between(start)"): set_("start", -1),
    ("entity_mentions", "expect_column_pair_values_a_to_be_greater_than_b"): set_("end", 21),
    ("entity_mentions", "expect_column_value_lengths_to_be_between(text)"): set_("text", ""),
    ("entity_mentions", "expect_column_values_to_match_regex(alias_id)"): set_("alias_id", NOT_HEX),
    ("entity_mentions", "expect_column_value_lengths_to_be_between(name)"): set_("name", ""),
    ("entity_mentions", "expect_column_values_to_not_match_regex(text)"): set_("text", "Paris\nTexas"),
    ("entity_mentions", "expect_column_value_lengths_to_be_between(role)"): set_("role", "", row=0),
    ("entity_mentions", "expect_column_values_to_match_regex(country_code)"): set_("country_code", "FRA"),
    ("entity_mentions", "expect_column_values_to_be_between(latitude)"): set_("latitude", 91.0),
    ("entity_mentions", "expect_column_values_to_be_between(longitude)"): set_("longitude", -180.5),
    ("entity_mentions", "expect_column_values_to_be_between(geonames_id)"): set_("geonames_id", 0),
    # --- date_mentions
    ("date_mentions", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("date_mentions", "expect_column_values_to_not_be_null(article_id)"): set_("article_id", None),
    ("date_mentions", "expect_column_values_to_be_in_set(field)"): set_("field", "url"),
    ("date_mentions", "expect_column_values_to_be_in_set(type)"): set_("type", "EVENT"),
    ("date_mentions", "expect_column_values_to_match_regex(value)"): set_("value", "next Tuesday"),
    ("date_mentions", "expect_column_values_to_be_in_set(granularity)"): set_("granularity", "fortnight"),
    ("date_mentions", "expect_column_values_to_be_between(start)"): set_("start", -1),
    ("date_mentions", "expect_column_pair_values_a_to_be_greater_than_b"): set_("end", 6),
    ("date_mentions", "expect_column_values_to_not_be_null(anchored)"): set_("anchored", None),
    # --- quotes
    ("quotes", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("quotes", "expect_column_values_to_not_be_null(quote_id)"): set_("quote_id", None),
    ("quotes", "expect_column_values_to_be_unique(quote_id)"): repeat("quote_id"),
    ("quotes", "expect_column_values_to_not_be_null(article_id)"): set_("article_id", None),
    ("quotes", "expect_column_values_to_be_in_set(field)"): set_("field", "url"),
    ("quotes", "expect_column_values_to_be_in_set(kind)"): set_("kind", "rumour"),
    ("quotes", "expect_column_pair_values_a_to_be_greater_than_b"): set_("end", 0),
    ("quotes", "expect_column_values_to_be_between(start)"): set_("start", -1),
    ("quotes", "expect_column_values_to_not_be_null(text)"): set_("text", None),
    # --- entities
    ("entities", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entities", "expect_column_values_to_not_be_null(entity_id)"): set_("entity_id", None),
    ("entities", "expect_column_values_to_be_unique(entity_id)"): repeat("entity_id"),
    ("entities", "expect_column_value_lengths_to_be_between(name)"): set_("name", ""),
    ("entities", "expect_column_values_to_be_in_set(label)"): set_("label", "DATE"),
    ("entities", "expect_column_values_to_be_between(mention_count)"): set_("mention_count", 0),
    ("entities", "expect_column_values_to_be_between(article_count)"): set_("article_count", 0),
    ("entities", "expect_column_pair_values_a_to_be_greater_than_b"): set_("article_count", 2),
    ("entities", "expect_column_values_to_match_regex(country_code)"): set_("country_code", "fr"),
    ("entities", "expect_column_values_to_be_between(latitude)"): set_("latitude", -90.5),
    ("entities", "expect_column_values_to_be_between(longitude)"): set_("longitude", 181.0),
    ("entities", "expect_column_values_to_be_between(geonames_id)"): set_("geonames_id", 0),
    # --- entity_aliases
    ("entity_aliases", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entity_aliases", "expect_column_values_to_be_unique(alias_id)"): repeat("alias_id"),
    ("entity_aliases", "expect_column_values_to_not_be_null(entity_id)"): set_("entity_id", None),
    ("entity_aliases", "expect_column_values_to_match_regex(entity_id)"): set_("entity_id", NOT_HEX),
    ("entity_aliases", "expect_column_value_lengths_to_be_between(alias)"): set_("alias", ""),
    ("entity_aliases", "expect_column_values_to_be_in_set(label)"): set_("label", "MONEY"),
    ("entity_aliases", "expect_column_values_to_be_between(mention_count)"): set_("mention_count", 0),
    ("entity_aliases", "expect_column_pair_values_a_to_be_greater_than_b"): set_("article_count", 3),
    ("entity_aliases", "expect_column_values_to_match_regex(country_code)"): set_("country_code", "F1"),
    ("entity_aliases", "expect_column_values_to_be_between(latitude)"): set_("latitude", 100.0),
    ("entity_aliases", "expect_column_values_to_be_between(longitude)"): set_("longitude", -200.0),
    ("entity_aliases", "expect_column_values_to_be_between(geonames_id)"): set_("geonames_id", 0),
    # --- roles
    ("roles", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("roles", "expect_column_values_to_not_be_null(entity_id)"): set_("entity_id", None),
    ("roles", "expect_column_value_lengths_to_be_between(role)"): set_("role", ""),
    ("roles", "expect_column_values_to_match_regex(article_id)"): set_("article_id", NOT_HEX),
    ("roles", "expect_compound_columns_to_be_unique"): repeat("article_id"),
    # --- article_entities
    ("article_entities", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("article_entities", "expect_compound_columns_to_be_unique"): repeat("entity_id"),
    ("article_entities", "expect_column_values_to_be_between(mention_count)"): set_("mention_count", 0),
    # --- entity_cooccurrence
    ("entity_cooccurrence", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entity_cooccurrence", "expect_compound_columns_to_be_unique"): repeat("entity_b"),
    ("entity_cooccurrence", "expect_column_pair_values_a_to_be_greater_than_b"): set_("entity_b", OBAMA),
    ("entity_cooccurrence", "expect_column_values_to_be_between(article_count)"): set_("article_count", 0),
    # --- entity_daily
    ("entity_daily", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entity_daily", "expect_compound_columns_to_be_unique"): repeat("entity_id"),
    ("entity_daily", "expect_column_values_to_not_be_null(day)"): set_("day", None),
    ("entity_daily", "expect_column_values_to_be_between(mention_count)"): set_("mention_count", 0),
    # --- entity_quotes
    ("entity_quotes", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("entity_quotes", "expect_compound_columns_to_be_unique"): repeat("entity_id"),
    ("entity_quotes", "expect_column_values_to_not_be_null(day)"): set_("day", None),
    ("entity_quotes", "expect_column_values_to_be_between(article_count)"): set_("article_count", 0),
    ("entity_quotes", "expect_column_pair_values_a_to_be_greater_than_b"): set_("article_count", 3),
    # --- dates
    ("dates", "expect_table_columns_to_match_ordered_list"): columns_swapped,
    ("dates", "expect_column_values_to_be_unique(date)"): repeat("date"),
    ("dates", "expect_column_values_to_not_be_null(date)"): set_("date", None),
    ("dates", "expect_column_values_to_be_between(year)"): set_("year", 2101),
    ("dates", "expect_column_values_to_be_between(iso_weekday)"): set_("iso_weekday", 8),
    ("dates", "expect_column_values_to_be_between(published_count)"): set_("published_count", -1),
    ("dates", "expect_column_values_to_be_between(mentioned_count)"): set_("mentioned_count", -1),
    # --- mention_offsets (one row per added mention)
    ("mention_offsets", "expect_column_values_to_not_be_null(field_length)"): set_("field_length", None),
    ("mention_offsets", "expect_column_pair_values_a_to_be_greater_than_b"): set_("end", 1000),
    ("mention_offsets", "expect_column_values_to_be_in_set(slices_back)"): set_("slices_back", False),
    # --- check tables of one row of counts, all expected to be 0
    **{(suite, "expect_table_row_count_to_equal"): extra_row for suite in ("reconciliation", "referential_integrity", "uniqueness")},
}
for _suite in ("reconciliation", "referential_integrity", "uniqueness"):
    for _exp in json.loads((EXPECTATIONS / f"{_suite}.json").read_text())["expectations"]:
        if _exp["type"] == "expect_column_values_to_be_between":
            BREAKS[(_suite, f"expect_column_values_to_be_between({_exp['kwargs']['column']})")] = off_by_one_count(_exp["kwargs"]["column"])

# Breaks that cannot help breaking a second expectation: a mention count of 0 is below
# any article count of 1 or more.
ALSO_BROKEN = {
    ("entities", "expect_column_values_to_be_between(mention_count)"): "expect_column_pair_values_a_to_be_greater_than_b",
    ("entity_aliases", "expect_column_values_to_be_between(mention_count)"): "expect_column_pair_values_a_to_be_greater_than_b",
}

# Content checks on single articles quarantine the article (DESIGN.md, Gates); every
# other expectation fails the run. No suite warns today (test_gates covers `warn`).
QUARANTINED = {
    ("articles", label)
    for label in (
        "expect_column_values_to_not_be_null(title)",
        "expect_column_value_lengths_to_be_between(title)",
        "expect_column_values_to_not_be_null(body)",
        "expect_column_value_lengths_to_be_between(body)",
        "expect_column_values_to_be_between(published_at)",
        "expect_column_values_to_match_regex(language)",
        "expect_column_values_to_be_between(word_count)",
    )
}


def expected_action(suite: str, label: str) -> str:
    return "quarantine" if (suite, label) in QUARANTINED else "fail"


def label_of(expectation: dict) -> str:
    column = expectation["kwargs"].get("column")
    return f"{expectation['type']}({column})" if column else expectation["type"]


def broken(suite: str, label: str) -> tuple[pa.Table, int | None]:
    """The valid frame with one expectation broken, and the row index it broke (None
    when the break is not in one row)."""
    table = valid(suite)
    rows = copy.deepcopy(table.to_pylist())
    fix = BREAKS[(suite, label)]
    out = fix(rows, table.schema)
    if isinstance(out, pa.Table):
        return out, None
    changed = [i for i, (a, b) in enumerate(zip(out, table.to_pylist())) if a != b]
    return pa.Table.from_pylist(out, schema=table.schema), (changed[0] if len(changed) == 1 and len(out) == table.num_rows else None)


def validate(suite: str, table: pa.Table) -> gates.TableValidation:
    return gates.validate_frame(suite, gates.frame_from_arrow(table), gates.suite_path_for(EXPECTATIONS, suite))


# ----------------------------------------------------------------------------- the tests


def test_every_expectation_has_a_broken_frame():
    """A suite, or an expectation, added to expectations/ without a case here fails."""
    assert SUITES, "no suites found"
    missing, labels = [], {}
    for suite in SUITES:
        spec = gates.load_suite(suite_path := gates.suite_path_for(EXPECTATIONS, suite))
        assert spec["name"] == suite, suite_path
        labels[suite] = [label_of(e) for e in spec["expectations"]]
        assert len(set(labels[suite])) == len(labels[suite]), f"{suite}: two expectations share a label"
        missing += [(suite, label) for label in labels[suite] if (suite, label) not in BREAKS]
        assert suite in version_rows() or suite in check_tables(), f"{suite}: no valid frame in {__name__}"
    assert missing == [], f"expectations without a broken-frame case in {__name__}: {missing}"
    stale = [key for key in BREAKS if key[1] not in labels.get(key[0], [])]
    assert stale == [], f"cases for expectations no suite has: {stale}"
    assert {s for s, _ in QUARANTINED} <= set(gates.QUARANTINABLE)


@pytest.mark.parametrize("suite", SUITES)
def test_the_valid_frame_passes(suite):
    table = valid(suite)
    assert table.num_rows >= 1
    result = validate(suite, table)
    assert result.success and result.failed == [] and result.warnings == [] and result.quarantined == {}, result.summary_lines()
    assert not [r for r in result.results if r["error"]], "an expectation raised on the valid frame"


@pytest.mark.parametrize(("suite", "label"), sorted(BREAKS), ids=lambda v: v)
def test_a_broken_frame_fails_on_its_expectation_with_its_action(suite, label):
    table, row = broken(suite, label)
    result = validate(suite, table)
    action = expected_action(suite, label)
    outcomes = {(f.label(), f.action) for f in (*result.failed, *result.warnings, *result.quarantine_reasons)}
    also = {(ALSO_BROKEN[(suite, label)], "fail")} if (suite, label) in ALSO_BROKEN else set()
    assert outcomes == {(label, action)} | also, result.summary_lines()
    for failure in (*result.failed, *result.quarantine_reasons):
        assert failure.table == suite and not failure.detail.startswith("error:"), failure.detail
    if action == "fail":  # the run publishes nothing (the end-to-end case is below)
        assert not result.success and result.quarantined == {}
    else:  # the rest of the table passes; the failing row goes to quarantine
        assert row is not None
        assert result.success and result.quarantined == {row: [label]}


def _orphan_mention(t):
    t["entity_mentions"].append(_mention("ffffffffffffffff", 0, "Barack", "PERSON", OBAMA))


def _repeated_article(t):
    t["articles"].append(dict(t["articles"][1], source_uri="file:///inbox/again.txt"))


def _misplaced_offsets(t):
    t["entity_mentions"][1]["start"] += 1  # "aris " is not "Paris"


def _mention_past_the_field(t):
    t["date_mentions"][1].update(start=10, end=40)  # the title is 12 characters long


def _near_copy_of_a_near_copy(t):
    t["articles"][1]["duplicate_of"] = A3


@pytest.mark.parametrize(("spoil", "suite", "label"), [
    (_orphan_mention, "referential_integrity", "expect_column_values_to_be_between(entity_mentions_without_article)"),
    (_near_copy_of_a_near_copy, "referential_integrity", "expect_column_values_to_be_between(duplicates_not_linked_to_a_canonical_article)"),
    (_repeated_article, "uniqueness", "expect_column_values_to_be_between(articles_repeated_id)"),
    (_misplaced_offsets, "mention_offsets", "expect_column_values_to_be_in_set(slices_back)"),
    (_mention_past_the_field, "mention_offsets", "expect_column_pair_values_a_to_be_greater_than_b|expect_column_values_to_be_in_set(slices_back)"),
], ids=lambda v: getattr(v, "__name__", v))
def test_a_broken_version_fails_its_check_table(spoil, suite, label):
    """The check queries themselves, on a version with one fact broken. (An offset past
    its field cannot slice back to the text either: `|` separates what must fail.)"""
    rows = version_rows()
    spoil(rows)
    tables = {name: to_table(r, schema.TABLES[name].schema) for name, r in rows.items()}
    table = checks.checks_on_tables(tables, REPO / "sql", {"added_article_rows": len(rows["articles"])})[suite]
    result = validate(suite, table)
    assert not result.success and {f.label() for f in result.failed} == set(label.split("|")), result.summary_lines()


def test_the_action_table_matches_the_suites():
    """What the suites declare is what DESIGN.md's rule (and this file) expects."""
    for suite in SUITES:
        for exp in gates.load_suite(gates.suite_path_for(EXPECTATIONS, suite))["expectations"]:
            assert gates.action_of(exp) == expected_action(suite, label_of(exp)), (suite, label_of(exp))


def test_a_failing_gate_after_extraction_publishes_nothing(prefect_server, tmp_path):
    """A `fail` expectation of a table built after extraction (entities) stops the run:
    `current` stays where it was, the run's parts are gone, and the next run with the
    usual suites publishes the file."""
    from flows.pipeline import news_pipeline
    from newslake.lake import Lake
    from newslake.lake.runs_log import read_runs
    from newslake.validate import ValidationFailed

    source, lake = tmp_path / "source", tmp_path / "lake"
    source.mkdir()
    shutil.copyfile(SEED, source / SEED.name)
    first = news_pipeline(source=str(source), lake=str(lake))
    strict = tmp_path / "strict"
    shutil.copytree(EXPECTATIONS, strict)
    suite = json.loads((strict / "entities.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_not_match_regex", "kwargs": {"column": "name", "regex": "Leeds"},
                                  "meta": {"notes": "a test: no entity may be called Leeds"}})
    (strict / "entities.json").write_text(json.dumps(suite))
    (source / "leeds.txt").write_text("Council meets\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    with pytest.raises(ValidationFailed) as failed:
        news_pipeline(source=str(source), lake=str(lake), expectations_dir=str(strict))
    assert failed.value.failures == ["entities: expect_column_values_to_not_match_regex(name) failed: 1 unexpected value, e.g. ['Leeds']"]
    the_lake = Lake(lake)
    assert the_lake.current_version() == first["version"] and the_lake.versions() == [first["version"]]
    last = read_runs(the_lake).to_pylist()[-1]
    assert (last["status"], last["published_version"]) == ("validation_failed", None)
    assert not any(p.name.startswith(f"part-{last['run_id']}") for p in the_lake.parts_root.rglob("*.parquet"))
    again = news_pipeline(source=str(source), lake=str(lake))  # nothing was lost: the file was not marked ingested
    assert again["status"] == "published" and again["counts"]["new_articles"] == 1
