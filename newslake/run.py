"""One pipeline run as the domain sees it: every decision between discovery and commit.

`flows/pipeline.py` wires these steps into Prefect tasks and maps the heavy ones
over batches; what is unchanged, what supersedes what, when nothing is new, what
the next version holds and when it is committed are all decided here.

    with open_run(settings) as run:      lock the lake, finish what a killed run left
        run.plan()                       discover; unchanged / new / changed / deleted
        run.parse_batches(size)          -> files to parse, in batches (the flow maps them)
        run.merge(batches)               dedup, article gate, near copies, counts
        run.stage_base()                 parts for the base tables (copy-on-write)
        run.extraction_batches(size)     -> articles to extract (the flow maps them)
        run.add_mentions(mentions)       their parts
        run.build_models()               sql/ over the parts, incrementally when it can
        run.gate()                       the suites and the check tables
        run.commit()                     one manifest, one rename, then the warehouse

A run costs what is new: untouched parts are never read again, except the key
columns that table-wide facts (exact duplicates, superseded rows, uniqueness,
referential integrity) are checked on, in DuckDB.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from newslake import dedup, gates, models, schema
from newslake.config import Settings
from newslake.ingest import Batch, Limits, parse_batch
from newslake.lake import Lake, LakeError, Manifest, Part, Transaction, commit, prune, publisher_lock, recover
from newslake.lake import collect_garbage, runs_log
from newslake.lake.compact import compact_small_parts
from newslake.lake.layout import version_number
from newslake.lake.parts import key_in, month_of, read_parts, rewrite_without, write_part, write_partitioned
from newslake.lake.query import connect, parts_holding, register_parts
from newslake.ledger import FILE_PART_SQL, STAT_CACHE, Ledger, SourceFile, discover, file_part
from newslake.normalize import MAX_EXTRACT_CHARS
from newslake.progress import progress
from newslake.readers import ReaderOptions
from newslake.report import ValidationFailed
from newslake.runlog import RunReport, new_run_id
from newslake.storage import atomic_write_json, atomic_write_parquet, atomic_write_text, read_parquet_or_empty
from newslake.warehouse import build_warehouse, warehouse_version

BYTES_PER_ARTICLE = 2_500  # a rough size of one article in its source file, for planning
# Base tables keyed by article_id. (Derived tables are rebuilt in full when rows go.)
PER_ARTICLE = ("entity_mentions", "date_mentions")


class NothingToDo(Exception):
    """Internal: the plan found nothing new; the run ends as nothing_new."""


class HandOver(Exception):
    """Internal: a pre-check found work; it leaves no trace and the flow takes over."""


@dataclass
class Plan:
    files: list[SourceFile]
    unchanged: list[SourceFile]
    todo: list[SourceFile]  # new or changed: parsed
    changed: set[str]
    deleted: list[str]
    refreshed: list[dict]  # ledger rows of unchanged files seen under a new path or mtime
    superseded: pa.Table  # current (article_id, source_uri, duplicate_of) of changed or deleted files
    orphans: pa.Table  # near copies whose canonical article is superseded: linked again
    revive: dict[str, set[str]] = field(default_factory=dict)  # unchanged file -> article ids to take again

    @property
    def gone(self) -> set[str]:
        return self.changed | set(self.deleted)

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.deleted


@dataclass
class Changes:
    """What this run adds to and removes from the base tables."""

    articles: pa.Table  # rows to add: new, revived, and near copies linked again
    removed_ids: set[str]  # article rows to remove (superseded, and old rows of re-linked copies)
    quarantine: pa.Table
    ledger_rows: list[dict]
    signatures: pa.Table

    @property
    def to_extract(self) -> pa.Table:
        """Canonical rows this run adds: they alone feed the entity and date tables."""
        return self.articles.filter(pc.is_null(self.articles.column("duplicate_of")))

    @property
    def empty(self) -> bool:
        return not (self.articles.num_rows or self.removed_ids or self.quarantine.num_rows or self.ledger_rows)


@contextmanager
def open_run(settings: Settings, rebuild: bool = False) -> Iterator["Run"]:
    """A run holding the lake's lock; the lake is recovered from any killed run first.
    `rebuild`: build the version from the source files alone, on no earlier version
    (`newslake repair`, when a part has no good copy left)."""
    lake = Lake(settings.lake)
    lake.check_usable()
    now = datetime.now(timezone.utc)
    report = RunReport(run_id=new_run_id(now), source=str(settings.source.resolve()), lake=str(settings.lake), started_at=now)
    with publisher_lock(lake, settings.lock_wait):
        report.notes.extend(recover(lake))
        run = Run(settings, lake, report, now, rebuild)
        if lake.current_version() and warehouse_version(lake) != lake.current_version():
            build_warehouse(lake)
        try:
            yield run
        except NothingToDo:
            run.finish_nothing_new()
        except HandOver:
            run.txn.abort()
        except ValidationFailed:
            raise
        except BaseException as exc:
            if not run.fail(exc) or not isinstance(exc, Exception):
                raise  # a published run ends as published, with the failure as a note
        finally:
            run.con.close()


def _refuse_unreadable(lake: Lake, base: Manifest | None) -> None:
    for table, (needed, feature) in schema.REBUILD_BELOW.items():
        old = [p.schema_version for p in (base.parts(table) if base else []) if p.schema_version < needed]
        if old:
            raise LakeError(
                f"lake {lake.root}: its {table} were written with schema version {min(old)}, before {feature}; "
                f"move the lake away and run again to rebuild it from the source files"
            )


class Run:
    def __init__(self, settings: Settings, lake: Lake, report: RunReport, now: datetime, rebuild: bool = False):
        self.settings = settings
        self.lake = lake
        self.report = report
        self.now = now
        self.base: Manifest | None = None if rebuild else lake.manifest()
        if rebuild:
            report.notes.append("rebuilt from the source files alone, on no earlier version")
        _refuse_unreadable(lake, self.base)
        self.version = lake.next_version()
        self.txn = Transaction.begin(lake, self.base, report.run_id, self.version)
        for name, spec in schema.TABLES.items():
            self.txn.declare(name, spec.kind, spec.schema, spec.version, spec.description)
        hints = read_parquet_or_empty(lake.stat_cache_path, STAT_CACHE)
        self.ledger = Ledger(read_parts(lake, self.txn.base_parts("ledger"), schema.LEDGER), hints)
        self.counts = report.counts
        self.plan_: Plan | None = None
        self.changes: Changes | None = None
        self.validation = gates.ValidationReport.of([])
        self.models: models.ModelBuild | None = None
        self.manifest_: Manifest | None = None
        self.committed = False
        self.con = connect()
        self.report.current_version = lake.current_version()

    # ------------------------------------------------------------------ plan

    def _base_view(self, table: str) -> str:
        register_parts(self.con, self.lake, f"base_{table}", self.txn.base_parts(table), schema.TABLES[table].schema)
        return f"base_{table}"

    def plan(self) -> Plan:
        """Discover the source and sort every file: unchanged, new, changed or gone."""
        s = self.settings
        if not s.source.is_dir():
            raise LakeError(f"source folder not found: {s.source}")
        shown = progress()
        shown.start("discover", None, "files")
        files = discover(s.source, s.ignore, known=self.ledger.known_sha, on_file=lambda: shown.advance("discover"))
        shown.finish("discover")
        unchanged = [f for f in files if self.ledger.seen(f.sha256)]
        todo = [f for f in files if not self.ledger.seen(f.sha256)]
        changed = {f.uri for f in todo if self.ledger.changed(f.uri, f.sha256)}
        deleted = [] if s.deleted_files == "keep" else self.ledger.missing({f.uri for f in files})
        if deleted and not files:
            raise LakeError(
                f"source folder {s.source} holds no files, but the lake has {len(deleted)}: refusing to remove "
                "every article (set deleted_files=keep for an inbox that is emptied once ingested)"
            )
        built_from = (self.base.run.get("source") if self.base else None) or self.report.source
        if deleted and built_from != self.report.source:
            raise LakeError(
                f"lake {self.lake.root} was built from {built_from}, not {self.report.source}: refusing to remove "
                f"the articles of {len(deleted)} files this folder does not hold (run with the lake's own source "
                "folder, or set deleted_files=keep to add to the lake from several folders)"
            )
        gone = changed | set(deleted)
        superseded = self._superseded(gone)
        removed = set(superseded.column("article_id").to_pylist())
        orphans = self._orphans(removed)
        revive = self.ledger.holders(removed, unchanged)
        self.plan_ = Plan(files, unchanged, todo, changed, deleted, self.ledger.refreshed(unchanged), superseded, orphans, revive)
        self.counts.files_seen = len(files)
        self.counts.unchanged = self.counts.items_seen = sum(self.ledger.items_of(f.sha256) for f in unchanged)
        self.counts.deleted_files = len(deleted)
        return self.plan_

    def _superseded(self, gone: set[str]) -> pa.Table:
        empty = pa.table({"article_id": pa.array([], pa.string()), "source_uri": pa.array([], pa.string())})
        parts = parts_holding(
            self.con, self.lake, self.txn.base_parts("articles"), FILE_PART_SQL.format(column="source_uri"), gone
        )
        if not parts:
            return empty
        rows = read_parts(self.lake, parts, schema.ARTICLES, columns=["article_id", "source_uri"])
        files = pa.array([file_part(u) for u in rows.column("source_uri").to_pylist()], pa.string())
        return rows.filter(pc.is_in(files, value_set=pa.array(sorted(gone), pa.string())))

    def _orphans(self, removed: set[str]) -> pa.Table:
        parts = parts_holding(self.con, self.lake, self.txn.base_parts("articles"), "duplicate_of", removed)
        if not parts:
            return schema.ARTICLES.empty_table()
        rows = read_parts(self.lake, parts, schema.ARTICLES)
        linked = pc.fill_null(pc.is_in(rows.column("duplicate_of"), value_set=pa.array(sorted(removed), pa.string())), False)
        mine = pc.is_in(rows.column("article_id"), value_set=pa.array(sorted(removed), pa.string()))
        return rows.filter(pc.and_(linked, pc.invert(mine)))

    def check_nothing_to_do(self) -> None:
        """End the run as nothing_new when no file is new, changed or gone."""
        if self.plan_.nothing_to_do:
            raise NothingToDo

    def check_changes(self) -> None:
        """End the run as nothing_new when the new files changed nothing either."""
        if self.changes.empty:
            raise NothingToDo

    # ------------------------------------------------------------------ parse

    def parse_batches(self, size: int) -> list[list[SourceFile]]:
        plan = self.plan_
        by_uri = {f.uri: f for f in plan.unchanged}
        files = sorted(plan.todo + [by_uri[u] for u in plan.revive], key=lambda f: f.uri)
        return [files[i : i + size] for i in range(0, len(files), size)]

    def parse_job(self) -> "ParseJob":
        s = self.settings
        return ParseJob(
            run_id=self.report.run_id,
            now=self.now,
            limits=Limits(s.max_file_bytes, s.max_archive_bytes),
            default_language=s.default_language,
            json_fields=s.json_fields,
            revive=self.plan_.revive,
            use_file_mtime=s.dct_file_mtime,
            max_extract_chars=s.max_extract_chars,
        )

    def parse(self, files: list[SourceFile]) -> Batch:
        return self.parse_job().parse(files)

    # ------------------------------------------------------------------ merge

    def merge(self, batches: Sequence[Batch]) -> Changes:
        """Exact duplicates, the article gate, near copies, and the counts."""
        plan = self.plan_
        superseded = set(plan.superseded.column("article_id").to_pylist())
        candidates = [row for batch in batches for row in batch.articles]
        in_lake = self._lake_ids({r["article_id"] for r in candidates} - superseded)
        seen, new_rows, duplicates = set(in_lake), [], 0
        for row in candidates:
            if row["article_id"] in seen:
                duplicates += 1
                continue
            seen.add(row["article_id"])
            new_rows.append(row)
        revived = [r for batch in batches for r in batch.revived if r["article_id"] not in seen]
        revived = list({r["article_id"]: r for r in revived}.values())

        quarantine = [row for batch in batches for row in batch.quarantine]
        new_rows, refused = self._gate_articles(new_rows)
        quarantine += refused

        orphans = plan.orphans.to_pylist()
        for row in orphans:
            row["duplicate_of"] = None
        to_link = sorted(
            new_rows + revived + orphans,
            key=lambda r: (r["published_at"] is None, r["published_at"] or datetime.min.replace(tzinfo=timezone.utc), r["source_uri"]),
        )
        signatures = self._link(to_link, superseded)
        new_ids = {r["article_id"] for r in new_rows}
        near = sum(1 for r in to_link if r["article_id"] in new_ids and r["duplicate_of"] is not None)

        from_changed = {
            article_id
            for article_id, uri in zip(plan.superseded.column("article_id").to_pylist(), plan.superseded.column("source_uri").to_pylist())
            if file_part(uri) in plan.changed
        }
        c = self.counts
        c.items_seen = c.unchanged + sum(batch.items for batch in batches)
        c.new_articles = len(new_rows) - near
        c.duplicates = duplicates + near
        c.near_duplicates = near
        c.quarantined = len(quarantine)
        c.replaced = len(from_changed - new_ids)
        c.removed = len(superseded - from_changed - new_ids)
        c.check()

        self.changes = Changes(
            articles=schema.to_table(to_link, schema.ARTICLES),
            removed_ids=superseded | {r["article_id"] for r in orphans},
            quarantine=schema.to_table(quarantine, schema.QUARANTINE),
            ledger_rows=[row for batch in batches for row in batch.ledger] + plan.refreshed,
            signatures=signatures,
        )
        return self.changes

    def _lake_ids(self, ids: set[str]) -> set[str]:
        parts = parts_holding(self.con, self.lake, self.txn.base_parts("articles"), "article_id", ids)
        if not parts:
            return set()
        found = read_parts(self.lake, parts, schema.ARTICLES, columns=["article_id"]).column("article_id").to_pylist()
        return ids.intersection(found)

    def _gate_articles(self, rows: list[dict]) -> tuple[list[dict], list[dict]]:
        """Row-level expectations on the new articles: `quarantine` ones take the failing
        rows out of the run; `fail` ones stop it before any extraction is spent."""
        path = gates.suite_path_for(self.settings.expectations_dir, "articles")
        if not rows or not path.is_file():
            return rows, []
        table = schema.to_table(rows, schema.ARTICLES)
        result = gates.validate_arrow("articles", table, path)
        self.validation = self.validation.with_results(result)
        if not result.success:
            self._refuse()
        refused = [
            {
                "source_uri": rows[i]["source_uri"],
                "source_sha256": rows[i]["source_sha256"],
                "line": _line_of(rows[i]["source_uri"]),
                "reason": "failed_expectation",
                "detail": "articles: " + "; ".join(labels),
                "quarantined_at": self.now,
                "run_id": self.report.run_id,
            }
            for i, labels in sorted(result.quarantined.items())
        ]
        keep = [row for i, row in enumerate(rows) if i not in result.quarantined]
        return keep, refused

    def _link(self, rows: list[dict], excluded: set[str]) -> pa.Table:
        """Set `duplicate_of` on `rows` (in order) against the lake's canonical articles
        and each other; returns the signatures of the ones that stay canonical."""
        if not rows:
            return schema.SIGNATURES.empty_table()
        ids = [r["article_id"] for r in rows]
        texts = [dedup.dedup_text(r["title"], r["body"]) for r in rows]
        if self.uses_workers(len(rows)):
            from newslake.extract_pool import signatures_in_workers

            s = self.settings
            sigs = signatures_in_workers(texts, model=s.spacy_model, processes=s.n_process, batch_size=s.nlp_batch_size)
        else:
            sigs = dedup.signatures(texts)
        self._base_view("signatures")
        self.con.execute("create or replace temp view signatures as select * from base_signatures")
        lake_ids, lake_sigs = dedup.lake_candidates(self.con, sigs, sorted(excluded))
        links = dedup.link_signatures(lake_ids, lake_sigs, ids, sigs)
        for row, target in zip(rows, links):
            row["duplicate_of"] = target
        keep = [i for i, target in enumerate(links) if target is None and not dedup.is_empty(sigs[i])]
        return dedup.signature_table([ids[i] for i in keep], sigs[keep], version_number(self.version) * 1_000_000_000)

    # ------------------------------------------------------------------ base tables

    def stage_base(self) -> None:
        """Write the base and state tables' new parts and rewrite the parts that hold
        rows this run removes (copy-on-write)."""
        ch, plan, run_id = self.changes, self.plan_, self.report.run_id
        removed = sorted(ch.removed_ids)
        self._rewrite("articles", "article_id", removed)
        for table in PER_ARTICLE + ("signatures",):
            self._rewrite(table, "article_id", removed)
        gone = sorted(plan.gone)
        file_sql = FILE_PART_SQL.format(column="source_uri")
        self._rewrite("quarantine", file_sql, gone, by_file=True)
        self._rewrite("ledger", file_sql, gone, by_file=True)
        self._rewrite("ledger", "source_uri", sorted({r["source_uri"] for r in plan.refreshed}))

        months = month_of(ch.articles.column("published_at"))
        self.txn.add("articles", write_partitioned(
            self.lake, "articles", ch.articles, months, run_id=run_id, schema=schema.ARTICLES, schema_version=schema.TABLES["articles"].version
        ))
        for table, data in (
            ("quarantine", ch.quarantine),
            ("ledger", schema.to_table(ch.ledger_rows, schema.LEDGER)),
            ("signatures", ch.signatures),
        ):
            if data.num_rows:
                spec = schema.TABLES[table]
                self.txn.add(table, [write_part(self.lake, table, data, run_id=run_id, schema=spec.schema, schema_version=spec.version)])

    def _rewrite(self, table: str, key_sql: str, values: list[str], by_file: bool = False) -> None:
        if not values:
            return
        spec = schema.TABLES[table]
        holding = parts_holding(self.con, self.lake, self.txn.parts(table), key_sql, values)
        if by_file:
            value_set = pa.array(values, pa.string())

            def drop(rows: pa.Table) -> pa.Array:
                files = pa.array([file_part(u) for u in rows.column("source_uri").to_pylist()], pa.string())
                return pc.is_in(files, value_set=value_set)
        else:
            drop = key_in(key_sql, values)
        for part in holding:
            new = rewrite_without(
                self.lake, part, table, drop=drop, run_id=self.report.run_id, schema=spec.schema, schema_version=spec.version
            )
            self.txn.replace(table, part, new)

    # ------------------------------------------------------------------ extraction

    def extraction_batches(self, size: int) -> list[pa.Table]:
        if not self.settings.extract:
            return []
        todo = self.changes.to_extract
        return [schema.slice_copy(todo, start, size) for start in range(0, todo.num_rows, size)]

    def uses_workers(self, articles: int) -> bool:
        """Worker processes (newslake.extract_pool) pay off from a few hundred articles:
        starting them costs seconds. On Dask the Dask workers are the processes."""
        s = self.settings
        return s.extract and not s.dask and s.n_process > 1 and articles >= s.workers_from

    def expects_many_articles(self) -> bool:
        """Before parsing, from the bytes to parse: whether to start the workers early."""
        return self.uses_workers(sum(f.size for f in self.plan_.todo) // BYTES_PER_ARTICLE)

    def warm_up(self) -> None:
        """Start what the later stages need while the run parses: for a large run the
        worker processes with their model, else GX's import (see `warm_up_validation`)."""
        if self.expects_many_articles():
            from newslake.extract_pool import warm

            s = self.settings
            warm(s.spacy_model, s.n_process, s.nlp_batch_size)
        else:
            gates.preload()

    def warm_up_validation(self) -> None:
        """Import GX now, as extraction starts, if `warm_up` left it: while the workers
        extract, this process only waits for them, and during parsing GX's 4 s of
        imports held the lock that the parser needed."""
        gates.preload()

    def extract_job(self) -> "ExtractJob":
        """How this run extracts: in worker processes when there are many articles."""
        s = self.settings
        return ExtractJob(
            lake_root=str(self.lake.root),
            run_id=self.report.run_id,
            spacy_model=s.spacy_model,
            nlp_batch_size=s.nlp_batch_size,
            n_process=s.n_process if self.uses_workers(self.changes.to_extract.num_rows) else 1,
            max_extract_chars=s.max_extract_chars,
        )

    def extraction_done(self) -> None:
        """Stop the extraction workers, if this run started them: the stages that follow
        do not need their memory."""
        from newslake.extract_pool import shutdown

        shutdown()

    def add_extracted(self, found: "Extracted") -> None:
        """Take one extraction batch's parts into the version being assembled."""
        self.counts.skipped_language += found.skipped_language
        for table, parts in found.parts.items():
            self.txn.add(table, parts)

    # ------------------------------------------------------------------ models

    def build_models(self) -> models.ModelBuild:
        incremental = self.settings.incremental_models and not self.changes.removed_ids
        self.models = models.build(
            self.lake,
            self.txn,
            self.settings.sql_dir,
            added={
                "articles": self.changes.articles,
                "entity_mentions": self.txn.added_parts("entity_mentions"),
                "date_mentions": self.txn.added_parts("date_mentions"),
            },
            incremental=incremental,
            top_entities=self.settings.cooccurrence_top_entities,
        )
        self.report.models = self.models.mode
        return self.models

    # ------------------------------------------------------------------ gate

    def gate(self) -> gates.ValidationReport:
        """Row-level suites on what this run adds; table-wide facts as check tables."""
        from newslake.checks import run_checks

        added = {
            "quarantine": self.changes.quarantine,
            "entity_mentions": self._added_pieces("entity_mentions"),
            "date_mentions": self._added_pieces("date_mentions"),
            "runs": schema.to_table([self.report.row()], schema.RUNS),
            **self.models.changed_rows,
        }
        checks = run_checks(self, self.settings.sql_dir)
        report = gates.validate_tables({**added, **checks}, self.settings.expectations_dir)
        self.validation = gates.ValidationReport.of([*self.validation.tables, *report.tables], report.unchecked)
        self.report.validation = self.validation.to_dict()
        self._save_validation()
        if not self.validation.success:
            self._refuse()
        return self.validation

    def _added_pieces(self, table: str) -> pa.Table | Iterator[pa.Table]:
        """The rows this run added to a table, a few parts at a time, so that the gate's
        memory does not grow with the run."""
        parts, spec = self.txn.added_parts(table), schema.TABLES[table].schema
        if not parts:
            return spec.empty_table()

        def pieces() -> Iterator[pa.Table]:  # parts gathered up to one GX batch's worth of bytes
            pending, size = [], 0
            for part in parts:
                pending.append(read_parts(self.lake, [part], spec))
                size += pending[-1].nbytes
                if size >= gates.CHUNK_BYTES:
                    yield pa.concat_tables(pending)
                    pending, size = [], 0
            if pending:
                yield pa.concat_tables(pending)

        return pieces()

    def _refuse(self) -> None:
        self.report.validation = self.validation.to_dict()
        self._save_validation()
        self.report.status = "validation_failed"
        self.report.finished_at = datetime.now(timezone.utc)
        self.write_html_report()  # before the abort: it reads the refused version's parts
        self.txn.abort()
        self._finish()
        raise ValidationFailed([f.summary() for f in self.validation.failures()], self.report.to_dict())

    def _save_validation(self) -> None:
        atomic_write_json(self.validation.to_dict(detail=True), self.lake.run_dir(self.report.run_id) / "validation.json", "validation")

    # ------------------------------------------------------------------ run report

    TOP_ENTITIES = 20

    def write_html_report(self) -> Path | None:
        """runs/<run_id>/report.html: after the commit for a published run, or before the
        abort for a refused one, when it says why nothing was published. A report is
        not worth failing a run for: a failure to write it is a note."""
        from newslake.html_report import render

        path = self.lake.run_dir(self.report.run_id) / "report.html"
        try:
            refused = self.report.status != "published"
            parts = self.txn.parts if refused else self.manifest_.parts
            data_from = (f"the version this run refused to publish ({self.version})" if refused else f"version {self.version}")
            self.report.html_report = str(path)
            html = render(
                self.report.to_dict(),
                self.validation.to_dict(detail=True),
                quarantine=self._quarantine_reasons(),
                entities=self._query(parts("entities"), "entities", f"select name, label, mention_count, article_count from t order by mention_count desc, name limit {self.TOP_ENTITIES}"),
                timeline=self._query(parts("dates"), "dates", "select date, published_count, mentioned_count from t where published_count > 0 or mentioned_count > 0 order by date"),
                data_from=data_from,
            )
            atomic_write_text(html, path, "report")
            return path
        except Exception as exc:  # noqa: BLE001 - the run's outcome stands without its page
            self.report.html_report = None
            self.report.notes.append(f"the run report was not written: {type(exc).__name__}: {exc}")
            return None

    def _query(self, parts: list[Part], table: str, sql: str) -> list[dict]:
        if not parts:
            return []
        register_parts(self.con, self.lake, "t", parts, schema.TABLES[table].schema)
        return self.con.sql(sql).to_arrow_table().to_pylist()

    def _quarantine_reasons(self, examples: int = 3) -> list[dict]:
        """This run's quarantined files and records by reason, a few of each shown."""
        rows = self.changes.quarantine.to_pylist() if self.changes is not None else []
        by_reason: dict[str, list[dict]] = {}
        for row in rows:
            by_reason.setdefault(row["reason"], []).append(row)
        return [
            {"reason": reason, "count": len(items), "examples": [{k: r[k] for k in ("source_uri", "line", "detail")} for r in items[:examples]]}
            for reason, items in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]

    # ------------------------------------------------------------------ commit

    def commit(self) -> dict:
        """Write the version: one manifest, one rename; then the log, warehouse and cleanup.

        Safe to call again after a failure (the flow retries it): the manifest is sealed
        once, and `lake.commit` finishes a version it already renamed into place. Once
        `current` has switched the run is published: what follows (the runs log, the
        warehouse, pruning) is repaired by the next run if it fails, and reported here."""
        if self.manifest_ is None:
            self.manifest_ = self._seal()
        commit(self.lake, self.manifest_)
        self.committed = True
        self.report.current_version = self.version
        for step, action in (
            ("runs log", lambda: runs_log.write_run(self.lake, self.manifest_.run)),
            ("stat cache", lambda: self.lake.stat_cache_path.unlink(missing_ok=True)),  # its hints are in the ledger now
            ("warehouse", lambda: build_warehouse(self.lake)),
            ("pruning", lambda: prune(self.lake, self.settings.keep_versions)),
            ("cleanup", lambda: collect_garbage(self.lake)),
        ):
            try:
                action()
            except Exception as exc:  # the version is current: report, and let the next run repair
                self.report.notes.append(f"published {self.version}, but its {step} failed: {type(exc).__name__}: {exc}")
        return self.report.to_dict()

    def _seal(self) -> Manifest:
        s, run_id = self.settings, self.report.run_id
        compact_small_parts(self.lake, self.txn, s.compact_small_parts, s.compact_target_bytes)
        self.report.status = "published"
        self.report.version = self.version
        self.report.finished_at = datetime.now(timezone.utc)
        add_runs_part(self.lake, self.txn, self.report)
        self.txn.fill_empty(
            lambda table, sch: write_part(self.lake, table, sch.empty_table(), run_id=run_id, schema=sch, schema_version=schema.TABLES[table].version)
        )
        self.report.rows = {name: t.rows for name, t in self.txn.tables.items() if name in schema.PUBLISHED}
        return self.txn.manifest(
            created_at=self.report.finished_at.isoformat(),
            run=runs_log.row_to_json(self.report.row()),
            validation=self.report.validation or {},
        )

    # ------------------------------------------------------------------ other endings

    def remember_hashes(self) -> None:
        """Keep the sha256 of the files the plan read as size+mtime hints, so the run
        that follows (in the flow) does not read them again."""
        rows = [
            {"source_uri": f.uri, "sha256": f.sha256, "size": f.size, "mtime_ns": f.mtime_ns}
            for f in self.plan_.todo
            if f.sha256 is not None
        ]
        self._save_hints(rows)

    def _save_hints(self, rows: list[dict]) -> None:
        if not rows:
            return
        new = pa.Table.from_pylist([{k: r[k] for k in STAT_CACHE.names} for r in rows], schema=STAT_CACHE)
        old = read_parquet_or_empty(self.lake.stat_cache_path, STAT_CACHE)
        keep = old.filter(pc.invert(pc.is_in(old.column("source_uri"), value_set=new.column("source_uri"))))
        atomic_write_parquet(pa.concat_tables([keep, new]), self.lake.stat_cache_path, "stat_cache")

    def finish_nothing_new(self) -> dict:
        self.txn.abort()
        if self.plan_ is not None:
            self._save_hints(self.plan_.refreshed)
        self.report.status = "nothing_new"
        manifest = self.lake.manifest()
        self.report.rows = {k: v for k, v in (manifest.rows() if manifest else {}).items() if k in schema.PUBLISHED}
        return self._finish()

    def fail(self, exc: BaseException) -> bool:
        """The run stops. Once `current` names this run's version the run is published,
        whatever failed after the switch (a full disk, say): the ledger is inside the
        version, so the next run counts its files as unchanged, and a missing log row
        or warehouse is written by the next run's recovery. Before the switch nothing
        the run wrote stays: not its parts, and not a version folder it renamed into
        place (the next run would otherwise roll it forward)."""
        if self.committed or self._switched():
            self.committed = True
            self.report.status, self.report.version = "published", self.version
            self.report.current_version = self.version
            self.report.notes.append(f"published {self.version}, then: {type(exc).__name__}: {exc}")
            if self.report.run_id not in runs_log.logged_run_ids(self.lake):
                try:
                    runs_log.write_run(self.lake, self.lake.manifest(self.version).run)
                except Exception as again:  # noqa: BLE001 - the next run's recovery writes it
                    self.report.notes.append(f"its runs-log row was not written ({again}); the next run writes it")
            return True
        self._unpublish()
        self.txn.abort()
        self.report.status = "failed"
        self.report.version = None
        self.report.error = f"{type(exc).__name__}: {exc}"
        self._finish()
        return False

    def _switched(self) -> bool:
        manifest = self.lake.manifest(self.version) if self.lake.current_version() == self.version else None
        return manifest is not None and manifest.run_id == self.report.run_id

    def _unpublish(self) -> None:
        """Take back this run's staging folder, and its version folder if it was renamed
        into place but never became current: the manifest goes first, so that it stops
        being a version at once."""
        shutil.rmtree(self.lake.published / f".staging-{self.version}-{os.getpid()}", ignore_errors=True)  # its links hold the parts' space
        folder = self.lake.published / self.version
        manifest = self.lake.manifest(self.version)
        if manifest is None or manifest.run_id != self.report.run_id or self.lake.current_version() == self.version:
            return
        (folder / "manifest.json").unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)

    def _finish(self) -> dict:
        self.report.finished_at = datetime.now(timezone.utc)
        self.report.current_version = self.lake.current_version()
        if self.report.status != "published":
            self.report.version = None
        runs_log.write_run(self.lake, runs_log.row_to_json(self.report.row()))
        return self.report.to_dict()


