"""A backfill on a real Dask cluster: `dask scheduler` and two `dask worker` processes
on 127.0.0.1 (separate processes, not a LocalCluster), reached with `--dask tcp://...`.
Parse and extraction batches run on the workers, which load the model once and write
their parts into the lake; the content equals the local runner's. A worker killed in
the middle of the run costs only its batches, which the cluster runs again: nothing
is lost or duplicated. Real flow, Dask, DuckDB, GX and spaCy."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newslake.lake import Lake

from conftest import REPO, command_env, synthetic_record, table_of, write_jsonl

ARTICLES = 600  # two checkpoints of 300, six extraction batches of 100
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture()
def cluster(prefect_server, tmp_path):
    """The scheduler and two single-threaded workers, each a process of its own."""
    import prefect.settings

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PREFECT_API_URL": prefect.settings.get_current_settings().api.url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    logs = tmp_path / "dask-logs"
    logs.mkdir()

    def start(name: str, *args: str) -> subprocess.Popen:
        out = open(logs / f"{name}.log", "w")
        return subprocess.Popen([str(BIN / "dask"), *args], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    processes = {"scheduler": start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")}
    try:
        wait_for(lambda: _listening(port), 60, "the scheduler")
        for i in (1, 2):
            processes[f"worker{i}"] = start(f"worker{i}", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                            "--name", f"worker{i}")
        from distributed import Client

        with Client(address, timeout=60) as client:
            wait_for(lambda: len(client.scheduler_info()["workers"]) == 2, 90, "two workers")
        yield address, processes, logs
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_backfill_on_a_dask_cluster_survives_a_worker_and_equals_the_local_runner(cluster, kept_home, tmp_path):
    import prefect.settings

    address, processes, logs = cluster
    source = tmp_path / "inbox"
    for f in range(4):
        write_jsonl(source / f"wire_{f}.jsonl", [synthetic_record(1000 + 150 * f + i) for i in range(ARTICLES // 4)])
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect.settings.get_current_settings().api.url,
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "NEWSLAKE_CHECKPOINT_ARTICLES": str(ARTICLES // 2),
        "NEWSLAKE_EXTRACT_BATCH_SIZE": "100",
    }
    lake = Lake(tmp_path / "lake")
    run = subprocess.Popen(
        [sys.executable, "-m", "newslake.cli", "run", "--quiet", "--source", str(source), "--lake", str(lake.root), "--dask", address],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    mentions = lake.root / "parts" / "entity_mentions"
    wait_for(lambda: mentions.is_dir() and any(mentions.rglob("*.parquet")) or run.poll() is not None, 300, "the first extraction batch")
    assert run.poll() is None, run.communicate()
    os.killpg(processes["worker1"].pid, signal.SIGKILL)  # mid-run: its batches go to the other worker
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, (err[-3000:], (logs / "scheduler.log").read_text()[-2000:])
    assert lake.versions() == ["v000001", "v000002"]
    assert lake.manifest().tables["articles"].rows == ARTICLES
    ids = table_of(lake.root, "entity_mentions").select(["article_id", "field", "start"]).to_pylist()
    assert len(ids) == len({tuple(r.values()) for r in ids})  # no mention twice, whatever batch ran twice

    local = tmp_path / "local"
    done = subprocess.run([sys.executable, "-m", "newslake.cli", "run", "--quiet", "--source", str(source), "--lake", str(local)],
                          env=command_env(kept_home, PREFECT_LOGGING_LEVEL="WARNING"), cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]

    def checksums(lake_dir: Path) -> dict[str, tuple[int, str]]:  # what `newslake verify --content` prints
        from newslake.lake.content import version_checksums

        found = version_checksums(Lake(lake_dir), Lake(lake_dir).manifest())
        return {table: value for table, value in found.items() if table != "runs"}

    assert checksums(lake.root) == checksums(local)


pytestmark = pytest.mark.e2e  # runs the newslake command or a Prefect server in processes of their own
