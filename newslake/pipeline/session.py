"""A run's hold on its lake: the lock, the plan, and the checkpoints it commits.

    with open_session(settings) as session:    lock the lake, finish what a killed run left
        plan_backlog(session)                  discover; unchanged / new / changed / gone
        for chunk in chunks(session):          the backlog, a checkpoint's worth at a time
            cp = open_checkpoint(session, chunk)
            ... parse, merge, write, extract, derive, gate (the stage modules)
            commit(cp)                         one manifest, one rename; the after-commit hooks

A run that finds nothing new ends as `nothing_new` (a row of the runs log, no
version); one that fails before a checkpoint's switch leaves that checkpoint's
lake as it was, while the checkpoints it committed before stay published.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator

import duckdb

from newslake import schema, stopping
from newslake.config import Settings
from newslake.failpoints import failpoint
from newslake.lake import Manifest
from newslake.lake.commit import remove_spill
from newslake.lake.small_parts import compact_small_parts
from newslake.lake.query import connect
from newslake.ingest.ledger import Ledger
from newslake.pipeline.checkpoint import Checkpoint, Chunk
from newslake.pipeline.plan import Plan, load_ledger, plan, save_hints
from newslake.validate import ValidationFailed
from newslake.report.run_report import RunReport, new_run_id
from newslake.versions.publish import Publisher, after_commit, publishing


class NothingToDo(Exception):
    """Internal: the plan found nothing new; the run ends as nothing_new."""


class HandOver(Exception):
    """Internal: a pre-check found work; it leaves no trace and the flow takes over."""


@dataclass
class Session:
    settings: Settings
    publisher: Publisher
    base: Manifest | None  # the version the run starts from (None: a rebuild, or an empty lake)
    ledger: Ledger
    report: RunReport  # of the checkpoint being built, or about to be
    con: duckdb.DuckDBPyConnection
    rebuild: bool = False
    plan: Plan | None = None
    active: Checkpoint | None = None
    committed: list[dict] = field(default_factory=list)  # the report of every checkpoint committed

    @property
    def lake(self):
        return self.publisher.lake


def _new_report(settings: Settings, now: datetime) -> RunReport:
    return RunReport(run_id=new_run_id(now), source=str(settings.source.resolve()), lake=str(settings.lake), started_at=now)


@contextmanager
def open_session(settings: Settings, rebuild: bool = False) -> Iterator[Session]:
    """A run holding the lake's lock; the lake is recovered from any killed run first.
    `rebuild`: build the version from the source files alone, on no earlier version
    (`newslake repair`, when a part has no good copy left)."""
    report = _new_report(settings, datetime.now(timezone.utc))
    with publishing(settings.lake, settings.lock_wait) as publisher:
        report.notes.extend(publisher.notes)
        lake = publisher.lake
        base = None if rebuild else lake.manifest()
        if rebuild:
            report.notes.append("rebuilt from the source files alone, on no earlier version")
        from newslake.versions.publish import refuse_unreadable

        refuse_unreadable(lake, base)
        report.current_version = lake.current_version()
        session = Session(settings, publisher, base, load_ledger(lake, base), report, connect(), rebuild)
        try:
            yield session
        except NothingToDo:
            finish_nothing_new(session)
        except HandOver:
            pass
        except ValidationFailed:
            raise
        except BaseException as exc:
            if stopping.signal_of(exc) is not None:
                stopping.halt()  # its workers first: the threads waiting for them would hold the run
            published = fail(session, exc)
            setattr(exc, _LOGGED, True)
            if not published or not isinstance(exc, Exception):
                raise  # a published checkpoint ends as published, with the failure as a note
        finally:
            session.con.close()
            remove_spill(lake)  # under the lock: only this run spilled there


def plan_backlog(session: Session) -> Plan:
    """The plan stage, with its counts on the first checkpoint's report."""
    session.plan = plan(session.settings, session.lake, session.base, session.ledger, session.report.source, session.con)
    c = session.report.counts
    c.files_seen = len(session.plan.files)
    c.unchanged = c.items_seen = session.plan.unchanged_items
    c.deleted_files = len(session.plan.deleted)
    return session.plan


def check_nothing_to_do(session: Session) -> None:
    """End the run as nothing_new when no file is new, changed or gone."""
    if session.plan.nothing_to_do:
        raise NothingToDo


class Chunker:
    """The backlog as chunks of about `checkpoint_articles` articles, one checkpoint each
    (a backlog smaller than that is one chunk: one version, as any run).

    A chunk is also cut smaller when checkpoints take longer than `checkpoint_seconds`:
    each next chunk is sized from the rate measured since the run's first. The first
    chunk holds every file that answers the plan's removals (see `Plan.to_parse`)."""

    def __init__(self, session: Session):
        self.session = session
        self.work = session.plan.to_parse()
        self.taken = 0  # work items handed out
        self.number = 0
        self.articles = 0  # articles of the chunks handed out
        self.began = time.monotonic()

    def next(self) -> Chunk | None:
        s, work = self.session.settings, self.work
        if self.number and self.taken >= len(work):
            return None
        budget = s.checkpoint_articles
        if self.number:
            rate = max(self.articles, 1) / max(time.monotonic() - self.began, 1e-3)
            budget = max(1, min(budget, int(rate * s.checkpoint_seconds)))
        must = self.session.plan.first_group if not self.number else set()
        start, held = self.taken, 0
        while self.taken < len(work) and (held < budget or _file_of(work[self.taken].uri) in must):
            held += work[self.taken].articles
            self.taken += 1
        self.number += 1
        self.articles += held
        first = self.number == 1
        now = self.session.report.started_at if first else datetime.now(timezone.utc)
        run_id = self.session.report.run_id if first else new_run_id(now)
        return Chunk(run_id, now, work[start : self.taken], self.number, first=first, last=self.taken >= len(work))