@dataclass(frozen=True)
class ParseJob:
    """What a parse batch needs, and nothing that cannot travel to another process."""

    run_id: str
    now: datetime
    limits: Limits
    default_language: str
    json_fields: dict
    revive: dict[str, set[str]]
    use_file_mtime: bool = False
    max_extract_chars: int = MAX_EXTRACT_CHARS

    def parse(self, files: list[SourceFile]) -> Batch:
        return parse_batch(
            files,
            run_id=self.run_id,
            now=self.now,
            limits=self.limits,
            default_language=self.default_language,
            options=ReaderOptions(json_fields=self.json_fields),
            revive=self.revive,
            use_file_mtime=self.use_file_mtime,
            max_extract_chars=self.max_extract_chars,
        )


@dataclass
class Extracted:
    parts: dict[str, list[Part]]
    skipped_language: int
    articles: int
    entity_mentions: int
    date_mentions: int


@dataclass(frozen=True)
class ExtractJob:
    """An extraction batch, wherever it runs: the model is loaded once per process, and
    the mentions are written as parts of the lake (invisible until the run commits)."""

    lake_root: str
    run_id: str
    spacy_model: str
    nlp_batch_size: int
    n_process: int
    max_extract_chars: int = MAX_EXTRACT_CHARS

    def extract(self, articles: pa.Table) -> Extracted:
        if self.n_process > 1:
            from newslake.extract_pool import extract_in_workers

            found = extract_in_workers(
                articles, model=self.spacy_model, processes=self.n_process, batch_size=self.nlp_batch_size,
                max_chars=self.max_extract_chars,
            )
        else:
            from newslake.entities import load_nlp
            from newslake.extract import extract_mentions

            found = extract_mentions(
                load_nlp(self.spacy_model), articles, batch_size=self.nlp_batch_size, max_chars=self.max_extract_chars
            )
        lake = Lake(Path(self.lake_root))
        month = dict(zip(articles.column("article_id").to_pylist(), month_of(articles.column("published_at"))))
        parts = {}
        for table, data in (("entity_mentions", found.entities), ("date_mentions", found.dates)):
            months = [month[a] for a in data.column("article_id").to_pylist()]
            spec = schema.TABLES[table]
            parts[table] = write_partitioned(lake, table, data, months, run_id=self.run_id, schema=spec.schema, schema_version=spec.version)
        return Extracted(parts, found.skipped_language, articles.num_rows, found.entities.num_rows, found.dates.num_rows)


