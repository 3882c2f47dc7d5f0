"""The news_pipeline flow: wiring only. Every decision is the domain's (`newslake.pipeline`).

One task per stage; parsing and extraction map over batches of files and articles
(never one task per article), and each extraction batch writes its own parts. Only
the commit, whose I/O can fail for passing reasons and which is safe to repeat, is
retried.

Stage tasks take the session or checkpoint `quote`d: Prefect otherwise walks every
parameter looking for futures, and a checkpoint's plan lists every file of the lake,
so each task call would cost in proportion to the lake rather than to the chunk.
"""

from __future__ import annotations

import pyarrow as pa
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from flows.console import run_log_file
from newslake.config import load_settings
from newslake.failpoints import failpoint
from newslake.ingest.ledger import SourceFile
from newslake.pipeline import base_tables, derive, extraction, gate, merge, parse, pool
from newslake.pipeline import session as run
from newslake.pipeline.checkpoint import Checkpoint
from newslake.pipeline.extraction import ExtractJob, Extracted
from newslake.pipeline.parse import ParseJob, Spilled
from newslake.pipeline.report_page import write_report_page
from newslake.progress import progress
from newslake.ingest.splits import Piece
from newslake.report.summary import summary_lines, summary_markdown
from newslake.validate import ValidationFailed


@task(cache_policy=NONE)
def plan_run(session: run.Session) -> None:
    plan = run.plan_backlog(session)
    get_run_logger().info(
        "%d files: %d unchanged, %d new or changed, %d gone", len(plan.files), len(plan.unchanged), len(plan.todo), len(plan.deleted)
    )


@task(cache_policy=NONE, cache_result_in_memory=False)
def parse_files(job: ParseJob, files: list[SourceFile | Piece]) -> Spilled:
    """Parse a batch; its articles go to the spill folder, the result is their name."""
    spilled = job.run(files)
    failpoint("parse.after_batch")
    get_run_logger().info("parsed %d files: %d articles, %d quarantined", len(files), spilled.articles, spilled.quarantined)
    return spilled


@task(cache_policy=NONE)
def merge_batches(cp: Checkpoint, spilled: list[Spilled]) -> None:
    changes = merge.merge(cp, [s.load() for s in spilled])
    for s in spilled:
        s.forget()
    c = cp.counts
    get_run_logger().info(
        "%d new articles, %d duplicates, %d quarantined, %d rows to remove", c.new_articles, c.duplicates, c.quarantined, len(changes.removed_ids)
    )


@task(cache_policy=NONE)
def write_base_tables(cp: Checkpoint) -> None:
    base_tables.write_base_tables(cp)


@task(cache_policy=NONE)
def extract_batch(job: ExtractJob, articles: pa.Table) -> Extracted:
    found = job.extract(articles)
    failpoint("extract.after_batch")
    get_run_logger().info(
        "extracted %d entity and %d date mentions from %d articles", found.entity_mentions, found.date_mentions, found.articles
    )
    return found


@task(cache_policy=NONE)
def build_models(cp: Checkpoint) -> None:
    built = derive.derive(cp)
    repaired = f"; after moved aliases, repaired {built.repaired['moved']} entities and {built.repaired['articles']} articles" if built.repaired else ""
    get_run_logger().info(
        "sql models (%s): rebuilt %s; unchanged %s%s", built.mode, ", ".join(built.rebuilt) or "none", ", ".join(built.kept) or "none", repaired
    )


@task(cache_policy=NONE)
def validate(cp: Checkpoint) -> None:
    for line in gate.gate_version(cp).summary_lines():
        get_run_logger().info(line)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def publish(cp: Checkpoint) -> dict:
    return run.commit(cp)


@task(cache_policy=NONE)
def write_run_report(cp: Checkpoint) -> None:
    path = write_report_page(cp, _flow_run())
    if path:
        get_run_logger().info("run report: %s", path)


