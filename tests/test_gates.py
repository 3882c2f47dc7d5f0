"""The validation gate with the real Great Expectations (no mocks)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from newslake import validate
from newslake.schema import (
    ARTICLES,
    PUBLISHED_PRECISIONS,
    QUARANTINE,
    QUARANTINE_REASONS,
    RUNS,
    SOURCE_FORMATS,
    to_table,
)

EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"
UTC = dt.timezone.utc


def article(i: int, **overrides):
    row = {
        "article_id": f"{i:016x}",
        "source_uri": f"file:///inbox/{i}.txt",
        "source_sha256": f"{i:064x}",
        "source_format": "text",
        "outlet": "Wikinews",
        "url": None,
        "title": f"Title {i}",
        "authors": ["Ada Lovelace"],
        "published_at": dt.datetime(2020, 1, 9, 12, 30, tzinfo=UTC),
        "published_precision": "second",
        "reference_date": dt.date(2020, 1, 9),
        "dct_source": "published",
        "reference_precision": "day",
        "captions": [],
        "body": "Some words about something that happened.",
        "language": "en",
        "word_count": 6,
        "duplicate_of": None,
        "ingested_at": dt.datetime(2024, 5, 1, tzinfo=UTC),
        "run_id": "run-1",
    }
    row.update(overrides)
    return row


def articles(*rows) -> pa.Table:
    return to_table(rows, ARTICLES)


def good_articles() -> pa.Table:
    return articles(
        article(1),
        article(2, authors=None, captions=["A caption"], language="de", source_format="json"),
        article(3, published_at=None, published_precision="none", outlet=None),
        article(4, published_at=dt.datetime(1900, 1, 1, tzinfo=UTC), published_precision="year"),
        article(5, source_format="jsonl", language="und", published_precision="day"),
    )


def validate_articles(table: pa.Table) -> validate.TableValidation:
    return validate.validate_frame(
        "articles", validate.frame_from_arrow(table), EXPECTATIONS / "articles.json"
    )


def failed_on(result: validate.TableValidation) -> set[tuple[str, str | None]]:
    return {(f.expectation_type, f.column) for f in result.failed}


def quarantined_by(result: validate.TableValidation) -> set[tuple[str, str | None]]:
    return {(f.expectation_type, f.column) for f in result.quarantine_reasons}


# ----------------------------------------------------------------------------- suites


@pytest.mark.parametrize("table", ["articles", "quarantine", "runs"])
def test_suites_load_in_gx_native_shape(table):
    suite = validate.load_suite(EXPECTATIONS / f"{table}.json")
    assert suite["name"] == table
    assert suite["expectations"]
    for exp in suite["expectations"]:
        assert exp["type"].startswith("expect_")
        assert isinstance(exp["kwargs"], dict)
        assert exp["meta"]["notes"], exp  # every expectation says why


def kwargs_of(suite: dict, type_: str, column: str | None = None) -> dict:
    matches = [
        e["kwargs"]
        for e in suite["expectations"]
        if e["type"] == type_ and e["kwargs"].get("column") == column
    ]
    assert len(matches) == 1, (type_, column)
    return matches[0]


def test_suites_follow_the_contract():
    arts = validate.load_suite(EXPECTATIONS / "articles.json")
    ordered = "expect_table_columns_to_match_ordered_list"
    assert kwargs_of(arts, ordered)["column_list"] == ARTICLES.names
    in_set = "expect_column_values_to_be_in_set"
    assert kwargs_of(arts, in_set, "source_format")["value_set"] == list(SOURCE_FORMATS)
    assert kwargs_of(arts, in_set, "published_precision")["value_set"] == list(
        PUBLISHED_PRECISIONS
    )
    language = re.compile(kwargs_of(arts, "expect_column_values_to_match_regex", "language")["regex"])
    assert all(language.match(code) for code in "en de no fil und".split())
    assert not any(language.match(code) for code in ("en-US", "EN", "english", ""))
    content = {
        (e["type"], e["kwargs"].get("column")) for e in arts["expectations"] if e["meta"].get("action") == "quarantine"
    }
    assert ("expect_column_values_to_match_regex", "language") in content
    assert not any(t.endswith("_unique") or t.startswith("expect_table_") for t, _ in content)  # structural checks fail

    quar = validate.load_suite(EXPECTATIONS / "quarantine.json")
    assert kwargs_of(quar, in_set, "reason")["value_set"] == list(QUARANTINE_REASONS)
    assert kwargs_of(quar, ordered)["column_list"] == QUARANTINE.names
    runs = validate.load_suite(EXPECTATIONS / "runs.json")
    assert kwargs_of(runs, ordered)["column_list"] == RUNS.names


def test_load_suite_rejects_what_gx_would_silently_drop(tmp_path):
    typo = tmp_path / "typo.json"
    typo.write_text(
        json.dumps(
            {"name": "t", "expectations": [{"type": "expect_colum_to_exist", "kwargs": {}}]}
        )
    )
    with pytest.raises(ValueError, match="expect_colum_to_exist"):
        validate.load_suite(typo)

    bad_kwargs = tmp_path / "bad.json"
    bad_kwargs.write_text(
        json.dumps(
            {
                "name": "t",
                "expectations": [
                    {"type": "expect_column_values_to_be_unique", "kwargs": {"colum": "a"}}
                ],
            }
        )
    )
    with pytest.raises(ValueError, match="bad.json"):
        validate.load_suite(bad_kwargs)

    not_a_suite = tmp_path / "list.json"
    not_a_suite.write_text("[]")
    with pytest.raises(ValueError):
        validate.load_suite(not_a_suite)


# ----------------------------------------------------------------------------- frames


def test_frame_from_arrow_gives_gx_friendly_dtypes():
    paris = pa.timestamp("us", tz="Europe/Paris")
    table = good_articles()
    table = table.set_column(
        table.schema.get_field_index("published_at"),
        pa.field("published_at", paris),
        table.column("published_at").cast(paris),
    )
    df = validate.frame_from_arrow(table)
    assert list(df.columns) == ARTICLES.names
    assert str(df["published_at"].dtype) == "datetime64[us, UTC]"
    assert df["published_at"].iloc[0] == pd.Timestamp("2020-01-09T12:30:00Z")
    assert str(df["word_count"].dtype) == "Int32"
    assert list(df["authors"].iloc[0]) == ["Ada Lovelace"]
    assert validate_articles(table).success


# ----------------------------------------------------------------------------- articles


def test_good_articles_pass():
    result = validate_articles(good_articles())
    assert result.success, result.failed
    assert result.table == "articles" and result.suite == "articles"
    assert result.evaluated == len(validate.load_suite(EXPECTATIONS / "articles.json")["expectations"])
    assert result.failed == [] and result.rows == 5


def test_empty_articles_pass():
    assert validate_articles(ARTICLES.empty_table()).success


def test_duplicate_ids_fail():
    result = validate_articles(articles(article(1), article(2), article(1, title="Other")))
    assert not result.success
    assert failed_on(result) == {("expect_column_values_to_be_unique", "article_id")}
    (failure,) = result.failed
    assert failure.table == "articles"
    assert failure.detail.startswith("2 unexpected values, e.g. ['0000000000000001']")


def test_empty_title_is_quarantined():
    result = validate_articles(articles(article(1), article(2, title="")))
    assert result.success and result.failed == []
    assert quarantined_by(result) == {("expect_column_value_lengths_to_be_between", "title")}
    assert result.quarantined == {1: ["expect_column_value_lengths_to_be_between(title)"]}
    assert "['']" in result.quarantine_reasons[0].detail


def test_missing_title_is_quarantined():
    result = validate_articles(articles(article(1), article(2, title=None)))
    assert quarantined_by(result) == {("expect_column_values_to_not_be_null", "title")}
    assert set(result.quarantined) == {1}
    assert result.quarantine_reasons[0].detail == "1 null value of 2"


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime(1899, 12, 31, 23, 59, 59, tzinfo=UTC),
        dt.datetime(2100, 1, 1, 0, 0, 1, tzinfo=UTC),
        dt.datetime(1, 1, 1, tzinfo=UTC),  # outside pandas' nanosecond range
        dt.datetime(9999, 12, 31, tzinfo=UTC),
    ],
)
def test_out_of_range_date_is_quarantined(when):
    result = validate_articles(articles(article(1), article(2, published_at=when)))
    assert result.success
    assert quarantined_by(result) == {("expect_column_values_to_be_between", "published_at")}
    assert set(result.quarantined) == {1}
    assert when.isoformat()[:10] in result.quarantine_reasons[0].detail


def test_unknown_format_fails():
    result = validate_articles(articles(article(1), article(2, source_format="xml")))
    assert failed_on(result) == {("expect_column_values_to_be_in_set", "source_format")}
    assert result.failed[0].detail == "1 unexpected value, e.g. ['xml']"


def test_other_article_checks_fail_or_quarantine():
    result = validate_articles(
        articles(
            article(1, article_id="NOT-A-HASH"),
            article(2, language="english", published_precision="week"),
            article(3, word_count=0, source_sha256="abc", body=""),
        )
    )
    assert failed_on(result) == {
        ("expect_column_values_to_match_regex", "article_id"),
        ("expect_column_values_to_be_in_set", "published_precision"),
        ("expect_column_values_to_match_regex", "source_sha256"),
    }
    assert quarantined_by(result) == {
        ("expect_column_values_to_match_regex", "language"),
        ("expect_column_values_to_be_between", "word_count"),
        ("expect_column_value_lengths_to_be_between", "body"),
    }
    assert result.quarantined == {
        1: ["expect_column_values_to_match_regex(language)"],
        2: ["expect_column_value_lengths_to_be_between(body)", "expect_column_values_to_be_between(word_count)"],
    }
    assert next(f for f in result.quarantine_reasons if f.column == "word_count").detail.endswith("[0]")


def test_column_contract_is_checked():
    table = good_articles().drop_columns(["captions"])
    result = validate_articles(table)
    assert ("expect_table_columns_to_match_ordered_list", None) in failed_on(result)


def test_caller_frame_is_left_alone():
    df = validate.frame_from_arrow(good_articles())
    before = df["authors"].iloc[0]
    validate.validate_frame("articles", df, EXPECTATIONS / "articles.json")
    assert df["authors"].iloc[0] is before


# ----------------------------------------------------------------------------- quarantine, runs


def quarantine_row(**overrides):
    row = {
        "source_uri": "file:///inbox/bad.bin",
        "source_sha256": "0" * 64,
        "line": None,
        "reason": "binary",
        "detail": "NUL bytes in the first 8 KiB",
        "quarantined_at": dt.datetime(2024, 5, 1, tzinfo=UTC),
        "run_id": "run-1",
    }
    row.update(overrides)
    return row


def run_row(**overrides):
    row = {
        "run_id": "run-1",
        "started_at": dt.datetime(2024, 5, 1, tzinfo=UTC),
        "finished_at": dt.datetime(2024, 5, 1, 0, 1, tzinfo=UTC),
        "source": "data/samples",
        "status": "published",
        "files_seen": 3,
        "new_articles": 2,
        "duplicates": 0,
        "unchanged": 0,
        "quarantined": 1,
        "validation_success": True,
        "validation_summary": "",
        "published_version": "v000001",
        "stage_seconds": "{}",
    }
    row.update(overrides)
    return row


def test_quarantine_and_runs_suites():
    report = validate.validate_tables(
        {
            "quarantine": to_table([quarantine_row(), quarantine_row(line=3)], QUARANTINE),
            "runs": to_table([run_row(), run_row(run_id="run-2", status="nothing_new")], RUNS),
        },
        EXPECTATIONS,
    )
    assert report.success, report.summary_lines()

    report = validate.validate_tables(
        {
            "quarantine": to_table(
                [quarantine_row(reason="cosmic_rays"), quarantine_row(detail=None)], QUARANTINE
            ),
            "runs": to_table(
                [run_row(), run_row(status="exploded", duplicates=-1)], RUNS
            ),
        },
        EXPECTATIONS,
    )
    assert not report.success
    assert {(f.table, f.expectation_type, f.column) for f in report.failures()} == {
        ("quarantine", "expect_column_values_to_be_in_set", "reason"),
        ("quarantine", "expect_column_values_to_not_be_null", "detail"),
        ("runs", "expect_column_values_to_be_unique", "run_id"),
        ("runs", "expect_column_values_to_be_in_set", "status"),
        ("runs", "expect_column_values_to_be_between", "duplicates"),
    }


# ----------------------------------------------------------------------------- reports


def test_validate_tables_reports_unchecked_and_summarises(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # GX must not write anything to the working directory
    bad = articles(article(1), article(1, title="Again"))
    report = validate.validate_tables(
        {
            "articles": bad,  # an Arrow table is converted with frame_from_arrow
            "quarantine": validate.frame_from_arrow(QUARANTINE.empty_table()),
            "scratch": pd.DataFrame({"article_id": []}),
        },
        EXPECTATIONS,
    )
    assert list(tmp_path.iterdir()) == []
    assert not report.success
    assert report.unchecked == ["scratch"]
    assert [t.table for t in report.tables] == ["articles", "quarantine"]
    assert [t.success for t in report.tables] == [False, True]
    assert [f.column for f in report.failures()] == ["article_id"]
    assert report.summary_lines() == [
        "articles: expect_column_values_to_be_unique(article_id) failed: "
        "2 unexpected values, e.g. ['0000000000000001']",
        f"quarantine: {report.tables[1].evaluated} expectations passed (0 rows)",
        "unchecked (no suite): scratch",
    ]
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json["success"] is False
    assert as_json["unchecked"] == ["scratch"]
    assert as_json["tables"][0]["failed"][0] == {
        "table": "articles",
        "expectation_type": "expect_column_values_to_be_unique",
        "column": "article_id",
        "detail": "2 unexpected values, e.g. ['0000000000000001']",
        "action": "fail",
    }


def test_expectation_errors_are_reported_not_raised(tmp_path):
    suite = tmp_path / "naive.json"
    suite.write_text(
        json.dumps(
            {
                "name": "naive",
                "expectations": [
                    {
                        "type": "expect_column_values_to_be_between",
                        "kwargs": {"column": "nope", "min_value": 0},
                    }
                ],
            }
        )
    )
    result = validate.validate_frame("naive", pd.DataFrame({"x": [1]}), suite)
    assert not result.success
    assert result.failed[0].detail.startswith("error:")
    assert "nope" in result.failed[0].detail


# ----------------------------------------------------------------------------- queries


def test_validate_query_on_duckdb(tmp_path):
    suite = tmp_path / "mentions_integrity.json"
    suite.write_text(
        json.dumps(
            {
                "name": "mentions_integrity",
                "expectations": [
                    {
                        "type": "expect_column_values_to_be_between",
                        "kwargs": {"column": "orphans", "min_value": 0, "max_value": 0},
                        "meta": {"notes": "every mention points at a published article"},
                    },
                    {
                        "type": "expect_table_row_count_to_equal",
                        "kwargs": {"value": 1},
                        "meta": {"notes": "one count row"},
                    },
                ],
            }
        )
    )
    con = duckdb.connect()
    con.register("articles", good_articles())
    con.register(
        "mentions", pa.table({"article_id": [f"{1:016x}", f"{2:016x}", "ffffffffffffffff"]})
    )
    sql = """
        select count(*) as orphans
        from mentions m
        where m.article_id not in (select article_id from articles)
          and m.article_id <> $ignore
    """
    ok = validate.validate_query(
        con, "mentions_integrity", sql, suite, params={"ignore": "ffffffffffffffff"}
    )
    assert ok.success, ok.failed
    assert ok.suite == "mentions_integrity" and ok.evaluated == 2 and ok.rows == 1

    bad = validate.validate_query(
        con, "mentions_integrity", sql, suite, params={"ignore": ""}
    )
    assert not bad.success
    assert [(f.expectation_type, f.column) for f in bad.failed] == [
        ("expect_column_values_to_be_between", "orphans")
    ]
    assert bad.failed[0].detail == "1 unexpected value, e.g. [1]"

    report = validate.ValidationReport.of([ok]).with_results(bad)
    assert not report.success and len(report.tables) == 2


def test_validate_query_timestamps_come_back_in_utc(tmp_path):
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/New_York'")
    con.register("articles", good_articles())
    result = validate.validate_query(
        con, "articles", "select * from articles", EXPECTATIONS / "articles.json"
    )
    assert result.success, result.failed


# ----------------------------------------------------------------------------- actions


def _suite_with(tmp_path, name: str, action: str | None) -> Path:
    meta = {"notes": "word counts are positive"} | ({"action": action} if action else {})
    path = tmp_path / f"{name}.json"
    path.write_text(
        json.dumps(
            {
                "name": name,
                "expectations": [
                    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "word_count", "min_value": 1}, "meta": meta}
                ],
            }
        )
    )
    return path


@pytest.mark.parametrize("action", [None, "fail"])
def test_fail_action_fails_the_table(tmp_path, action):
    result = validate.validate_frame("articles", validate.frame_from_arrow(articles(article(1, word_count=0))), _suite_with(tmp_path, "articles", action))
    assert not result.success and failed_on(result) == {("expect_column_values_to_be_between", "word_count")}
    assert result.failed[0].action == "fail" and result.quarantined == {}


def test_warn_action_reports_and_passes(tmp_path):
    result = validate.validate_frame("articles", validate.frame_from_arrow(articles(article(1, word_count=0))), _suite_with(tmp_path, "articles", "warn"))
    assert result.success and result.failed == [] and result.quarantined == {}
    assert [(w.column, w.action) for w in result.warnings] == [("word_count", "warn")]
    assert result.summary_lines()[-1].endswith("(warning)")


def test_quarantine_action_names_the_failing_rows(tmp_path):
    table = articles(article(1), article(2, word_count=0), article(3))
    result = validate.validate_frame("articles", validate.frame_from_arrow(table), _suite_with(tmp_path, "articles", "quarantine"))
    assert result.success and result.failed == []
    assert result.quarantined == {1: ["expect_column_values_to_be_between(word_count)"]}
    assert result.to_dict()["quarantined_rows"] == 1


def test_actions_are_checked_when_a_suite_loads(tmp_path):
    with pytest.raises(ValueError, match="action 'drop'"):
        validate.load_suite(_suite_with(tmp_path, "articles", "drop"))
    with pytest.raises(ValueError, match="cannot quarantine"):
        validate.load_suite(_suite_with(tmp_path, "entities", "quarantine"))


def test_a_large_table_is_validated_in_chunks_with_the_same_verdict(tmp_path):
    rows = [article(i) for i in range(1, 8)] + [article(8, word_count=0), article(9, title="")]
    table = articles(*rows)
    suite = EXPECTATIONS / "articles.json"
    whole = validate.validate_arrow("articles", table, suite)
    chunked = validate.validate_arrow("articles", table, suite, chunk_rows=4)
    assert (chunked.success, chunked.rows) == (whole.success, whole.rows) == (True, 9)
    assert chunked.quarantined == whole.quarantined == {
        7: ["expect_column_values_to_be_between(word_count)"],
        8: ["expect_column_value_lengths_to_be_between(title)"],
    }
    assert quarantined_by(chunked) == quarantined_by(whole)


def test_an_empty_table_is_validated_once_for_each_suite_file_as_it_is(tmp_path):
    """The result for an empty table is kept, and given again, until its suite file changes."""
    import os

    path = tmp_path / "articles.json"

    def row_count_suite(min_rows: int) -> None:
        path.write_text(json.dumps({"name": "articles", "expectations": [
            {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": min_rows}}]}))

    empty = validate.frame_from_arrow(articles(article(1)).slice(0, 0))
    row_count_suite(1)
    first = validate.validate_frame("articles", empty, path)
    again = validate.validate_frame("articles", empty, path)
    assert not first.success and again == first and again is not first  # a copy: a caller may change its own
    row_count_suite(0)
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)  # a new suite file, whatever the clock's grain
    assert validate.validate_frame("articles", empty, path).success


def test_a_validated_frame_is_not_kept_once_its_verdict_is_out():
    """GX's execution engine caches the last batch it loaded; between a run's checkpoints
    that frame would be held through the next chunk's parse."""
    from newslake.validate.context import gx_context

    table = articles(*[article(i) for i in range(1, 5)])
    result = validate.validate_arrow("articles", table, EXPECTATIONS / "articles.json")
    assert result.rows == 4
    manager = gx_context().data_sources.get("newslake").get_execution_engine().batch_manager
    assert (manager.batch_cache, manager.batch_data_cache) == ({}, {})
