"""The commands that keep versions: list, verify, repair, roll back, compact."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from newslake.cli.app import JsonOption, LakeOption, app, fail, read_settings
from newslake.cli.output import console, count, err, json_text, print_whole


@app.command()
def versions(lake: Optional[Path] = LakeOption, as_json: bool = JsonOption) -> None:
    """List the published versions still on disk (the newest `keep_versions`), marking the current one."""
    from newslake.lake import LakeError
    from newslake.versions import MAIN_TABLES, list_versions, open_lake

    settings = read_settings(lake=lake)
    try:
        found = list_versions(open_lake(settings.lake))
    except LakeError as exc:
        fail(str(exc), exc)
    if as_json:
        print(json_text([
            {"version": i.version, "current": i.current, "run_id": i.run_id, "created_at": i.created_at, "rows": i.rows,
             "validation": i.validation, "built_on": i.previous_version}
            for i in reversed(found)
        ]))
        return
    table = Table(box=None, header_style="bold")
    for name in ("", "version", "run", "created (UTC)"):
        table.add_column(name, no_wrap=True)
    for name in (*MAIN_TABLES, "all rows"):
        table.add_column(name, justify="right")
    table.add_column("validation", no_wrap=True)
    table.add_column("built on", no_wrap=True)
    for info in reversed(found):
        created = info.created_at.replace("T", " ")[:19]
        validation = {"passed": "[green]passed[/green]", "FAILED": "[red]FAILED[/red]"}.get(info.validation, info.validation)
        table.add_row(
            "[bold]*[/bold]" if info.current else "", f"[bold]{info.version}[/bold]" if info.current else info.version,
            info.run_id, created, *(str(info.rows.get(t, 0)) for t in MAIN_TABLES), str(sum(info.rows.values())),
            validation, info.previous_version or "",
        )
    print_whole(table)
    current = next((i.version for i in found if i.current), None)
    console.print(f"[dim]* current: {current or 'none'}; {count(len(found), 'version')} on disk[/dim]", highlight=False)


@app.command()
def verify(
    version: Optional[str] = typer.Argument(None, help="Version to check, e.g. v1 (default: the current one).", show_default=False),
    lake: Optional[Path] = LakeOption,
    content: bool = typer.Option(False, "--content", help="Also print each published table's rows and content checksum (run metadata left out): equal checksums, equal data, whichever run or lake wrote it."),
    every: bool = typer.Option(False, "--all", help="Check every version on disk (a part shared by versions is hashed once)."),
    as_json: bool = JsonOption,
) -> None:
    """Check every part file of a version against the sha256 and size its manifest records.

    Exits 1 naming each file that is missing or differs, so a copy, a backup or a
    disk can be trusted (or not) before anyone reads from it; `newslake repair` fixes them.
    """
    from newslake.lake import LakeError
    from newslake.versions import manifest_of, open_lake, verify_version

    settings = read_settings(lake=lake)
    try:
        the_lake = open_lake(settings.lake)
        manifests = [the_lake.manifest(v) for v in the_lake.versions()] if every else [manifest_of(the_lake, version)]
        results = [(manifest, *verify_version(the_lake, manifest)) for manifest in manifests]
    except LakeError as exc:
        fail(str(exc), exc)
    bad = sum(1 for _, _, problems in results if problems)
    if as_json:
        from newslake.lake.content import version_checksums

        print(json_text([
            {"version": manifest.version, "files": checked, "ok": not problems, "problems": problems,
             **({"tables": {t: {"rows": r, "checksum": c} for t, (r, c) in version_checksums(the_lake, manifest).items()}}
                if content and not bad else {})}
            for manifest, checked, problems in results
        ]))
        raise typer.Exit(1 if bad else 0)
    for manifest, checked, problems in results:
        if problems:
            for problem in problems:
                err.print(f"[red]✗[/red] {manifest.version}: {problem}", soft_wrap=True, highlight=False)
            err.print(f"[red bold]{manifest.version}: {len(problems)} of {checked} files missing or changed[/red bold]", soft_wrap=True)
        else:
            console.print(f"{manifest.version} OK: {checked} files match their manifest (size and sha256)")
    if bad:
        err.print(f"run `newslake repair --lake {the_lake.root}` to restore them", soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    if content:
        from newslake.lake.content import version_checksums

        for manifest in manifests:
            if len(manifests) > 1:
                console.print(f"{manifest.version}:", highlight=False)
            for table, (rows, checksum) in version_checksums(the_lake, manifest).items():
                console.print(f"{table:<20} {rows:>9} {checksum}", soft_wrap=True, highlight=False)


@app.command()
def repair(
    lake: Optional[Path] = LakeOption,
    backup: Optional[Path] = typer.Option(
        None, "--from", help="A backup or copy of the lake to take good copies of damaged parts from.", show_default=False
    ),
    rebuild: bool = typer.Option(
        True, "--rebuild/--no-rebuild", help="Rebuild from the source files when a damaged part has no good copy (default: on)."
    ),
) -> None:
    """Restore every part file that differs from its manifest, in every version on disk.

    A damaged part is put back from a good copy (same sha256): another version's own
    copy, or the lake copy given with --from; every version that lists it is fixed
    at once. A part with no good copy is rebuilt: a new version from the source
    files the ledger lists, after which the versions that held the lost part are
    removed. Prints what it restored, rebuilt and removed.
    """
    from newslake.versions import repair as fix
    from newslake.lake import Lake, LakeError

    settings = read_settings(lake=lake)
    try:
        report = fix.repair_from_copies(settings.lake, backup, settings.lock_wait)
    except LakeError as exc:
        fail(str(exc), exc)
    for damage in report.restored:
        console.print(
            f"restored {damage.part.path} ({damage.table}) from {damage.restored_from}: "
            f"fixed in {', '.join(damage.versions)}", soft_wrap=True, highlight=False,
        )
    if not report.restored and not report.lost:
        console.print(f"nothing to repair: {report.checked} files in {len(Lake(settings.lake).versions())} versions match their manifests")
        return
    if not report.lost:
        console.print(f"repaired: {len(report.restored)} parts restored; every version on disk matches its manifest")
        return
    for damage in report.lost:
        err.print(
            f"[red]✗[/red] no good copy of {damage.part.path} ({damage.table}, sha256 {damage.part.sha256}) "
            f"in {', '.join(damage.versions)}", soft_wrap=True, highlight=False,
        )
    if not rebuild:
        fail("damaged parts have no good copy: run `newslake repair` with --rebuild, or give a backup with --from", code=1)

    def run_rebuild(source: Path) -> dict:
        from newslake.config import use_prefect_home

        use_prefect_home(settings)
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        from flows.engine import command_runs
        from flows.pipeline import news_pipeline

        with command_runs():
            return news_pipeline(source=str(source), lake=str(settings.lake), expectations_dir=str(settings.expectations_dir), rebuild=True)

    try:
        rebuilt = fix.rebuild_lost(settings.lake, report, run_rebuild, settings.lock_wait)
    except LakeError as exc:
        fail(str(exc), exc, code=1)
    counted = f"{rebuilt.files} source files" if rebuilt.files >= 0 else "every file"
    console.print(
        f"rebuilt {rebuilt.version} from {counted} in {rebuilt.source} ({rebuilt.articles} articles); "
        f"removed {', '.join(rebuilt.removed) or 'no'} versions that held the lost parts; "
        f"{len(report.restored)} parts restored from good copies", soft_wrap=True, highlight=False,
    )


@app.command()
def rollback(
    version: str = typer.Argument(..., help="Version to make current again, e.g. v1 (see `newslake versions`).", show_default=False),
    lake: Optional[Path] = LakeOption,
) -> None:
    """Make an older version current again, atomically, after verifying its files.

    Holds the lake's publisher lock, so it never races a run; the warehouse then
    shows that version, and the next run builds on it (with a new version number).
    """
    from newslake.lake import LakeError
    from newslake.versions import rollback_to

    settings = read_settings(lake=lake)
    try:
        result = rollback_to(settings, version)
    except LakeError as exc:
        fail(str(exc), exc)
    for note in result["notes"]:
        console.print(f"[dim]{note}[/dim]")
    if result["previous"] == result["version"]:
        console.print(f"{result['version']} was already current ({result['files']} files verified); warehouse rebuilt")
    else:
        console.print(
            f"rolled back: {result['version']} is current (was {result['previous'] or 'none'}); "
            f"{result['files']} files verified, warehouse rebuilt, logged as run {result['run_id']}"
        )


@app.command()
def compact(lake: Optional[Path] = LakeOption) -> None:
    """Merge small parts into larger ones (and rewrite parts of older schemas) as a new version."""
    from newslake.lake import LakeError
    from newslake.versions.compact import compact_lake

    settings = read_settings(lake=lake)
    try:
        result = compact_lake(settings)
    except LakeError as exc:
        fail(str(exc), exc)
    if result["version"] is None:
        console.print(f"nothing to compact: {result['parts_before']} parts stay as they are")
    else:
        console.print(f"compacted {result['parts_before']} parts into {result['parts_after']}: published {result['version']}")
