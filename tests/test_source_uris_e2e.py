"""One name, one item, end to end: real runs of the `newslake run` command (a file
rewritten or truncated at the moment it is read, through the `parse.read` pause), a
lake inside its own source, and a lake written before names were escaped. After each,
the lake verifies and no item is lost or doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute  # noqa: F401
import pytest
from typer.testing import CliRunner

from newslake import failpoints
from newslake.ingest import ledger
from newslake.ingest import batch as ingest
from newslake.cli import app
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs

from conftest import REPO, table_of

pytestmark = pytest.mark.e2e
runner = CliRunner()


def story(title: str) -> str:
    return f"{title}\n\nMarch 3, 2021\n\nThe council of Ghent met on Monday about {title.lower()}, and its leader said more would follow.\n"


def feed(n: int) -> str:
    return "".join(json.dumps({"title": f"Feed story {i}", "text": story(f"Feed story {i}")}) + "\n" for i in range(n))


def run(source: Path, lake: Path) -> tuple[int, str]:
    """`newslake run --no-extract`, in this process (on the session's Prefect server)."""
    result = runner.invoke(app, ["run", "--source", str(source), "--lake", str(lake), "--no-extract"])
    return result.exit_code, result.output


def paused_run(source: Path, lake: Path, pause: Path, act, monkeypatch) -> tuple[int, str]:
    """A run that stops with its first source file open (size and mtime taken, bytes not
    yet read) while `act()` runs, in a thread that waits for the pause."""
    done, acted = threading.Event(), []

    def actor() -> None:
        while not (pause / "parse.read.reached").exists():
            if done.wait(0.05):
                return  # the run ended without pausing: `acted` stays empty
        try:
            act()
            acted.append(True)
        finally:
            (pause / "parse.read.go").touch()

    with monkeypatch.context() as armed:
        armed.setenv(failpoints.PAUSE_ENV, "parse.read")
        armed.setenv(failpoints.PAUSE_DIR_ENV, str(pause))
        thread = threading.Thread(target=actor, daemon=True)
        thread.start()
        try:
            outcome = run(source, lake)
        finally:
            done.set()
            thread.join(30)
    assert acted, "the run never paused at parse.read"
    return outcome


def runs_of(lake: Path) -> list[dict]:
    return sorted(read_runs(Lake(lake)).to_pylist(), key=lambda r: r["started_at"])


def assert_verified(lake: Path) -> None:
    result = runner.invoke(app, ["verify", "--all", "--lake", str(lake)])
    assert result.exit_code == 0, result.output


def assert_one_row_per_uri(lake: Path) -> None:
    uris = table_of(lake, "ledger").column("source_uri").to_pylist()
    assert len(uris) == len(set(uris))
    ids = table_of(lake, "articles").column("article_id").to_pylist()
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("writer_ends_with", [10, 3], ids=["rewritten-in-place", "truncated"])
def test_a_file_changed_while_read_is_held_back_and_read_by_the_next_run(prefect_server, tmp_path, monkeypatch, writer_ends_with):
    source, lake, pause = tmp_path / "inbox", tmp_path / "lake", tmp_path / "pause"
    source.mkdir()
    pause.mkdir()
    target = source / "feed.jsonl"
    target.write_text(feed(10))
    (source / "plain.txt").write_text(story("Plain story"))

    def rewrite() -> None:  # in place, as an editor or a log writer does: the run sees 3 lines
        with target.open("r+") as out:
            out.truncate(0)
            out.write(feed(3))

    code, out = paused_run(source, lake, pause, rewrite, monkeypatch)
    assert code == 0, out
    assert "held back" in out and "Traceback" not in out
    last = runs_of(lake)[-1]
    assert (last["status"], last["held_back"], last["new_articles"]) == ("published", 1, 1)
    assert last["items_seen"] == last["new_articles"] + last["duplicates"] + last["unchanged"] + last["quarantined"] == 1
    assert "feed.jsonl" not in table_of(lake, "ledger").column("source_uri").to_pylist()  # not recorded as read
    assert_verified(lake)

    target.write_text(feed(writer_ends_with))  # the writer is done
    code, out = run(source, lake)
    assert code == 0, out
    last = runs_of(lake)[-1]
    assert (last["held_back"], last["new_articles"]) == (0, writer_ends_with)
    titles = sorted(table_of(lake, "articles").column("title").to_pylist())
    assert titles == sorted(["Plain story"] + [f"Feed story {i}" for i in range(writer_ends_with)])
    assert_one_row_per_uri(lake)
    assert_verified(lake)


def test_a_file_held_back_while_it_gives_back_an_article_gives_it_back_next_run(prefect_server, tmp_path, monkeypatch):
    """b.txt is a copy of a.txt; a.txt goes, so b.txt is read to give its article back,
    and is touched at that moment. The article is out of the version, and back in the next."""
    source, lake, pause = tmp_path / "inbox", tmp_path / "lake", tmp_path / "pause"
    source.mkdir()
    pause.mkdir()
    for name in ("a.txt", "b.txt"):
        (source / name).write_text(story("Copied story"))
    (source / "c.txt").write_text(story("Other story"))
    code, out = run(source, lake)
    assert code == 0, out
    (source / "a.txt").unlink()
    code, out = paused_run(source, lake, pause, lambda: os.utime(source / "b.txt"), monkeypatch)
    assert code == 0, out
    assert runs_of(lake)[-1]["held_back"] == 1
    assert sorted(table_of(lake, "articles").column("title").to_pylist()) == ["Other story"]
    code, out = run(source, lake)
    assert code == 0, out
    assert sorted(table_of(lake, "articles").column("title").to_pylist()) == ["Copied story", "Other story"]
    assert table_of(lake, "articles").filter(pa.compute.equal(table_of(lake, "articles").column("title"), "Copied story")
                                             ).column("source_uri").to_pylist() == ["b.txt"]
    assert_one_row_per_uri(lake)
    assert_verified(lake)


def test_a_lake_inside_its_source_does_not_read_itself(prefect_server, tmp_path):
    source = tmp_path / "inbox"
    source.mkdir()
    lake = source / "lake"
    for title in ("Harbour story", "Tram story"):
        (source / f"{title.split()[0].lower()}.txt").write_text(story(title))
    code, out = run(source, lake)
    assert code == 0, out
    code, out = run(source, lake)  # now the lake holds parts, manifests, a warehouse
    assert code == 0, out
    runs = runs_of(lake)
    assert [(r["status"], r["files_seen"], r["quarantined"]) for r in runs] == [("published", 2, 0), ("nothing_new", 2, 0)]
    assert table_of(lake, "quarantine").num_rows == 0 and table_of(lake, "articles").num_rows == 2
    assert_verified(lake)

    inside = subprocess.run([sys.executable, "-m", "newslake.cli", "run", "--source", str(lake / "parts"), "--lake", str(lake)],
                            env={**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}, cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    lines = [line for line in inside.stderr.splitlines() if line.strip()]
    assert inside.returncode == 2 and len(lines) == 1 and "lies inside the lake" in lines[0], inside.stderr
    assert runs_of(lake)[-1]["status"] == "failed" and runs_of(lake)[-1]["files_seen"] == 0  # refused before it read anything
    assert Lake(lake).current_version() == "v000001" and table_of(lake, "articles").num_rows == 2
    assert_verified(lake)


def _legacy_uri_of(relative: str) -> str:
    """How names became URIs before they were escaped."""
    try:
        relative.encode("utf-8")
        return relative
    except UnicodeEncodeError:
        return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def test_a_lake_written_before_names_were_escaped_takes_such_files_as_moved(prefect_server, tmp_path, monkeypatch):
    """Only names with "%", "#", "!" (or bytes that are not UTF-8) change URI; the next
    run takes those files as moved: their old rows go, their articles stay, once."""
    from flows.pipeline import news_pipeline

    import zipfile

    source, lake = tmp_path / "inbox", tmp_path / "lake"
    source.mkdir()
    (source / "a#b.jsonl").write_text(feed(2))
    (source / "plain.txt").write_text(story("Plain story"))
    with zipfile.ZipFile(source / "x.zip", "w") as archive:
        archive.writestr("p!q#1.txt", story("Zipped story"))
    with monkeypatch.context() as old:
        old.setattr(ledger, "uri_of", _legacy_uri_of)
        old.setattr(ingest, "member_uri", lambda archive, name, ordinal=1: f"{archive}!{name}")
        first = news_pipeline(source=str(source), lake=str(lake), extract=False)
    assert first["status"] == "published"
    before = table_of(lake, "articles")
    assert "a#b.jsonl#L1" in before.column("source_uri").to_pylist()

    second = news_pipeline(source=str(source), lake=str(lake), extract=False)
    assert second["status"] == "published", second
    after = table_of(lake, "articles")
    assert sorted(after.column("article_id").to_pylist()) == sorted(before.column("article_id").to_pylist())
    uris = set(after.column("source_uri").to_pylist())
    assert {"a%23b.jsonl#L1", "a%23b.jsonl#L2", "plain.txt"} <= uris and not any(u.startswith("a#b") for u in uris)
    assert not any(u.startswith("a#b") for u in table_of(lake, "ledger").column("source_uri").to_pylist())
    assert_one_row_per_uri(lake)
    assert news_pipeline(source=str(source), lake=str(lake), extract=False)["status"] == "nothing_new"
    assert_verified(lake)
