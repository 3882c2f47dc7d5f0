"""Publishing primitives on small tables: versions, the atomic switch, retries, retention."""

from __future__ import annotations

import pyarrow as pa

from newslake.publish import Lake, prune, publish_version


def table(n: int) -> pa.Table:
    return pa.table({"x": list(range(n))})


def test_versions_switch_and_retention(tmp_path):
    lake = Lake(tmp_path)
    names = [publish_version(lake, {"t": table(i + 1)}, run_id=f"r{i}", validation={}, keep=2) for i in range(4)]
    assert names == ["v000001", "v000002", "v000003", "v000004"]
    assert lake.current_version() == "v000004"
    assert lake.versions() == ["v000003", "v000004"]  # older ones pruned
    assert lake.read_current("t", pa.schema([("x", pa.int64())])).num_rows == 4
    assert prune(lake, 1) == ["v000003"]


def test_retry_after_rename_is_idempotent(tmp_path):
    lake = Lake(tmp_path)
    first = publish_version(lake, {"t": table(1)}, run_id="run-a", validation={}, version="v000001")
    (lake.current).unlink()  # as if the process died between the rename and the switch
    again = publish_version(lake, {"t": table(1)}, run_id="run-a", validation={}, version="v000001")
    assert first == again == "v000001" and lake.current_version() == "v000001"
    assert lake.versions() == ["v000001"]
