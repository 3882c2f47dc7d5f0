"""Shared fixtures: the seed article, a real Prefect test server, and a sample lake."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from newslake.config import use_embedded_environment

use_embedded_environment()
# A run started by a test with no server configured gets Prefect's temporary one, not a
# kept server that would outlive the session; tests/test_server.py turns kept servers on.
os.environ.setdefault("NEWSLAKE_SERVER_IDLE_MINUTES", "0")

# Import the flow (and so configure Prefect's logging) before any test swaps
# sys.stderr: typer's CliRunner replaces the streams and closes them afterwards,
# and a log handler created inside it would write to a closed file later.
import flows.pipeline  # noqa: E402,F401

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
SEED = SAMPLES / "000_803bced9ea77c050.txt"
SHARED = REPO.parent / "shared"
KEPT_IDLE_MINUTES = 60  # the session's kept server outlives a killed session by this much


def two_inboxes(root: Path) -> tuple[Path, Path]:
    """A base inbox (3 sample files) and the same with 2 files more, under `root`: a run
    over the second after one over the first has work."""
    base, full = root / "base", root / "full"
    base.mkdir()
    for name in sorted(p.name for p in SAMPLES.iterdir() if p.suffix == ".txt")[:3]:
        shutil.copy2(SAMPLES / name, base / name)
    shutil.copytree(base, full)
    shutil.copy2(SAMPLES / "wikinews_09_former_us_senator_kay_hagan_dies_at_age_66.json", full / "added.json")
    (full / "added.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    return base, full


def only_article(items):
    """The single article a reader produced, failing with what it produced otherwise."""
    from newslake.readers import RawArticle

    items = list(items)
    assert len(items) == 1 and isinstance(items[0], RawArticle), items
    return items[0]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def kept_home(tmp_path_factory):
    """The Prefect home of one kept server and its preloaded runner for the session, as
    a user's lake has them after its first run: a `newslake run` a test starts with
    `command_env` hands its run to the runner (`newslake.preloaded`), which has Great
    Expectations, the spaCy model and the rest loaded, instead of loading them itself."""
    from newslake import preloaded, server
    from newslake.cli.runner import command
    from newslake.config import load_settings

    home = tmp_path_factory.mktemp("prefect_home")
    server.kept_server(home, timeout=300, idle_minutes=KEPT_IDLE_MINUTES)
    preloaded.start(home, command(home, load_settings().spacy_model))
    deadline = time.monotonic() + 300
    while not preloaded.answering(home):
        assert time.monotonic() < deadline, (home / preloaded.LOG_FILE).read_text()
        time.sleep(0.2)
    yield home
    server.stop_kept_server(home, timeout=0)  # the runner goes with its server; the keeper ends it on its own


def command_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `newslake` command a test starts: the session's kept server
    (found through its home, so the runner takes the run), plus `extra`."""
    environ = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return environ | {"PREFECT_HOME": str(home), "NEWSLAKE_SERVER_IDLE_MINUTES": str(KEPT_IDLE_MINUTES), **extra}


@pytest.fixture(scope="session")
def prefect_server(kept_home):
    """The session's kept server for the flows a test runs in this process, which run
    as the command runs them (`flows.engine`)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.engine import command_runs
    from newslake.server import running_server

    with temporary_settings(updates={PREFECT_API_URL: running_server(kept_home)}), command_runs():
        yield


@pytest.fixture(scope="session")
def sample_lake(prefect_server, tmp_path_factory) -> tuple[Path, dict]:
    """One real run of the flow over the bundled samples, shared by read-only tests."""
    from flows.pipeline import news_pipeline

    lake = tmp_path_factory.mktemp("lake")
    report = news_pipeline(source=str(SAMPLES), lake=str(lake))
    return lake, report


@pytest.fixture
def source_copy(tmp_path) -> Path:
    """A writable copy of the samples, for tests that add or change files."""
    target = tmp_path / "source"
    shutil.copytree(SAMPLES, target)
    return target


def table_of(lake_dir, name: str, version: str | None = None):
    """A table of a lake's current (or given) version, read from the parts its manifest lists."""
    from newslake import schema
    from newslake.lake import Lake
    from newslake.lake.parts import read_parts

    lake = Lake(lake_dir)
    manifest = lake.manifest(version)
    return read_parts(lake, manifest.parts(name), schema.TABLES[name].schema)


