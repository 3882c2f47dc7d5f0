"""How a run explains itself: the summary a person reads at the end of a run."""

from __future__ import annotations


EXAMPLE_QUERY = "select title, published_at from articles order by published_at desc limit 5"


def _count_lines(report: dict) -> list[tuple[str, str]]:
    c = report["counts"]
    items = f" ({c['items_seen']} items: files plus records inside JSON/JSONL files)" if c["items_seen"] != c["files_seen"] else ""
    return [
        ("files seen", f"{c['files_seen']}{items}"),
        ("new articles", str(c["new_articles"])),
        ("duplicates", str(c["duplicates"]) + (
            f" ({c['near_duplicates']} near copies published with duplicate_of)" if c.get("near_duplicates") else ""
        )),
        ("unchanged", str(c["unchanged"])),
        ("quarantined", str(c["quarantined"])),
    ] + (
        [("replaced", f"{c['replaced']} earlier articles superseded by changed files")] if c.get("replaced") else []
    ) + (
        [("deleted files", f"{c['deleted_files']} gone from the source: {c.get('removed', 0)} of their articles left the lake")]
        if c.get("deleted_files") else []
    ) + (
        [("not extracted", f"{c['skipped_language']} (no model for their language)")] if c.get("skipped_language") else []
    ) + (
        [("held back", f"{c['held_back']} files changed while read: the next run reads them again")] if c.get("held_back") else []
    )


def failed_expectations(validation: dict) -> list[str]:
    """`table: expectation(column): detail` for every failed expectation in a saved validation."""
    return [
        f"{f['table']}: {f['expectation_type']}" + (f"({f['column']})" if f.get("column") else "") + f": {f['detail']}"
        for table in validation.get("tables", [])
        for f in table.get("failed", [])
    ]


def validation_text(validation: dict | None) -> str:
    if validation is None:
        return "not run (nothing new to publish)"
    tables = validation.get("tables", [])
    if validation.get("success"):
        evaluated = sum(t.get("evaluated", 0) for t in tables)
        return f"passed: {evaluated} expectations on {len(tables)} tables"
    return "FAILED: " + "; ".join(failed_expectations(validation))


def summary_lines(report: dict, current_path: str | None = None, wall_seconds: float | None = None) -> list[tuple[str, str]]:
    lines = [("run", f"{report['run_id']} ({report['status']})")]
    lines += _count_lines(report)
    rows = report.get("rows") or {}
    if rows:
        lines.append(("rows", ", ".join(f"{name} {count}" for name, count in sorted(rows.items()))))
    lines.append(("validation", validation_text(report.get("validation"))))
    if report.get("version"):
        lines.append(("published", report["version"]))
    lines.append(("current version", f"{report.get('current_version') or 'none'}" + (f" ({current_path})" if current_path else "")))
    stages = report.get("stage_seconds") or {}
    if wall_seconds is not None or stages:
        parts = ", ".join(f"{name} {seconds:.1f}" for name, seconds in stages.items())
        rest = (wall_seconds or 0.0) - sum(stages.values())
        if wall_seconds is not None and stages and rest >= 0.05:  # the stages and the rest add up to the wall time
            parts += f"; Prefect, server and start-up {rest:.1f}"
        lines.append(("time", (f"{wall_seconds:.1f} s" if wall_seconds is not None else "") + (f" ({parts})" if parts else "")))
    if report.get("html_report"):
        lines.append(("report", report["html_report"]))
    for note in report.get("notes") or []:
        lines.append(("note", note))
    return lines


def summary_markdown(report: dict) -> str:
    rows = "\n".join(f"| {k} | {v} |" for k, v in summary_lines(report))
    return f"# news_pipeline run\n\n| | |\n|---|---|\n{rows}\n"
