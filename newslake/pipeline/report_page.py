"""The run report page of a checkpoint: runs/<run_id>/report.html.

Written after the commit for a published checkpoint, or before the abort for a
refused one, when it says why nothing was published. A page is not worth failing
a run for: a failure to write it is a note.
"""

from __future__ import annotations

from pathlib import Path

from newslake import schema
from newslake.lake import Part
from newslake.lake.query import register_parts
from newslake.pipeline.checkpoint import Checkpoint
from newslake.storage import atomic_write_text

PAGE_ENTITIES = 20  # the top entities the page lists
PAGE_SPEAKERS = 10  # the entities quoted most often that the page lists

#: Over `entity_quotes`, so the page counts what the published table counts: quotes of
#: canonical articles (near copies left out, `stg_canonical_articles`) whose speaker
#: resolves to the entity. An article falls on one day, so its days' article counts add up.
TOP_SPEAKERS = f"""
with spoken as (
    select entity_id, sum(quote_count) as quotes, sum(article_count) as articles
    from eq
    group by entity_id
),

final as (
    select e.name, e.label, s.quotes, s.articles
    from spoken as s join e using (entity_id)
    order by s.quotes desc, e.name
    limit {PAGE_SPEAKERS}
)

select * from final
"""


def write_report_page(cp: Checkpoint, flow_run: dict | None = None) -> Path | None:
    """`flow_run`: the Prefect flow run's id and UI address, when the flow knows them."""
    from newslake.report.page import render

    path = cp.lake.run_dir(cp.run_id) / "report.html"
    try:
        refused = cp.report.status != "published"
        parts = cp.txn.parts if refused else cp.manifest.parts
        data_from = f"the version this run refused to publish ({cp.version})" if refused else f"version {cp.version}"
        cp.report.html_report = str(path)
        html = render(
            cp.report.to_dict(),
            cp.validation.to_dict(detail=True),
            quarantine=_quarantine_reasons(cp),
            entities=_query(cp, parts("entities"), "entities", f"select name, label, mention_count, article_count from t order by mention_count desc, name limit {PAGE_ENTITIES}"),
            timeline=_query(cp, parts("dates"), "dates", "select date, published_count, mentioned_count from t where published_count > 0 or mentioned_count > 0 order by date"),
            data_from=data_from,
            speakers=_top_speakers(cp, parts),
            off_timeline=_count(cp, parts("articles"), "articles", "select count(*) as n from t where duplicate_of is null and (reference_date is null or coalesce(reference_precision, 'day') <> 'day')"),
            previous_rows=_rows_of(cp.txn.base),
            flow_run=flow_run,
        )
        atomic_write_text(html, path, "report")
        return path
    except Exception as exc:  # noqa: BLE001 - the run's outcome stands without its page
        cp.report.html_report = None
        cp.report.notes.append(f"the run report was not written: {type(exc).__name__}: {exc}")
        return None


def _query(cp: Checkpoint, parts: list[Part], table: str, sql: str) -> list[dict]:
    if not parts:
        return []
    register_parts(cp.con, cp.lake, "t", parts, schema.TABLES[table].schema)
    return cp.con.sql(sql).to_arrow_table().to_pylist()


def _top_speakers(cp: Checkpoint, parts) -> list[dict]:
    """The entities the version quotes most often (`entity_quotes`; none when the lake
    holds no quotes: a run without extraction)."""
    views = {"eq": "entity_quotes", "e": "entities"}
    if not all(parts(table) for table in views.values()):
        return []
    for view, table in views.items():
        register_parts(cp.con, cp.lake, view, parts(table), schema.TABLES[table].schema)
    return cp.con.sql(TOP_SPEAKERS).to_arrow_table().to_pylist()


def _count(cp: Checkpoint, parts: list[Part], table: str, sql: str) -> int:
    rows = _query(cp, parts, table, sql)
    return int(rows[0]["n"]) if rows else 0


def _rows_of(manifest) -> dict[str, int] | None:
    """Rows per published table of the version a checkpoint was built on (None: the first)."""
    if manifest is None:
        return None
    return {name: t.rows for name, t in manifest.tables.items() if name in schema.PUBLISHED}


def _quarantine_reasons(cp: Checkpoint, examples: int = 3) -> list[dict]:
    """This checkpoint's quarantined files and records by reason, a few of each shown."""
    rows = cp.changes.quarantine.to_pylist() if cp.changes is not None else []
    by_reason: dict[str, list[dict]] = {}
    for row in rows:
        by_reason.setdefault(row["reason"], []).append(row)
    return [
        {"reason": reason, "count": len(items), "examples": [{k: r[k] for k in ("source_uri", "line", "detail")} for r in items[:examples]]}
        for reason, items in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
