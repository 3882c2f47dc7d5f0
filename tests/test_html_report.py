"""The run report's computed parts (timeline scale and buckets, expectation sentences,
stage rows) and its templates: escaping, a failing validation laid out, package data."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from fnmatch import fnmatch

from newslake.report import page as h
from tests.conftest import REPO


def test_nice_step_gives_about_four_gridlines_of_round_numbers():
    assert [h.nice_step(p) for p in (1, 4, 7, 30, 100, 2_500, 99_999)] == [1, 1, 2, 10, 50, 1_000, 50_000]


def test_buckets_of_weeks_and_months():
    wednesday = date(2024, 1, 3)
    assert h.bucket_of(wednesday, "day") == wednesday
    assert h.bucket_of(wednesday, "week") == date(2024, 1, 1)  # the Monday
    assert h.bucket_of(date(2024, 2, 29), "month") == date(2024, 2, 1)
    assert h.next_bucket(date(2024, 1, 31), "day") == date(2024, 2, 1)
    assert h.next_bucket(date(2024, 1, 1), "week") == date(2024, 1, 8)
    assert h.next_bucket(date(2024, 12, 1), "month") == date(2025, 1, 1)


def _days(first: date, n: int, every: int = 1) -> list[dict]:
    return [{"date": date.fromordinal(first.toordinal() + i * every).isoformat(), "published_count": 1 + i % 3, "mentioned_count": i % 5}
            for i in range(n)]


def test_timeline_is_per_day_then_week_then_month():
    assert h.timeline_chart([]) is None
    assert h.timeline_chart([{"date": "2020-01-01", "published_count": 0, "mentioned_count": 0}]) is None
    assert h.timeline_chart(_days(date(2020, 1, 1), h.MAX_SLOTS)).unit == "day"
    weeks = h.timeline_chart(_days(date(2020, 1, 1), h.MAX_SLOTS + 1))
    assert weeks.unit == "week" and weeks.slots[0].tick == "2019-12-30"  # the Monday of the first week
    months = h.timeline_chart(_days(date(2000, 1, 15), 400, every=10))
    assert months.unit == "month" and months.slots[0].tick == "2000-01"
    assert len(months.slots) == (months.last.year - 2000) * 12 + months.last.month


def test_timeline_geometry_fits_the_plot_and_counts_what_it_leaves_out():
    days = [{"date": "2021-03-01", "published_count": 3, "mentioned_count": 8}, {"date": "2021-03-04", "published_count": 1, "mentioned_count": 0},
            {"date": "1815-06-18", "published_count": 0, "mentioned_count": 5}]  # Waterloo: history, not drawn
    t = h.timeline_chart(days)
    assert (t.unit, t.first, t.last, t.outside) == ("day", date(2021, 3, 1), date(2021, 3, 4), 5)
    assert len(t.slots) == 4 and [len(s.bars) for s in t.slots] == [2, 0, 0, 1]
    assert [value for _, value in t.grid] == [0, 2, 4, 6, 8]  # step 2 up to the peak
    tallest = max((b for s in t.slots for b in s.bars), key=lambda b: b.height)
    assert tallest.label == "2021-03-01: 8 dates mentioned" and tallest.y == t.grid[-1][0]  # the peak reaches the top line
    assert all(t.left <= b.x and b.x + b.width <= t.right and abs(b.y + b.height - t.baseline) < 1e-9 for s in t.slots for b in s.bars)
    assert t.slots[0].x < t.slots[1].x < t.slots[3].x and all(s.tick for s in t.slots)  # few slots: every one labelled


def test_sentences_for_expectations():
    assert h.sentence({"expectation_type": "expect_column_values_to_not_be_null", "column": "body", "unexpected_count": 0, "element_count": 1394}) \
        == "body is never null: 0 of 1,394 failed"
    between = {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "word_count", "min_value": 1}}
    assert h.sentence(between) == "word_count is at least 1"
    assert h.sentence({**between, "kwargs": {"column": "n", "min_value": 0, "max_value": 9}}) == "n is between 0 and 9"
    assert h.sentence({"expectation_type": "expect_table_row_count_to_equal", "kwargs": {}}) == "table row count to equal"  # no value to say
    assert h.sentence({"expectation_type": "expect_something_new"}) == "something new"


def test_stage_rows_in_pipeline_order_with_bars_against_the_slowest():
    report = {"stage_seconds": {"publish": 1.0, "zzz": 0.001, "parse": 4.0, "discover": 0.5}, "counts": {"files_seen": 1200, "items_seen": 3}}
    rows = h.stage_rows(report, None)
    assert [r.name for r in rows] == ["discover", "parse", "publish", "zzz"]
    assert [r.bar for r in rows] == [20, 160, 40, 1]  # never under a pixel
    assert rows[0].work == "1,200 files (0 items unchanged)" and rows[2].work == "nothing published" and rows[3].work == ""


def test_cards_and_outcomes():
    assert h.cards({"files_seen": 0, "duplicates": 2, "quarantined": 0}) == [("files seen", 0), ("new articles", 0), ("duplicates", 2)]
    assert h.result_badge({"success": True}) == ("passed", "ok")
    assert h.result_badge({"success": False}) == ("failed", "bad")
    assert h.result_badge({"success": False, "action": "quarantine"}) == ("quarantined", "warn")
    assert h.table_state({"success": True}) == ("passed", "ok", False)
    assert h.table_state({"success": True, "warnings": [{}]}) == ("passed with notes", "warn", True)
    assert h.table_state({"success": False, "failed": [{}]}) == ("failed", "bad", True)
    assert [h.change(d) for d in (0, 1200, -3)] == ["—", "+1,200", "−3"]
    assert [h.shown(v) for v in (None, 1234, 2.50, 0.1234, True, ["a"], "x")] == ["", "1,234", "2.5", "0.123", "True", '["a"]', "x"]


def test_a_failing_validation_is_laid_out_open_with_its_escaped_examples():
    evil = "<img src=x onerror=alert(1)>"
    failing = {"expectation_type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": "^A"}, "success": False,
               "action": "fail", "unexpected_count": 2, "element_count": 10, "unexpected_percent": 20.0, "examples": [evil, "Bob"],
               "sample_rows": [{"name": evil, "n": 1}]}
    validation = {"success": False, "unchecked": [evil], "tables": [
        {"table": "entities", "suite": "entities", "success": False, "evaluated": 2, "rows": 10, "failed": [{}], "warnings": [], "quarantined_by": [],
         "expectations": [failing, {"expectation_type": "expect_column_values_to_be_unique", "column": "id", "success": True, "action": "fail",
                                    "unexpected_count": 0, "element_count": 10}]},
        {"table": "dates", "suite": "dates", "success": True, "evaluated": 0, "rows": 0, "expectations": []},
    ]}
    report = {"run_id": "r1", "status": "validation_failed", "version": None, "current_version": "v000003", "rows": {"articles": 1500},
              "stage_seconds": {"validate": 2.0}}
    html = h.render(report, validation, previous_rows={"articles": 1000}, flow_run={"id": "f", "url": 'http://ui/runs/flow-run/f?a="1"&b'})
    assert "<img" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # an example, a sample row, unchecked
    assert "current version stays v000003" in html and "Nothing was published" in html
    assert '<details open><summary><h3>entities</h3> <span class="badge bad">failed</span>' in html
    assert "name matches ^A: 2 of 10 failed" in html and "2 unexpected of 10 (20%)" in html and "<th>name</th><th>n</th>" in html
    assert "id is unique: 0 of 10 failed" in html and "<details><summary><h3>dates</h3>" in html and "<p>No expectation.</p>" in html
    assert '<td>articles</td><td class="num">1,500</td><td class="num">1,000</td><td class="num">+500</td>' in html
    assert '<a href="http://ui/runs/flow-run/f?a=&#34;1&#34;&amp;b">' in html  # an attribute cannot be broken out of
    assert "<p>No dated articles or mentions.</p>" in html and "<p>Nothing was quarantined by this run.</p>" in html


def test_the_page_carries_its_style_and_loads_nothing():
    html = h.render({"run_id": "r", "status": "published", "version": "v1", "stage_seconds": {"parse": 1.0}},
                    timeline=[{"date": "2020-01-01", "published_count": 1, "mentioned_count": 2}])
    css = (REPO / "newslake" / "report" / "templates" / "report.css").read_text()
    assert f"<style>\n{css}</style>" in html and html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert "default-src 'none'" in html and "<script" not in html and "<link" not in html and "<img" not in html
    assert re.findall(r"(?:src|href)=", html) == []
    assert re.findall(r"https?://[^\"]*", html) == ["http://www.w3.org/2000/svg"]  # the SVG namespace, which is not loaded


def test_the_templates_are_package_data():
    """A non-editable install carries only what package-data names: every template must match it."""
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["newslake.report"]
    package = REPO / "newslake" / "report"
    templates = [p.relative_to(package).as_posix() for p in (package / "templates").rglob("*") if p.is_file()]
    assert templates and all(any(fnmatch(t, pattern) for pattern in patterns) for t in templates), templates


def test_a_validation_without_outcomes_lists_its_failures_in_the_four_columns():
    """The manifest's validation (no per-expectation outcomes) is what render falls back to."""
    summary = {"success": False, "unchecked": [], "tables": [{"table": "articles", "suite": "articles", "success": False, "evaluated": 3, "rows": 5,
               "failed": [{"expectation_type": "expect_column_values_to_be_unique", "column": "article_id", "detail": "2 duplicates", "action": "fail"}],
               "warnings": [], "quarantined_rows": 0, "quarantined_by": []}]}
    html = h.render({"run_id": "r", "status": "validation_failed", "validation": summary})
    row = re.search(r"<tr><td><code>expect_<wbr>column.*?</tr>", html).group(0)
    assert row.count("<td>") == 4 and "on article_id" in row and '<span class="badge bad">failed</span>' in row and "2 duplicates" in row
