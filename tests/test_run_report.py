"""The run report: an HTML page per run, its Prefect artifacts, and that it loads nothing."""

from __future__ import annotations

import json
from collections import Counter
from html import escape
import re
import os
import shutil
import stat
import subprocess
import sys

import pytest

from newslake.validate import ValidationFailed
from tests.conftest import REPO, table_of

SCREENSHOT = REPO / "bench" / "report_screenshot.py"


def _has_browser() -> bool:
    sys.path.insert(0, str(SCREENSHOT.parent))
    try:
        from report_screenshot import find_browser
    finally:
        sys.path.pop(0)
    return find_browser() is not None


# .ci/run installs chromium: on CI a missing browser is a failure, elsewhere a skip
needs_browser = pytest.mark.skipif(not _has_browser() and not os.environ.get("CI"), reason="chromium and chromium-driver are not installed")


def _flow_run(source, lake, **kwargs):
    """The flow's report and its flow run id (for reading its artifacts back)."""
    from flows.pipeline import news_pipeline

    state = news_pipeline(source=str(source), lake=str(lake), return_state=True, **kwargs)
    return state.result(), state.state_details.flow_run_id


def _artifacts(flow_run_id):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))


def test_published_run_writes_its_report_and_artifacts(prefect_server, tmp_path, source_copy):
    from flows.pipeline import RUN_ARTIFACT, RUN_TABLE_ARTIFACT

    (source_copy / "bad.txt").write_bytes(b"\x00\x01\x02" * 50)
    report, flow_run_id = _flow_run(source_copy, tmp_path / "lake")
    assert report["status"] == "published"
    page = tmp_path / "lake" / "runs" / report["run_id"] / "report.html"
    assert report["html_report"] == str(page) and page.is_file()
    assert page.stat().st_mode & stat.S_IROTH
    html = page.read_text(encoding="utf-8").replace("<wbr>", "")  # names wrap at underscores
    for section in ("Stages", "Articles and mentions over time", "Validation gates", "Quarantine", "Top entities", "Top speakers"):
        assert f"<h2>{section}</h2>" in html
    # the top speaker: the entity the published quotes resolve to most often
    entity_of = {r["alias_id"]: r["entity_id"] for r in table_of(tmp_path / "lake", "entity_aliases").to_pylist()}
    name_of = {r["entity_id"]: r["name"] for r in table_of(tmp_path / "lake", "entities").to_pylist()}
    quoted = Counter(entity_of[q["speaker_alias_id"]] for q in table_of(tmp_path / "lake", "quotes").to_pylist() if q["speaker_alias_id"])
    assert quoted, "the samples hold quotes whose speakers resolve"
    most = max(quoted.values())
    speakers = html[html.index("<h2>Top speakers</h2>"):]
    first_row = re.search(r"<tr><td>(.*?)</td>.*?<td class=\"num\">(\d+)</td>", speakers)
    assert first_row.group(1) in {escape(name_of[e]) for e, n in quoted.items() if n == most} and int(first_row.group(2)) == most
    # the flow run, linked into the Prefect UI: a link the reader may follow, never a load
    link = f"/runs/flow-run/{flow_run_id}"
    assert f"Prefect flow run <code>{flow_run_id}</code>" in html and link in html
    loads = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    loads = loads.replace(loads[loads.index('<a href="', loads.index("Prefect flow run")):loads.index(link) + len(link)], "")
    assert "<svg" in html and "<script" not in html and "http://" not in loads
    assert "expect_column_values_to_not_be_null" in html and "observed" in html
    # each expectation in words, with its action and its count
    assert "<th>on failure</th>" in html and "quarantine</td>" in html and "fail</td>" in html
    assert re.search(r"body is never null: 0 of \d+ failed", html)
    assert "left off the timeline" in html or "Every article is on the timeline." in html
    assert "<code>binary</code>" in html and "bad.txt" in html  # the quarantine reason, with its example
    # every Prefect log line of the run is in its folder, whatever the terminal showed
    log = (page.parent / "prefect.log").read_text(encoding="utf-8")
    assert "expectations passed" in log and "Finished in state Completed()" in log
    # validation.json holds every expectation's outcome, not just the failures
    saved = json.loads((page.parent / "validation.json").read_text())
    assert all("expectations" in t and len(t["expectations"]) == t["evaluated"] for t in saved["tables"])

    found = {a.key: a for a in _artifacts(flow_run_id)}
    assert {RUN_ARTIFACT, RUN_TABLE_ARTIFACT} <= set(found)
    assert str(page) in found[RUN_ARTIFACT].data
    table = found[RUN_TABLE_ARTIFACT].data
    table = json.loads(table) if isinstance(table, str) else table
    assert {"item": "report", "value": str(page)} in table

    # the next version's page gives the change from this one, table by table
    (source_copy / "later.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council of Leeds met on Tuesday.\n")
    second, _ = _flow_run(source_copy, tmp_path / "lake")
    html = open(second["html_report"], encoding="utf-8").read()
    assert "the change from the one before" in html
    before, after = report["rows"]["articles"], second["rows"]["articles"]
    assert f"<td>articles</td><td class=\"num\">{after}</td><td class=\"num\">{before}</td><td class=\"num\">+{after - before}</td>" in html


def test_failed_validation_report_says_why(prefect_server, tmp_path, source_copy):
    strict = tmp_path / "strict"
    shutil.copytree(REPO / "expectations", strict)
    suite = json.loads((strict / "entities.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_match_regex", "kwargs": {"column": "name", "regex": "^Zq"}})
    (strict / "entities.json").write_text(json.dumps(suite))
    with pytest.raises(ValidationFailed) as failed:
        _flow_run(source_copy, tmp_path / "lake", expectations_dir=str(strict))
    page = failed.value.report["html_report"]
    html = open(page, encoding="utf-8").read().replace("<wbr>", "")
    assert "Nothing was published" in html and "validation_failed" in html
    assert "expect_column_values_to_match_regex" in html and "sample failing rows" in html
    assert "<details open>" in html
    assert "runs" not in (failed.value.report.get("rows") or {})  # nothing claims to be published


def test_text_is_escaped():
    from newslake.report.page import render

    evil = "<script>alert('x')</script>"
    report = {"run_id": evil, "status": "published", "counts": {"files_seen": 1}, "stage_seconds": {"parse": 1.0}, "notes": [evil]}
    html = render(report, {"success": True, "tables": []}, entities=[{"name": evil, "label": "PERSON", "mention_count": 2, "article_count": 1}],
                  timeline=[{"date": "2020-01-01", "published_count": 1, "mentioned_count": 3}],
                  quarantine=[{"reason": "binary", "count": 1, "examples": [{"source_uri": evil, "line": None, "detail": evil}]}])
    assert "<script" not in html and "&lt;script&gt;" in html


@needs_browser
def test_screenshot_renders_the_report_without_network(prefect_server, tmp_path, source_copy):
    report, _ = _flow_run(source_copy, tmp_path / "lake")
    png = tmp_path / "report.png"
    done = subprocess.run([sys.executable, str(SCREENSHOT), report["html_report"], "-o", str(png)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "network requests: 0" in done.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


@needs_browser
def test_screenshot_fails_on_a_network_request(tmp_path):
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/pixel.png"></body></html>')
    done = subprocess.run([sys.executable, str(SCREENSHOT), str(page), "-o", str(tmp_path / "x.png")], capture_output=True, text=True, timeout=180)
    assert done.returncode == 1 and "http://127.0.0.1:9/pixel.png" in done.stderr


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