def add_runs_part(lake: Lake, txn: Transaction, report: RunReport) -> None:
    """The version's `runs` table: the previous version's, plus the log rows since
    (nothing-new and failed runs) and this run's row."""
    logged = runs_log.logged_run_ids(lake)
    known = set(read_parts(lake, txn.base_parts("runs"), schema.RUNS, columns=["run_id"]).column("run_id").to_pylist())
    since = runs_log.read_runs(lake, sorted(logged - known - {report.run_id}))
    rows = pa.concat_tables([since, schema.to_table([report.row()], schema.RUNS)])
    spec = schema.TABLES["runs"]
    txn.add("runs", [write_part(lake, "runs", rows, run_id=report.run_id, schema=spec.schema, schema_version=spec.version)])


def _line_of(source_uri: str) -> int | None:
    _, _, part = source_uri.partition("#L")
    return int(part) if part.isdigit() else None


def run_if_nothing_new(settings: Settings) -> dict | None:
    """The nothing-new decision, before any orchestrator starts: when no file is new,
    changed or gone, record the run (status nothing_new) and return its report; else
    return None, leaving nothing behind but the hashes it read, for the flow to reuse."""
    with open_run(settings) as run:
        run.report.stage_seconds["discover"] = 0.0
        with run.report.timed("discover"):
            run.plan()
        if run.plan_.nothing_to_do:
            raise NothingToDo
        run.remember_hashes()
        raise HandOver
    return run.report.to_dict() if run.report.status == "nothing_new" else None