def chunks(session: Session) -> Iterator[Chunk]:
    """Every chunk of the backlog in turn (see `Chunker`)."""
    chunker = Chunker(session)
    while (chunk := chunker.next()) is not None:
        yield chunk


def _file_of(uri: str) -> str:
    from newslake.ingest.ledger import file_part

    return file_part(uri)


def backlog_articles(session: Session) -> int:
    """The articles the plan's work may hold, for progress over the whole backlog."""
    return sum(w.articles for w in session.plan.to_parse())


def open_checkpoint(session: Session, chunk: Chunk) -> Checkpoint:
    if chunk.run_id != session.report.run_id:
        session.report = _new_report(session.settings, chunk.now)
        session.report.run_id = chunk.run_id
        session.report.current_version = session.lake.current_version()
    txn = session.publisher.begin(session.report.run_id, rebuild=session.rebuild and chunk.first)
    session.active = Checkpoint(session.settings, session.publisher, session.plan, chunk, txn, session.report, session.con)
    return session.active


def check_changes(cp: Checkpoint) -> None:
    """End the run as nothing_new when the new files changed nothing either."""
    if cp.changes.empty:
        raise NothingToDo


def commit(cp: Checkpoint) -> dict:
    """Seal and commit the checkpoint's version, then the after-commit hooks.

    Safe to call again after a failure (the flow retries it): the manifest is sealed
    once, and the commit finishes a version it already renamed into place."""
    s = cp.settings
    if cp.manifest is None:
        cp.manifest = cp.publisher.seal(
            cp.txn, cp.report, compact=lambda txn: compact_small_parts(cp.lake, txn, s.compact_small_parts, s.compact_target_bytes)
        )
    cp.publisher.commit(cp.manifest, cp.report, after_commit(s.keep_versions))
    return cp.report.to_dict()


def finish_checkpoint(session: Session, cp: Checkpoint) -> None:
    """The checkpoint is over: the next one builds on its version."""
    session.committed.append(cp.report.to_dict())
    session.base = cp.manifest
    session.active = None
    failpoint("checkpoint.committed")


def run_report(session: Session) -> dict:
    """What the run did: its one checkpoint's report; for a run of several, the last
    one's with the counts and stage times of all of them summed, and a list of the
    checkpoints (run id, version, new articles)."""
    last = session.report.to_dict()
    done = session.committed + ([] if session.committed and session.committed[-1]["run_id"] == last["run_id"] else [last])
    if len(done) <= 1:
        return last
    counts = {k: sum(d["counts"][k] for d in done) for k in last["counts"]}
    stages: dict[str, float] = {}
    for d in done:
        for stage, seconds in d["stage_seconds"].items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return {
        **last,
        "counts": counts,
        "stage_seconds": stages,
        "notes": [n for d in done for n in d["notes"]],
        "checkpoints": [
            {"run_id": d["run_id"], "version": d["version"], "status": d["status"], "new_articles": d["counts"]["new_articles"],
             "models_seconds": d["stage_seconds"].get("models")}
            for d in done
        ],
    }


def finish_nothing_new(session: Session) -> dict:
    if session.active is not None:
        session.active.txn.abort()
    if session.plan is not None:
        save_hints(session.lake, session.plan.refreshed)
    report = session.report
    report.status = "nothing_new"
    manifest = session.lake.manifest()
    report.rows = {k: v for k, v in (manifest.rows() if manifest else {}).items() if k in schema.PUBLISHED}
    return session.publisher.log(report)


def fail(session: Session, exc: BaseException) -> bool:
    """The run stops; True when its checkpoint was published all the same (see
    `Publisher.fail`)."""
    cp = session.active
    if cp is None:
        session.report.status = "failed"
        session.report.error = stopping.describe(exc)
        session.publisher.log(session.report)
        return False
    return cp.publisher.fail(cp.txn, cp.report, exc)


_LOGGED = "newslake_run_logged"


def logged(exc: BaseException) -> bool:
    """Whether a session logged the failure `exc` (or the one it was raised while
    handling: Prefect re-sends a signal from its except block) as its run's row."""
    return any(getattr(one, _LOGGED, False) for one in stopping.handled_within(exc))


def log_unbegun(settings: Settings, exc: BaseException, what: str | None = None) -> None:
    """The row of a run that failed before its flow's session began (its Prefect
    server did not start, or a signal stopped it first): `newslake runs` shows every
    run that found work. The runs log is append-only, one file a run: no lock needed."""
    from newslake.lake import Lake
    from newslake.lake import runs_log

    report = _new_report(settings, datetime.now(timezone.utc))
    report.error = what or stopping.describe(exc)
    report.finished_at = report.started_at
    lake = Lake(settings.lake)
    report.current_version = lake.current_version()
    runs_log.write_run(lake, runs_log.row_to_json(report.row()))
    setattr(exc, _LOGGED, True)


def run_if_nothing_new(settings: Settings) -> dict | None:
    """The nothing-new decision, before any orchestrator starts: when no file is new,
    changed or gone, record the run (status nothing_new) and return its report; else
    return None, leaving nothing behind but the hashes it read, for the flow to reuse."""
    with open_session(settings) as session:
        session.report.stage_seconds["discover"] = 0.0
        with session.report.timed("discover"):
            plan_backlog(session)
        if session.plan.nothing_to_do:
            raise NothingToDo
        save_hints(session.lake, session.plan.todo)
        raise HandOver
    return session.report.to_dict() if session.report.status == "nothing_new" else None
