"""Faults injected into real runs: kill -9 at each stage, a full disk at each write, a
corrupted part. After each, `current` is a whole verified version, the runs log
agrees with it, and the next run ends with the content of a clean run: no row lost
or duplicated. Real CLI subprocesses (kills, messages), real flow, DuckDB, GX, spaCy.

Cost is kept down by sharing: one module-scoped base lake (3 files) and one clean
reference (the base plus 2 files); the kills before the switch chain on one copy of
the base, the two at and after it copy the base and run twice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newslake import schema
from newslake.cli import app
from newslake.failpoints import ENOSPC_ENV, ENV, POINTS, WRITES
from newslake.lake import Lake
from newslake.lake.runs_log import read_runs

from conftest import REPO, SAMPLES, command_env, rows_of, table_of, two_inboxes

runner = CliRunner()
CONTENT = [t for t in schema.TABLES if t != "runs"]  # every data table; runs is run metadata


def cli(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = command_env(home, NEWSLAKE_BATCH_SIZE="2", NEWSLAKE_EXTRACT_BATCH_SIZE="2", PREFECT_LOGGING_LEVEL="WARNING", **env)
    return subprocess.run([sys.executable, "-m", "newslake.cli", *args], env=environ, cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def content(lake_dir: Path) -> dict[str, list[tuple]]:
    """Every data table's rows; signatures less `seq`, a surrogate numbered by version."""
    found = {table: rows_of(lake_dir, table) for table in CONTENT if table != "signatures"}
    signatures = table_of(lake_dir, "signatures").drop_columns(["seq"]).to_pylist()
    found["signatures"] = sorted((r["article_id"], r["signature"], str(r["bands"])) for r in signatures)
    return found


def assert_no_repeats(lake_dir: Path) -> None:
    for table, key in (("articles", "article_id"), ("ledger", "source_uri"), ("runs", "run_id")):
        values = table_of(lake_dir, table).column(key).to_pylist()
        assert len(values) == len(set(values)), table


def assert_no_garbage(lake: Lake) -> None:
    """No file under parts/ that no version lists: a killed run's leftovers are gone."""
    listed = {p.path for v in lake.versions() for t in lake.manifest(v).tables.values() for p in t.parts}
    assert {p.relative_to(lake.root).as_posix() for p in lake.parts_root.rglob("*") if p.is_file()} == listed


def assert_verified(lake_dir: Path) -> None:
    result = runner.invoke(app, ["verify", "--all", "--lake", str(lake_dir)])
    assert result.exit_code == 0, result.output


def copy_lake(source: Path, target: Path) -> Lake:
    """A copy that keeps the hard links between versions (as the lake has them)."""
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    return Lake(target)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> tuple[Path, Path]:
    """The base inbox (3 files) and the same inbox with 2 files more."""
    return two_inboxes(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="module")
def base_lake(prefect_server, sources, tmp_path_factory) -> Path:
    from flows.pipeline import news_pipeline

    lake = tmp_path_factory.mktemp("base") / "lake"
    assert news_pipeline(source=str(sources[0]), lake=str(lake))["status"] == "published"
    return lake


@pytest.fixture(scope="module")
def reference(prefect_server, sources, base_lake, tmp_path_factory) -> Path:
    """The base lake plus a clean run over the full inbox: what every faulted lake must end as."""
    from flows.pipeline import news_pipeline

    lake = copy_lake(base_lake, tmp_path_factory.mktemp("reference") / "lake").root
    assert news_pipeline(source=str(sources[1]), lake=str(lake))["status"] == "published"
    return lake


# ----------------------------------------------------------------------------- kill -9


SWITCH = POINTS.index("commit.before_switch")
# Kills before the switch leave nothing visible, so they chain: each run on the lake is
# killed at the next point, and recovers from the kill before it. A kill at or after
# the switch publishes, so each of those starts from the base lake.
CHAINS = [POINTS[:SWITCH], *([p] for p in POINTS[SWITCH:] if not p.startswith("checkpoint."))]  # tests/test_backfill.py kills between checkpoints