def compact_lake(settings: Settings) -> dict:
    """`newslake compact`: a new version whose tables hold the same rows in fewer parts
    (and parts of older schemas rewritten to the current one). Recorded in the runs
    log with status "compacted"."""
    from newslake.lake.compact import compact_all, compactable

    lake = Lake(settings.lake)
    lake.check_usable()
    now = datetime.now(timezone.utc)
    report = RunReport(run_id=new_run_id(now), source="", lake=str(settings.lake), started_at=now)
    with publisher_lock(lake, settings.lock_wait):
        report.notes.extend(recover(lake))
        base = lake.manifest()
        if base is None:
            raise LakeError(f"lake {lake.root} has no published version to compact")
        report.source = base.run.get("source", "")  # the lake's source folder, as its last run read it
        txn = Transaction.begin(lake, base, report.run_id, lake.next_version())
        for name, spec in schema.TABLES.items():
            txn.declare(name, spec.kind, spec.schema, spec.version, spec.description)
        result = {"version": None, "parts_before": sum(len(t.parts) for t in base.tables.values()), "parts_after": None}
        if not compactable(txn, settings.compact_target_bytes):
            return result
        report.status = "compacted"
        report.version = txn.version
        report.finished_at = datetime.now(timezone.utc)
        report.validation = base.validation
        add_runs_part(lake, txn, report)
        before, after = compact_all(lake, txn, settings.compact_target_bytes)
        result.update(parts_before=before)
        manifest = txn.manifest(created_at=report.finished_at.isoformat(), run=runs_log.row_to_json(report.row()), validation=base.validation)
        commit(lake, manifest)
        runs_log.write_run(lake, manifest.run)
        build_warehouse(lake)
        prune(lake, settings.keep_versions)
        collect_garbage(lake)
        result.update(version=txn.version, parts_after=after)
        return result
