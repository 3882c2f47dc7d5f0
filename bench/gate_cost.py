"""What the gate's Great Expectations validation costs per run, by result format.

Validates every table of a lake's current version with its suite, as the version gate
does, in GX's BASIC format (the gate's first pass) and in SUMMARY (what a failing
suite is validated again with), alternating the two `--rounds` times in one process
so both see the same machine. Prints the CPU seconds of each and their ratio.

    .venv/bin/python bench/gate_cost.py [--lake data/lake] [--rows 50] [--rounds 3]

The lake is the one `make run` writes, by default. `--rows` cuts each table to its
first rows: a run with little new work validates small batches, and then GX's cost
per expectation is all there is.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newslake import schema  # noqa: E402
from newslake.lake import Lake  # noqa: E402
from newslake.lake.parts import read_parts  # noqa: E402
from newslake.validate import context, suites, validator  # noqa: E402


def validate_all(data: dict, expectations: Path, first_pass: str) -> tuple[float, int]:
    validator.FIRST_PASS_FORMAT = first_pass
    start, evaluated = time.process_time(), 0
    for table, rows in data.items():
        evaluated += validator.validate_arrow(table, rows, suites.suite_path_for(expectations, table)).evaluated
    return time.process_time() - start, evaluated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", type=Path, default=REPO / "data" / "lake", help="a lake with a published version (default data/lake)")
    parser.add_argument("--rows", type=int, default=50, help="rows of each table to validate (default 50)")
    parser.add_argument("--rounds", type=int, default=3, help="times each format is measured (default 3)")
    args = parser.parse_args()

    lake = Lake(args.lake)
    manifest = lake.manifest()
    if manifest is None:
        sys.exit(f"error: {args.lake}: no published version (run `make run` first)")
    expectations = REPO / "expectations"
    data = {
        table: read_parts(lake, manifest.parts(table), schema.TABLES[table].schema).slice(0, args.rows)
        for table in sorted(manifest.tables)
        if suites.suite_path_for(expectations, table).is_file()
    }
    started = time.process_time()
    context.gx_context()
    print(f"GX import and context: {time.process_time() - started:.2f} s CPU")
    validate_all(data, expectations, "SUMMARY")  # warm: suites built, batch definitions made
    basic, summary = [], []
    for _ in range(args.rounds):
        seconds, evaluated = validate_all(data, expectations, "BASIC")
        basic.append(seconds)
        seconds, _ = validate_all(data, expectations, "SUMMARY")
        summary.append(seconds)
    b, s = statistics.median(basic), statistics.median(summary)
    print(f"{len(data)} tables, {evaluated} expectations, up to {args.rows} rows each; median of {args.rounds} rounds, CPU seconds")
    print(f"  SUMMARY (one pass in the report's format): {s:.2f} s")
    print(f"  BASIC (the gate's first pass):             {b:.2f} s")
    print(f"  BASIC / SUMMARY: {b / s:.2f}")


if __name__ == "__main__":
    main()