@pytest.mark.parametrize("chain", CHAINS, ids=["+".join(c) for c in CHAINS])
def test_a_kill_at_each_stage_leaves_a_whole_lake_and_the_next_run_recovers(kept_home, sources, base_lake, reference, tmp_path, chain):
    lake = copy_lake(base_lake, tmp_path / "lake")
    for point in chain:
        killed = cli("run", "--source", str(sources[1]), "--lake", str(lake.root), home=kept_home, **{ENV: point})
        assert killed.returncode == -9, (point, killed.stderr[-2000:])
        assert lake.current_version() in ("v000001", "v000002")
        if POINTS.index(point) < SWITCH:
            assert lake.current_version() == "v000001", point  # nothing the killed run wrote is visible
        assert_verified(lake.root)

    finished = cli("run", "--source", str(sources[1]), "--lake", str(lake.root), home=kept_home)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert content(lake.root) == content(reference)
    assert_no_repeats(lake.root)
    assert_verified(lake.root)
    assert_no_garbage(lake)
    statuses = [r["status"] for r in read_runs(lake).to_pylist()]
    assert statuses.count("published") == 2, statuses  # a killed run is published once or not at all


# ----------------------------------------------------------------------------- full disk


CITIES = ("Leeds", "York", "Bristol", "Cardiff", "Glasgow", "Belfast", "Norwich", "Exeter", "Durham", "Bath",
          "Chester", "Lincoln", "Oxford", "Cambridge", "Dundee", "Swansea", "Preston", "Derby")
MAYORS = ("Anna Price", "Tom Hughes", "Sara Khan", "Owen Lloyd", "Ruth Moore", "Liam Walsh", "Jane Fisher", "Paul Grant",
          "Emma Shaw", "Rhys Evans", "Nora Bell", "Adam Cole", "Lucy Ward", "Ian Ross", "Mia Cross", "Joe Hunt", "Kate Rowe", "Ben Lane")


def article(i: int) -> str:
    """A short English news story of its own: entities, a date, no near copy of another."""
    city, mayor = CITIES[i], MAYORS[i]
    return (
        f"{city} council approves a budget for schools\n\nMarch {i + 1}, 2021\n\n"
        f"The city council of {city} voted on Tuesday to approve a budget of {i + 2} million pounds for new schools "
        f"and roads. Mayor {mayor} said the plan would help families across the region. The vote in {city} followed "
        f"weeks of debate with local businesses, and {mayor} promised that work would begin in April.\n"
    )


def test_a_full_disk_at_each_write(prefect_server, sources, base_lake, reference, tmp_path, monkeypatch):
    """Every write of a run fails once as ENOSPC, one run after another on one lake (in
    this process: the model loads once). Each run ends as `failed` with the old version
    current, or as `published` (a write after the switch), and the runs log says so; the
    last run then leaves exactly the clean reference content: nothing lost, nothing twice."""
    from flows.pipeline import news_pipeline
    from newslake.config import load_settings
    from newslake.pipeline.session import run_if_nothing_new

    lake = copy_lake(base_lake, tmp_path / "lake")
    inbox = tmp_path / "inbox"
    shutil.copytree(sources[0], inbox)
    outcomes = {}
    for i, write in enumerate(WRITES):
        # something new each time: an article and a file to quarantine
        (inbox / f"step_{i}.txt").write_text(article(i))
        (inbox / f"step_{i}.json").write_text("{not json " + str(i))
        before = lake.current_version()
        monkeypatch.setenv(ENOSPC_ENV, write)
        try:
            settings = load_settings(source=inbox, lake=lake.root)
            report = run_if_nothing_new(settings) or news_pipeline(source=str(inbox), lake=str(lake.root))
            status, error = report["status"], None
        except OSError as exc:
            status, error, report = "failed", exc, None
        monkeypatch.delenv(ENOSPC_ENV)
        logged = {r["run_id"]: r for r in read_runs(lake).to_pylist()}
        last = max(logged)
        if status == "failed":
            assert lake.current_version() == before, write
            assert error.filename and str(lake.root) in error.filename, (write, error)
            assert logged[last]["status"] == "failed" and logged[last]["published_version"] is None, write
        else:
            assert status == "published" and lake.current_version() != before, write
            assert any("No space left on device" in n for n in report["notes"]), report["notes"]
            if write != "runs_log":
                assert logged[last]["status"] == "published", write
            assert report["counts"]["duplicates"] == 0
        assert_verified(lake.root)
        outcomes[write] = (status, lake.current_version(), report["run_id"] if report else None)

    published = {w for w, (status, _, _) in outcomes.items() if status == "published"}
    assert published == {"runs_log", "warehouse", "report"}, outcomes  # the writes after the switch
    logged = {r["run_id"]: r for r in read_runs(lake).to_pylist()}
    for write in published:  # a row the full disk kept out of the log was written by the next run
        status, version, run_id = outcomes[write]
        assert logged[run_id]["status"] == "published" and logged[run_id]["published_version"] == version
    final = news_pipeline(source=str(inbox), lake=str(lake.root))  # the last write (the report) published
    assert final["status"] == "nothing_new" and final["counts"]["unchanged"] == len(list(inbox.iterdir()))
    assert_no_repeats(lake.root)
    statuses = [r["status"] for r in read_runs(lake).to_pylist()]
    assert len(statuses) == len(WRITES) + 2  # the base run, every faulted run, the last one

    clean = tmp_path / "clean"
    news_pipeline(source=str(inbox), lake=str(clean))
    assert content(lake.root) == content(clean)


