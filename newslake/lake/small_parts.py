"""Small parts of a partition merged into one, in a new version.

Each run adds a part per month it touches to each table, so a lake fed every
few minutes would soon hold thousands of tiny files. Small parts (under
`target_bytes`) of one partition are merged once there are more than
`threshold` of them, inside the run that crosses the threshold (same commit);
`newslake compact` merges every partition with two or more small parts, and
rewrites parts written with an older schema to the current one (the migration
after a schema change: old parts gain the new columns as nulls).
"""

from __future__ import annotations

from collections import defaultdict

from newslake import schema
from newslake.lake.commit import Transaction
from newslake.lake.layout import Lake, Part
from newslake.lake.parts import read_parts, write_part


def _groups(txn: Transaction, target_bytes: int, upgrade: bool) -> dict[tuple[str, str | None], list[Part]]:
    groups: dict[tuple[str, str | None], list[Part]] = defaultdict(list)
    for table, state in txn.tables.items():
        if table not in schema.TABLES:
            continue
        version = schema.TABLES[table].version
        for part in state.parts:
            if part.bytes < target_bytes or (upgrade and part.schema_version < version):
                groups[(table, part.partition)].append(part)
    return groups


def merge_parts(lake: Lake, txn: Transaction, table: str, parts: list[Part], target_bytes: int) -> list[Part]:
    """Rewrite `parts` (one partition of `table`) as parts of about `target_bytes`."""
    spec = schema.TABLES[table]
    out: list[Part] = []
    pending: list[Part] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            rows = read_parts(lake, pending, spec.schema)
            out.append(write_part(lake, table, rows, run_id=txn.run_id, schema=spec.schema, partition=pending[0].partition, schema_version=spec.version))
        pending, size = [], 0

    for part in sorted(parts, key=lambda p: p.path):
        pending.append(part)
        size += part.bytes
        if size >= target_bytes:
            flush()
    flush()
    for old in parts:
        txn.drop(table, [old])
    txn.add(table, out, new_rows=False)
    return out


def compact_small_parts(lake: Lake, txn: Transaction, threshold: int, target_bytes: int) -> int:
    """Inside a run: merge the small parts of partitions that have more than `threshold`.
    Returns the number of parts merged away."""
    if threshold <= 0:
        return 0
    merged = 0
    for (table, _), parts in _groups(txn, target_bytes, upgrade=False).items():
        if len(parts) > threshold:
            merged += len(parts) - len(merge_parts(lake, txn, table, parts, target_bytes))
    return merged


def compactable(txn: Transaction, target_bytes: int) -> dict[tuple[str, str | None], list[Part]]:
    """What `newslake compact` would rewrite: partitions with two or more small parts,
    and parts written with an older schema."""
    found = {}
    for (table, partition), parts in _groups(txn, target_bytes, upgrade=True).items():
        version = schema.TABLES[table].version
        if len(parts) >= 2 or any(p.schema_version < version for p in parts):
            found[(table, partition)] = parts
    return found


def compact_all(lake: Lake, txn: Transaction, target_bytes: int) -> tuple[int, int]:
    """`newslake compact`: merge every partition's small parts and upgrade old parts.
    Returns (parts before, parts after) over the partitions it rewrote."""
    before = after = 0
    for (table, _), parts in compactable(txn, target_bytes).items():
        before += len(parts)
        after += len(merge_parts(lake, txn, table, parts, target_bytes))
    return before, after
