"""Operating newslake: one publisher per lake, runs that cost nothing when nothing is
new, progress, the runs list, and a served schedule on a real Prefect server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newslake.cli import app
from newslake.lake import Lake, publisher_lock
from newslake.lake.runs_log import read_runs
from newslake.server import STATE_FILE, free_port, healthy

from conftest import REPO, SAMPLES, command_env, rows_of, table_of
from test_signals import Watched

runner = CliRunner()


def small_inbox(folder: Path, n: int = 3) -> Path:
    folder.mkdir()
    for name in sorted(p.name for p in SAMPLES.iterdir() if p.suffix == ".txt")[:n]:
        shutil.copy2(SAMPLES / name, folder / name)
    return folder


def cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newslake.cli", *args],
        env={**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", **(env or {})},
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.fixture(scope="module")
def api_url(prefect_server) -> str:
    import prefect.settings

    return prefect.settings.get_current_settings().api.url


def test_a_second_publisher_exits_with_a_message_or_waits(kept_home, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    lake = Lake(tmp_path / "lake")
    with publisher_lock(lake):  # another process holds the lake
        busy = cli("run", "--source", str(inbox), "--lake", str(lake.root), "--no-extract", env=command_env(kept_home))
        out, errors = busy.communicate(timeout=300)
    assert busy.returncode == 2
    assert "another newslake run is publishing to" in errors and "Traceback" not in errors
    assert lake.current_version() is None

    # three at once: two over the same inbox, one over another (adding to the lake):
    # they publish one after the other, and every file of both inboxes ends published once
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy2(SAMPLES / "wikinews_09_former_us_senator_kay_hagan_dies_at_age_66.json", other / "added.json")
    (other / "added.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    waiting = command_env(kept_home, NEWSLAKE_LOCK_WAIT="-1", NEWSLAKE_DELETED_FILES="keep")
    runs = [cli("run", "--source", str(folder), "--lake", str(lake.root), "--no-extract", env=waiting) for folder in (inbox, other, inbox)]
    for proc in runs:
        out, errors = proc.communicate(timeout=300)
        assert proc.returncode == 0, errors[-2000:]
    assert lake.versions() == ["v000001", "v000002"]
    assert lake.manifest("v000002").previous_version == "v000001"
    statuses = sorted(r["status"] for r in read_runs(lake).to_pylist())
    assert statuses == ["nothing_new", "published", "published"]
    articles = table_of(lake.root, "articles").column("source_uri").to_pylist()
    assert len(articles) == len(set(articles)) == 5  # 3 + 2: nothing lost, nothing twice
    ledger = table_of(lake.root, "ledger").column("source_uri").to_pylist()
    assert sorted(ledger) == sorted([p.name for p in inbox.iterdir()] + ["added.json", "added.txt"])


def test_a_lock_dies_with_its_process(tmp_path):
    lake = Lake(tmp_path / "lake")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from newslake.lake import Lake, publisher_lock\n"
         f"with publisher_lock(Lake({str(lake.root)!r})):\n    print('held', flush=True); time.sleep(600)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with publisher_lock(lake):  # no stale lock to clear by hand
        pass


def test_nothing_new_is_decided_without_prefect(prefect_server, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    lake = tmp_path / "lake"
    assert runner.invoke(app, ["run", "--source", str(inbox), "--lake", str(lake), "--no-extract", "--quiet"]).exit_code == 0
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom newslake.cli import app\ntry:\n"
         f"    app(['run', '--source', {str(inbox)!r}, '--lake', {str(lake)!r}, '--quiet'])\n"
         "except SystemExit:\n    pass\nprint('prefect imported:', 'prefect' in sys.modules)"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert "prefect imported: False" in probe.stdout, probe.stdout + probe.stderr
    assert "nothing_new" in probe.stdout
    runs = read_runs(Lake(lake)).to_pylist()
    assert [r["status"] for r in runs] == ["published", "nothing_new"]


def test_progress_lines_quiet_and_the_summary(prefect_server, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    result = runner.invoke(app, ["run", "--source", str(inbox), "--lake", str(tmp_path / "lake"), "--no-extract"])
    assert result.exit_code == 0, result.output
    assert "parse: 3 of 3 files" in result.stderr  # no terminal: plain progress lines
    assert "discover: 3 files" in result.stderr
    summary = dict(line.split(None, 1) for line in result.stdout.splitlines() if line[:1].isalpha() and " " in line)
    assert summary["time"].split()[1] == "s" and "parse" in summary["time"]

    (inbox / "later.txt").write_text("A later story\n\nMarch 3, 2021\n\nThe council met in Leeds on Tuesday.\n")
    quiet = runner.invoke(app, ["run", "--source", str(inbox), "--lake", str(tmp_path / "lake"), "--no-extract", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert "published" in quiet.stdout and "Try:" not in quiet.stdout


def test_runs_lists_recent_runs(prefect_server, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    lake = tmp_path / "lake"
    for _ in range(3):
        runner.invoke(app, ["run", "--source", str(inbox), "--lake", str(lake), "--no-extract", "--quiet"])
    result = runner.invoke(app, ["runs", "--lake", str(lake), "-n", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.count("nothing_new") == 2 and "published" not in result.output
    assert "the next `newslake run` starts one" in result.output  # no server is up: says how to get one
    missing = runner.invoke(app, ["runs", "--lake", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no lake at" in missing.output

    as_json = json.loads(runner.invoke(app, ["runs", "--lake", str(lake), "--json"]).stdout)
    logged = read_runs(Lake(lake)).to_pylist()
    assert [r["run_id"] for r in as_json] == [r["run_id"] for r in reversed(logged)]  # newest first, as the table
    assert as_json[-1]["status"] == "published" and as_json[-1]["new_articles"] == len(list(inbox.iterdir()))
    versions = json.loads(runner.invoke(app, ["versions", "--lake", str(lake), "--json"]).stdout)
    assert [(v["version"], v["current"], v["rows"]["articles"]) for v in versions] == [("v000001", True, 3)]
    verified = runner.invoke(app, ["verify", "--lake", str(lake), "--json", "--content"])
    report = json.loads(verified.stdout)
    assert verified.exit_code == 0 and report[0]["ok"] and report[0]["problems"] == []
    assert report[0]["tables"]["articles"]["rows"] == 3


def test_a_narrow_terminal_names_the_columns_it_hides(prefect_server, tmp_path, monkeypatch):
    from rich.console import Console

    from newslake.cli import output as front  # the console that fits tables to the terminal

    inbox = small_inbox(tmp_path / "inbox", n=1)
    runner.invoke(app, ["run", "--source", str(inbox), "--lake", str(tmp_path / "lake"), "--no-extract", "--quiet"])
    piped = runner.invoke(app, ["runs", "--lake", str(tmp_path / "lake")]).output
    assert "hidden" not in piped and "v000001" in piped  # a pipe gets every column whole
    monkeypatch.setattr(front, "console", Console(force_terminal=True, width=80, no_color=True))
    import re

    shown = re.sub(r"\x1b\[[0-9;]*m", "", runner.invoke(app, ["runs", "--lake", str(tmp_path / "lake")]).output)  # styles off
    header = next(line for line in shown.splitlines() if "started (UTC)" in line)
    note = " ".join(line.strip() for line in shown.splitlines() if "hidden" in line or "--json" in line)
    assert len(header.rstrip()) <= 80 and "columns hidden at 80 characters:" in note
    hidden = note.split("characters: ")[1].split(" (widen")[0].split(", ")
    assert hidden and all(name not in header for name in hidden) and "run" in header


def test_serve_schedules_the_pipeline_on_a_real_server(tmp_path):
    """`newslake serve` starts a Prefect server on loopback, registers the cron
    deployment and runs it on demand; SIGTERM stops both."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    inbox = small_inbox(tmp_path / "inbox", n=1)
    lake = Lake(tmp_path / "lake")
    port = free_port("127.0.0.1", 4200)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "home"), "NEWSLAKE_SERVER_PORT": str(port), "PREFECT_LOGGING_LEVEL": "WARNING"}
    served = subprocess.Popen(
        [sys.executable, "-m", "newslake.cli", "serve", "--source", str(inbox), "--lake", str(lake.root), "--cron", "0 6 * * *"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        state = tmp_path / "home" / STATE_FILE
        deadline = time.monotonic() + 180
        while not state.exists():
            assert served.poll() is None, served.stdout.read()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)
        api = json.loads(state.read_text())["api_url"]
        assert api == f"http://127.0.0.1:{port}/api" and healthy(api)
        with temporary_settings(updates={PREFECT_API_URL: api}):
            deployment = None
            while deployment is None:
                assert time.monotonic() < deadline, "the deployment was not registered"
                try:
                    with get_client(sync_client=True) as client:
                        deployment = client.read_deployment_by_name("news_pipeline/newslake")
                except Exception:
                    time.sleep(0.5)
            assert [s.schedule.cron for s in deployment.schedules] == ["0 6 * * *"]
            # a second serve of the lake exits at once, naming the first
            second = subprocess.run(
                [sys.executable, "-m", "newslake.cli", "serve", "--source", str(inbox), "--lake", str(lake.root)],
                env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
            )
            assert second.returncode == 2 and "Traceback" not in second.stderr, second.stderr
            assert second.stderr.strip().splitlines() == [
                f"error: {lake.root} is already served by `newslake serve` (pid {served.pid}), with PREFECT_HOME"
                f" {(tmp_path / 'home').resolve()}: stop that one first"
            ]
            assert deployment.parameters == {"source": str(inbox.resolve()), "lake": str(lake.root.resolve())}
            flow_run = run_deployment("news_pipeline/newslake", timeout=300)
            assert flow_run.state.is_completed(), flow_run.state
        assert lake.current_version() == "v000001"
        assert table_of(lake.root, "articles").num_rows == 1
    finally:
        served.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        output, _ = served.communicate(timeout=60)
    assert served.returncode == 0, output
    assert time.monotonic() - asked < 30  # a stop is prompt
    assert "Stopped the Prefect server." in output and not state.exists()
    assert not healthy(api)


@pytest.mark.parametrize("delay, signum", [(0.5, signal.SIGINT), (3.0, signal.SIGTERM), (8.0, signal.SIGINT), (8.0, signal.SIGTERM)])
def test_a_signal_during_serve_start_up_leaves_no_process(tmp_path, delay, signum):
    """Ctrl-C (SIGINT) or SIGTERM at several moments of `serve` start-up, before or while
    its Prefect server comes up: serve exits, and no process it started is left."""
    inbox = small_inbox(tmp_path / "inbox", n=1)
    port = free_port("127.0.0.1", 4300)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "home"), "NEWSLAKE_SERVER_PORT": str(port), "PREFECT_LOGGING_LEVEL": "WARNING"}
    served = Watched(["serve", "--source", str(inbox), "--lake", str(tmp_path / "lake")], env)
    time.sleep(delay)
    served.proc.send_signal(signum)
    code, out, errors = served.finish(timeout=120)
    assert "Traceback" not in out + errors, out + errors
    assert served.left() == [] and not healthy(f"http://127.0.0.1:{port}/api")