def rows_of(lake_dir, table: str, version: str | None = None) -> list[tuple]:
    """A table's rows, sorted and with run metadata (schema.RUN_METADATA) left out: for
    comparing the content of two lakes."""
    import json

    from newslake.lake.content import content_columns

    columns = content_columns(table)
    data = table_of(lake_dir, table, version).select(columns)
    return sorted(tuple(json.dumps(v, default=str) for v in row.values()) for row in data.to_pylist())


_PEOPLE = ("Anna Price", "Tom Hughes", "Sara Khan", "Owen Lloyd", "Ruth Moore", "Liam Walsh", "Jane Fisher", "Paul Grant",
           "Emma Shaw", "Rhys Evans", "Nora Bell", "Adam Cole", "Lucy Ward", "Ian Ross", "Mia Cross", "Joe Hunt")
_PLACES = ("Leeds", "York", "Bristol", "Cardiff", "Glasgow", "Belfast", "Norwich", "Exeter", "Durham", "Chester", "Lincoln", "Oxford")
_BODIES = ("council", "committee", "union", "board", "court", "agency", "company", "club", "school", "hospital")
_VERBS = ("approved", "rejected", "delayed", "announced", "questioned", "defended", "reviewed", "praised", "criticised", "funded")
_THINGS = ("a budget", "new roads", "a bridge", "a strike", "a merger", "the plan", "a festival", "a library", "new homes", "a report")
_WHEN = ("on Monday", "on Tuesday", "last week", "in March", "on Friday", "this year", "in April", "yesterday")


def synthetic_record(i: int) -> dict:
    """A short news record of its own (JSONL fields title/text/published/url): names,
    places and dates for extraction, and sentences drawn by a seeded generator so that
    no two records are near copies."""
    import random

    rng = random.Random(i)
    sentences = []
    for _ in range(6):
        person, place = rng.choice(_PEOPLE), rng.choice(_PLACES)
        sentences.append(
            f"The {rng.choice(_BODIES)} of {place} {rng.choice(_VERBS)} {rng.choice(_THINGS)} {rng.choice(_WHEN)}, "
            f"and {person} said {rng.randint(2, 900)} people would be affected."
        )
    place = rng.choice(_PLACES)
    return {
        "title": f"{place} story {i}: {rng.choice(_BODIES)} {rng.choice(_VERBS)} {rng.choice(_THINGS)}",
        "text": " ".join(sentences),
        "published": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "url": f"https://news.example.org/{i}",
    }


def write_jsonl(path: Path, records) -> Path:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_json_list(path: Path, records) -> Path:
    """Records as one JSON list, an item a line, as exporters write them."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n", encoding="utf-8")
    return path


def write_warc(path: Path, records, gzip: bool = True) -> Path:
    """Records as HTML responses of a WARC (a warcinfo record first, so record n+1 is the
    n-th page), written by warcio; a record without "text" is a page without text."""
    import html
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newslake tests"}))
        for i, r in enumerate(records):
            title = html.escape(r.get("title", ""))
            body = "".join(f"<p>{html.escape(s)}.</p>" for s in r.get("text", "").split(". ") if s)
            dated = f'<meta property="article:published_time" content="{r["published"]}">' if r.get("published") else ""
            page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{dated}</head>'
                    f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                r.get("url", f"https://news.example.org/page/{i}"), "response", payload=io.BytesIO(page), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2022-06-01T12:00:00Z"},
            ))
    return path


WRITERS = {"jsonl": write_jsonl, "json": write_json_list, "warc.gz": write_warc}  # the formats read in pieces


# `e2e`: the test runs the real flow, a Prefect server or the `newslake` command in a
# process of its own. `make check` runs the others (pure functions, DuckDB, GX and spaCy
# on in-memory data) in about a minute.
E2E_FIXTURES = {"prefect_server", "sample_lake", "api_url", "kept_home"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
    # The modules with end-to-end tests first, each kept whole (its fixtures are set up
    # once): the long tests start early, and the short ones fill in at the end.
    slow = {item.module for item in items if item.get_closest_marker("e2e")}
    items.sort(key=lambda item: item.module not in slow)
