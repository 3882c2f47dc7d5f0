"""The news_pipeline flow: discover, parse, normalize, validate, publish.

Tasks are thin: each calls the domain in `newslake/` and reports. Parsing maps over
batches of files (never one task per article). Only I/O that can fail for passing
reasons (writing the version, rebuilding the warehouse) is retried.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from newslake import quality, schema
from newslake.assemble import next_base_tables
from newslake.config import Settings, load_settings
from newslake.entities import load_nlp
from newslake.extract import Mentions, extract_mentions
from newslake.ingest import Batch, Limits, Merged, lake_signatures, merge_batches, parse_batch, save_new_signatures
from newslake.ledger import Ledger, SourceFile, discover
from newslake.publish import Lake, publish_version
from newslake.readers import ReaderOptions
from newslake.report import ValidationFailed, summary_markdown
from newslake.runlog import RunReport, new_run_id, record_run, runs_with
from newslake.storage import atomic_write_json
from newslake.warehouse import build_warehouse, run_checks, run_models


@contextmanager
def _timed(report: RunReport, stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + time.perf_counter() - start


@task(cache_policy=NONE)
def discover_files(source: Path, ignore: list[str], ledger: Ledger) -> list[SourceFile]:
    files = discover(source, ignore, known=ledger.known_sha)
    get_run_logger().info("discovered %d files under %s", len(files), source)
    return files


@task(cache_policy=NONE)
def parse_files(files: list[SourceFile], run_id: str, now: datetime, settings: Settings) -> Batch:
    batch = parse_batch(
        files,
        run_id=run_id,
        now=now,
        limits=Limits(settings.max_file_bytes, settings.max_archive_bytes),
        default_language=settings.default_language,
        options=ReaderOptions(json_fields=settings.json_fields),
    )
    get_run_logger().info(
        "parsed %d files: %d articles, %d quarantined", len(files), len(batch.articles), len(batch.quarantine)
    )
    return batch


@task(cache_policy=NONE)
def extract_batch(articles: pa.Table, settings: Settings) -> Mentions:
    nlp = load_nlp(settings.spacy_model)
    mentions = extract_mentions(nlp, articles, batch_size=settings.nlp_batch_size, n_process=settings.n_process)
    get_run_logger().info(
        "extracted %d entity and %d date mentions from %d articles",
        mentions.entities.num_rows, mentions.dates.num_rows, articles.num_rows,
    )
    return mentions


@task(cache_policy=NONE)
def build_models(tables: dict[str, pa.Table], sql_dir: Path) -> dict[str, pa.Table]:
    built = run_models(tables, sql_dir)
    get_run_logger().info("sql models: %s", ", ".join(f"{k} {v.num_rows}" for k, v in built.items()))
    return built


@task(cache_policy=NONE)
def validate_tables(tables: dict[str, pa.Table], expectations_dir: Path, sql_dir: Path) -> quality.ValidationReport:
    checks = run_checks(tables, sql_dir)
    report = quality.validate_tables({**tables, **checks}, expectations_dir)
    for line in report.summary_lines():
        get_run_logger().info(line)
    return report


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def publish(lake: Lake, tables: dict[str, pa.Table], run_id: str, validation: dict, keep: int, version: str) -> str:
    return publish_version(lake, tables, run_id=run_id, validation=validation, keep=keep, version=version)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def rebuild_warehouse(lake: Lake) -> list[str]:
    return build_warehouse(lake)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@flow(name="news_pipeline", log_prints=True)
def news_pipeline(
    source: str | None = None,
    lake: str | None = None,
    expectations_dir: str | None = None,
    batch_size: int | None = None,
    extract: bool | None = None,
) -> dict:
    """Ingest the article files under `source` into the lake at `lake` and publish a new
    version when anything is new and every suite passes. Returns the run report."""
    settings = load_settings(
        source=source, lake=lake, expectations_dir=expectations_dir, batch_size=batch_size, extract=extract
    )
    now = datetime.now(timezone.utc)
    the_lake = Lake(settings.lake)
    report = RunReport(run_id=new_run_id(now), source=str(settings.source), lake=str(settings.lake), started_at=now)
    try:
        with _timed(report, "discover"):
            ledger = Ledger(the_lake.ledger_path)
            files = discover_files(settings.source, settings.ignore, ledger)
            unchanged = [f for f in files if ledger.seen(f.sha256)]
            todo = [f for f in files if not ledger.seen(f.sha256)]
        with _timed(report, "parse"):
            futures = parse_files.map(
                _chunks(todo, settings.batch_size), unmapped(report.run_id), unmapped(now), unmapped(settings)
            )
            batches = [future.result() for future in futures]
        with _timed(report, "normalize"):
            current_articles = the_lake.read_current("articles", schema.ARTICLES)
            merged: Merged = merge_batches(
                current_articles,
                batches,
                files_seen=len(files),
                unchanged_items=sum(ledger.items_of(f.sha256) for f in unchanged),
                changed_files={f.uri for f in todo if ledger.changed(f.uri, f.sha256)},
                signatures=lake_signatures(the_lake.dedup_dir, current_articles) if todo else None,
            )
            report.counts = merged.counts

        if merged.new_articles.num_rows == 0 and merged.quarantine.num_rows == 0:
            ledger.commit(ledger.with_entries(merged.ledger_rows + ledger.refreshed(unchanged)))
            report.status = "nothing_new"
            report.current_version = the_lake.current_version()
            manifest = the_lake.manifest() or {"tables": {}}
            report.rows = {name: t["rows"] for name, t in manifest["tables"].items()}
            print("nothing new: the current version stays", report.current_version)
            return _finish(the_lake, report)

        version = the_lake.next_version()
        report.version = version
        report.status = "published"
        with _timed(report, "extract"):
            found = [
                extract_batch(pa.Table.from_batches([batch]), settings)  # one at a time: spaCy owns the cores
                for batch in merged.to_extract.to_batches(max_chunksize=settings.batch_size)
                if batch.num_rows and settings.extract
            ]
            report.counts.skipped_language = sum(m.skipped_language for m in found)
        tables = next_base_tables(the_lake, merged, found)
        with _timed(report, "models"):
            tables.update(build_models(tables, settings.sql_dir))
        tables["runs"] = runs_with(the_lake, report)
        report.rows = {name: table.num_rows for name, table in tables.items()}

        with _timed(report, "validate"):
            validation = validate_tables(tables, settings.expectations_dir, settings.sql_dir)
            report.validation = validation.to_dict()
            _save_validation(the_lake, report)
        if not validation.success:
            report.status = "validation_failed"
            report.version = None
            report.rows = {}
            report.current_version = the_lake.current_version()
            _finish(the_lake, report)
            raise ValidationFailed([f.summary() for f in validation.failures()], report.to_dict())

        with _timed(report, "publish"):
            publish(the_lake, tables, report.run_id, report.validation, settings.keep_versions, version)
            save_new_signatures(the_lake.dedup_dir, report.run_id, merged)
            ledger.commit(ledger.with_entries(merged.ledger_rows + ledger.refreshed(unchanged)))
            rebuild_warehouse(the_lake)
        report.current_version = version
        return _finish(the_lake, report)
    except ValidationFailed:
        raise
    except Exception:
        report.status = "failed"
        report.version = None
        _finish(the_lake, report)
        raise


def _save_validation(lake: Lake, report: RunReport) -> None:
    atomic_write_json(report.validation, lake.run_dir(report.run_id) / "validation.json")


def _finish(lake: Lake, report: RunReport) -> dict:
    report.finished_at = datetime.now(timezone.utc)
    record_run(lake, report)
    create_markdown_artifact(
        key="news-pipeline-run", markdown=summary_markdown(report.to_dict()), description="news_pipeline run summary"
    )
    return report.to_dict()