def test_prefect_yaml_deploys_the_served_deployment(api_url, tmp_path):
    """prefect.yaml describes the deployment `newslake serve` serves: same name,
    entrypoint, cron and parameters, on a process work pool."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "NEWSLAKE_DIR": str(REPO)}
    prefect = [sys.executable, "-m", "prefect", "--no-prompt"]
    created = subprocess.run([*prefect, "work-pool", "create", "newslake", "--type", "process", "--overwrite"],
                             env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = subprocess.run([*prefect, "deploy", "--all", "--prefect-file", str(REPO / "prefect.yaml")],
                              env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("news_pipeline/newslake")
    assert deployment.work_pool_name == "newslake"
    assert deployment.entrypoint == "flows/pipeline.py:news_pipeline"
    assert [s.schedule.cron for s in deployment.schedules] == ["*/15 * * * *"]
    from newslake.config import Settings

    assert deployment.parameters == {"source": str(Settings().source), "lake": str(Settings().lake)}
    assert Settings().cron == "*/15 * * * *"  # the serve default is the same schedule


def test_extraction_workers_publish_what_one_process_does(sample_lake, tmp_path, monkeypatch):
    """Extraction (and the signatures) in two worker processes, as large runs do."""
    from flows.pipeline import news_pipeline
    from newslake import schema

    monkeypatch.setenv("NEWSLAKE_WORKERS_FROM", "1")
    monkeypatch.setenv("NEWSLAKE_EXTRACT_BATCH_SIZE", "4")
    monkeypatch.setenv("NEWSLAKE_N_PROCESS", "2")
    default_lake, _ = sample_lake
    report = news_pipeline(source=str(SAMPLES), lake=str(tmp_path / "lake"), batch_size=4)
    assert report["status"] == "published"
    for table in schema.PUBLISHED:
        if table != "runs":
            assert rows_of(tmp_path / "lake", table) == rows_of(default_lake, table), table


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