def _flow_run() -> dict | None:
    """This flow run's id and its page in the Prefect UI (None outside a flow run)."""
    from prefect.runtime import flow_run
    from prefect.settings import get_current_settings

    if not flow_run.id:
        return None
    ui = get_current_settings().ui_url
    return {"id": flow_run.id, "url": f"{ui.rstrip('/')}/runs/flow-run/{flow_run.id}" if ui else None}


RUN_ARTIFACT = "news-pipeline-run"
RUN_TABLE_ARTIFACT = "news-pipeline-run-table"


def publish_artifacts(report: dict) -> None:
    """The run's summary in Prefect's UI: a table of its lines and a markdown note that
    names the HTML report (the UI cannot show a local file, so the path is the link)."""
    create_table_artifact(
        key=RUN_TABLE_ARTIFACT,
        table=[{"item": k, "value": v} for k, v in summary_lines(report)],
        description=f"news_pipeline run {report['run_id']} ({report['status']})",
    )
    page = report.get("html_report")
    markdown = summary_markdown(report) + (f"\nRun report: `{page}`\n" if page else "")
    create_markdown_artifact(key=RUN_ARTIFACT, markdown=markdown, description="news_pipeline run summary")


@flow(name="news_pipeline", log_prints=True)
def news_pipeline(
    source: str | None = None,
    lake: str | None = None,
    expectations_dir: str | None = None,
    batch_size: int | None = None,
    extract: bool | None = None,
    dask: str | None = None,
    rebuild: bool = False,
) -> dict:
    """Ingest the article files under `source` into the lake at `lake` and publish a new
    version when anything is new and every suite passes. Returns the run report.
    (`dask` says the flow runs on a DaskTaskRunner: see `pipeline_for`; `rebuild`
    builds the version from the source files alone: see `newslake.versions.repair`.)"""
    settings = load_settings(
        source=source, lake=lake, expectations_dir=expectations_dir, batch_size=batch_size, extract=extract, dask=dask
    )
    shown = progress()
    try:
        report = _run(settings, shown, rebuild)
    except ValidationFailed as failed:  # its report says why nothing was published
        publish_artifacts(failed.report)
        raise
    if report["status"] == "nothing_new":
        print("nothing new: the current version stays", report["current_version"] or "none")
    try:
        publish_artifacts(report)
    except Exception as exc:  # noqa: BLE001 - the UI's copy of the summary is not worth failing a published run
        get_run_logger().warning("the run's summary was not sent to Prefect: %s: %s", type(exc).__name__, exc)
    return report


def _run(settings, shown, rebuild=False) -> dict:
    with run.open_session(settings, rebuild) as session, run_log_file(session.lake.run_dir(session.report.run_id) / "prefect.log"):
        with session.report.timed("discover"):
            plan_run(quote(session))
        run.check_nothing_to_do(session)
        shown.start("backlog", run.backlog_articles(session), "articles")
        chunker = run.Chunker(session)
        chunk = chunker.next()
        pool.warm_up(settings, chunk.articles)
        parsing = _submit_parse(chunk, session, settings)
        while chunk is not None:
            cp = run.open_checkpoint(session, chunk)
            chunk, parsing = _checkpoint(cp, parsing, chunker, session, settings, shown)
            run.finish_checkpoint(session, cp)
            shown.advance("backlog", cp.chunk.articles)
            if chunk is not None or cp.chunk.number > 1:
                shown.note(f"checkpoint {cp.chunk.number}: published {cp.version} ({cp.counts.new_articles:,} new articles)")
        pool.stop()
        shown.finish("backlog")
    return run.run_report(session)