def test_a_full_disk_is_one_line_naming_the_path(kept_home, sources, base_lake, tmp_path):
    lake = copy_lake(base_lake, tmp_path / "lake")
    failed = cli("run", "--source", str(sources[1]), "--lake", str(lake.root), "--no-extract", home=kept_home,
                 **{ENOSPC_ENV: "part.ledger"})
    assert failed.returncode == 1, failed.stderr[-2000:]
    assert "Traceback" not in failed.stderr
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0] and str(lake.root / "parts" / "ledger") in errors[0]
    assert "current version: v000001" in errors[0]
    assert lake.current_version() == "v000001"
    assert read_runs(lake).to_pylist()[-1]["status"] == "failed"


# ----------------------------------------------------------------------------- a corrupted part


def _flip(path: Path, at: int = 64) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, at + 4):
        data[i] ^= 0xFF
    path.write_bytes(data)


def test_a_corrupted_part_is_named_refused_and_rebuilt(kept_home, sources, reference, tmp_path):
    lake = copy_lake(reference, tmp_path / "lake")
    before = content(lake.root)
    shared = [p for p in lake.manifest("v000002").parts("articles") if p in lake.manifest("v000001").parts("articles")][0]
    _flip(lake.path_of(shared))  # hard links: broken in both versions at once

    found = runner.invoke(app, ["verify", "--all", "--lake", str(lake.root)])
    assert found.exit_code == 1
    assert found.output.count(shared.path) == 2  # named in v000001 and in v000002

    inbox = tmp_path / "inbox"
    shutil.copytree(sources[1], inbox)
    (inbox / "later.txt").write_text("Another story\n\nMarch 9, 2021\n\nThe mayor of York spoke on Friday.\n")
    refused = cli("run", "--source", str(inbox), "--lake", str(lake.root), home=kept_home)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and shared.path in errors[0] and shared.sha256 in errors[0], refused.stderr[-2000:]
    assert lake.current_version() == "v000002"
    (inbox / "later.txt").unlink()

    repaired = cli("repair", "--lake", str(lake.root), home=kept_home)
    assert repaired.returncode == 0, repaired.stderr[-2000:]
    assert f"no good copy of {shared.path}" in repaired.stderr
    assert "rebuilt v000003" in repaired.stdout and "v000001, v000002" in repaired.stdout
    assert_verified(lake.root)
    assert content(lake.root) == before
    assert_no_repeats(lake.root)


def test_repair_restores_a_part_from_a_good_copy_in_every_version(reference, tmp_path):
    lake = Lake(tmp_path / "lake")
    shutil.copytree(reference, lake.root, symlinks=True)  # a copied lake: each version folder has its own files
    before = content(lake.root)
    shared = [p for p in lake.manifest("v000002").parts("entity_mentions") if p in lake.manifest("v000001").parts("entity_mentions")][0]
    _flip(lake.path_of(shared))
    _flip(lake.published / "v000002" / shared.path.split("/", 1)[1])

    result = runner.invoke(app, ["repair", "--lake", str(lake.root)])
    assert result.exit_code == 0, result.output
    assert f"restored {shared.path}" in result.output and "v000001, v000002" in result.output
    assert str(lake.published / "v000001") in result.output  # the one good copy left
    assert_verified(lake.root)
    assert content(lake.root) == before
    assert os.path.samefile(lake.path_of(shared), lake.published / "v000002" / shared.path.split("/", 1)[1])
    assert "nothing to repair" in runner.invoke(app, ["repair", "--lake", str(lake.root)]).output


def test_an_unknown_fault_name_is_refused(monkeypatch):
    """A test cannot wait for a point or a write that no longer exists."""
    from newslake.failpoints import disk_write, failpoint

    monkeypatch.setenv(ENV, "no.such.point")
    with pytest.raises(ValueError, match="unknown name"):
        failpoint("parse.after_batch")
    monkeypatch.setenv(ENOSPC_ENV, "no.such.write")
    with pytest.raises(ValueError, match="unknown name"):
        disk_write("manifest", "x")


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