def _checkpoint(cp: Checkpoint, parsing, chunker, session, settings, shown):
    """One chunk through every stage: parse, merge, write, extract, derive, gate,
    publish. The next chunk is parsed while this one is derived, validated and
    committed (and, when the run does not extract, merged and written too: the
    workers would otherwise wait); returns it with its parse in flight (None after
    the last)."""
    report = cp.report
    with report.timed("parse"):
        batches = _collect(parsing, shown)
    if not settings.extract:  # the workers have nothing else to do: the next chunk parses from now on
        following, parsing = _parse_next(chunker, session, settings)
    with report.timed("normalize"):
        merge_batches(quote(cp), batches)
    run.check_changes(cp)
    with report.timed("write"):
        write_base_tables(quote(cp))
    with report.timed("extract"):
        job, todo = extraction.job(cp), extraction.batches(cp, settings.extract_batch_size)
        if todo:
            shown.start("extract", sum(t.num_rows for t in todo), "articles")
        if settings.dask or job.n_process > 1:
            # on Dask each worker takes batches; otherwise batches overlap in threads
            # that hand their articles to the extraction worker processes
            for future in as_completed(extract_batch.map(unmapped(job), todo)):
                found = future.result()
                extraction.add(cp, found)
                shown.advance("extract", found.articles)
        else:
            for articles in todo:  # one at a time, in this process
                extraction.add(cp, extract_batch(job, articles))
                shown.advance("extract", articles.num_rows)
        if todo:
            shown.finish("extract")
    if settings.extract:
        pool.stop()  # the model's workers: the stages after extraction do not use them
        following, parsing = _parse_next(chunker, session, settings)
    with report.timed("models"):
        build_models(quote(cp))
    with report.timed("validate"):
        validate(quote(cp))
    with report.timed("publish"):
        publish(quote(cp))
    write_run_report(quote(cp))  # after the publish stage, so that its time is on the page
    return following, parsing


def _submit_parse(chunk, session, settings):
    """The chunk's parse batches, submitted: (batches, futures)."""
    chunks = parse.batches(chunk.work, settings.batch_size, settings.records_per_piece)
    job = parse.parse_job(settings, chunk.run_id, chunk.now, session.plan.revive, chunk.articles)
    return chunks, parse_files.map(unmapped(job), chunks)


def _parse_next(chunker, session, settings):
    """The next chunk and its parse, submitted: (chunk, parsing), or (None, None) after the last."""
    following = chunker.next()
    return following, (_submit_parse(following, session, settings) if following is not None else None)


def _collect(parsing, shown) -> list[Spilled]:
    """The parsed batches, in file order (the first copy seen wins)."""
    chunks, futures = parsing
    shown.start("parse", sum(len(c) for c in chunks), "files")
    done: dict[int, Spilled] = {}
    position = {id(future): i for i, future in enumerate(futures)}
    for future in as_completed(futures):
        i = position[id(future)]
        done[i] = future.result()
        shown.advance("parse", len(chunks[i]))
    shown.finish("parse")
    del futures
    return [done.pop(i) for i in range(len(chunks))]


def pipeline_for(settings):
    """news_pipeline on the task runner the settings ask for: Dask when `dask` is set
    ("local": a local cluster, one single-threaded worker process per core, "local:N"
    with N workers; else the address of a running scheduler), Prefect's thread pool
    otherwise."""
    if not settings.dask:
        return news_pipeline
    import os

    from prefect_dask import DaskTaskRunner

    if settings.dask == "local" or settings.dask.startswith("local:"):
        workers = int(settings.dask.partition(":")[2] or len(os.sched_getaffinity(0)))
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None})
    else:
        runner = DaskTaskRunner(address=settings.dask)
    return news_pipeline.with_options(task_runner=runner)


DEPLOYMENT = "newslake"  # served as news_pipeline/newslake; prefect.yaml describes the same one


def serve_pipeline(settings) -> None:
    """Serve the deployment on the settings' cron schedule until stopped (blocks).

    Flow runs start as subprocesses that import the flow by module path, so the
    served folder does not need to be the working directory."""
    from prefect.deployments.runner import EntrypointType

    news_pipeline.serve(
        name=DEPLOYMENT,
        cron=settings.cron,
        parameters={"source": str(settings.source.resolve()), "lake": str(settings.lake.resolve())},
        description="Ingest the inbox folder into the lake and publish a new version when anything is new.",
        tags=["newslake"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
