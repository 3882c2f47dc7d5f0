"""The dataset contract: the Arrow schema of every table newslake publishes.

Consumers read these columns by name, so renaming one is a breaking change. Every
writer builds its table through `empty_table`/`to_table` so that a column never
silently changes type between versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source_uri", pa.string()),
        ("source_sha256", pa.string()),
        ("source_format", pa.string()),
        ("outlet", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", UTC_TS),
        ("published_precision", pa.string()),
        ("reference_date", pa.date32()),  # what relative dates resolve against (newslake.reference_dates)
        ("dct_source", pa.string()),  # the rule that chose it: published | dateline | text | file_mtime | none
        ("captions", pa.list_(pa.string())),
        ("body", pa.string()),
        ("language", pa.string()),
        ("word_count", pa.int32()),
        ("duplicate_of", pa.string()),
        ("ingested_at", UTC_TS),
        ("run_id", pa.string()),
    ]
)

# One row per mention, as its article resolved it (newslake/canonical/resolve.py): the
# cleaned span, the voted label, the canonical name, a role, and the place. alias_id
# names (label, name, place) and maps to the lake-wide entity_id in entity_aliases.
ENTITY_MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("field", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("name", pa.string()),
        ("role", pa.string()),
        ("alias_id", pa.string()),
        ("surname", pa.string()),  # folded last name of a full person name, else null
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)

DATE_MENTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("field", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("text", pa.string()),
        ("type", pa.string()),
        ("value", pa.string()),
        ("resolved_date", pa.date32()),
        ("granularity", pa.string()),
        ("anchored", pa.bool_()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("source_uri", pa.string()),
        ("source_sha256", pa.string()),
        ("line", pa.int32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("quarantined_at", UTC_TS),
        ("run_id", pa.string()),
    ]
)

ARTICLE_ENTITIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("mention_count", pa.int64()),
        ("in_title", pa.bool_()),
        ("in_caption", pa.bool_()),
        ("first_body_offset", pa.int32()),
    ]
)

# Every name an article resolved (an alias) and the entity it belongs to across the lake.
ENTITY_ALIASES = pa.schema(
    [
        ("alias_id", pa.string()),
        ("alias", pa.string()),
        ("label", pa.string()),
        ("surname", pa.string()),
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("mention_count", pa.int64()),
        ("article_count", pa.int64()),
        ("entity_id", pa.string()),
    ]
)

ENTITIES = pa.schema(
    [
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("label", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("mention_count", pa.int64()),
        ("article_count", pa.int64()),
        ("first_seen", UTC_TS),
        ("last_seen", UTC_TS),
    ]
)

ROLES = pa.schema(
    [
        ("entity_id", pa.string()),
        ("role", pa.string()),
        ("article_id", pa.string()),
        ("published_at", UTC_TS),
    ]
)

ENTITY_COOCCURRENCE = pa.schema(
    [
        ("entity_a", pa.string()),
        ("entity_b", pa.string()),
        ("article_count", pa.int64()),
        ("first_seen", UTC_TS),
        ("last_seen", UTC_TS),
    ]
)

ENTITY_DAILY = pa.schema(
    [
        ("entity_id", pa.string()),
        ("day", pa.date32()),
        ("mention_count", pa.int64()),
        ("article_count", pa.int64()),
    ]
)

DATES = pa.schema(
    [
        ("date", pa.date32()),
        ("year", pa.int64()),
        ("quarter", pa.int64()),
        ("month", pa.int64()),
        ("day_of_month", pa.int64()),
        ("iso_year", pa.int64()),
        ("iso_week", pa.int64()),
        ("iso_weekday", pa.int64()),
        ("weekday_name", pa.string()),
        ("is_weekend", pa.bool_()),
        ("published_count", pa.int64()),
        ("mentioned_count", pa.int64()),
    ]
)

RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("started_at", UTC_TS),
        ("finished_at", UTC_TS),
        ("source", pa.string()),
        ("status", pa.string()),
        ("files_seen", pa.int64()),
        ("items_seen", pa.int64()),  # files, with each record of a multi-record file counted
        ("new_articles", pa.int64()),
        ("duplicates", pa.int64()),
        ("unchanged", pa.int64()),
        ("quarantined", pa.int64()),
        ("skipped_language", pa.int64()),  # new articles not extracted: no model for their language
        ("replaced", pa.int64()),  # earlier articles superseded by a changed file
        ("near_duplicates", pa.int64()),  # of the duplicates: published with duplicate_of set
        ("deleted_files", pa.int64()),  # files gone from the source since the last run
        ("removed", pa.int64()),  # articles that left the lake because their file went away
        ("validation_success", pa.bool_()),
        ("validation_summary", pa.string()),
        ("published_version", pa.string()),
        ("stage_seconds", pa.string()),
    ]
)

# The lake's own bookkeeping, versioned with the data (kind "state"): which files
# were ingested, and the near-duplicate signatures of canonical articles.
LEDGER = pa.schema(
    [
        ("source_uri", pa.string()),
        ("sha256", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),  # with size, lets a rerun trust the recorded sha256 without reading
        ("outcome", pa.string()),  # article | quarantined | mixed | archive | member
        ("item_count", pa.int32()),  # records the file held (1 for a one-article file)
        ("article_ids", pa.list_(pa.string())),  # ids of the articles it held, duplicates included
        ("run_id", pa.string()),
    ]
)

SIGNATURES = pa.schema(
    [
        ("article_id", pa.string()),
        ("seq", pa.int64()),  # first-seen order among canonical articles
        ("signature", pa.binary()),  # MinHash values, little-endian uint64
        ("bands", pa.list_(pa.uint64())),  # one LSH key per band
    ]
)


@dataclass(frozen=True)
class TableSpec:
    schema: pa.Schema
    kind: str  # base: ingested rows; derived: built by sql/; state: the lake's bookkeeping; log: runs
    version: int = 1  # bump when the columns change; the manifest records it per table and part
    partitioned: bool = False  # hive-style by publication month


TABLES: dict[str, TableSpec] = {
    "articles": TableSpec(ARTICLES, "base", 2, partitioned=True),
    "quarantine": TableSpec(QUARANTINE, "base", 1),
    "entity_mentions": TableSpec(ENTITY_MENTIONS, "base", 2, partitioned=True),
    "date_mentions": TableSpec(DATE_MENTIONS, "base", 1, partitioned=True),
    "entity_aliases": TableSpec(ENTITY_ALIASES, "derived", 2),
    "roles": TableSpec(ROLES, "derived", 1),
    "article_entities": TableSpec(ARTICLE_ENTITIES, "derived", 1),
    "entities": TableSpec(ENTITIES, "derived", 2),
    "entity_cooccurrence": TableSpec(ENTITY_COOCCURRENCE, "derived", 1),
    "entity_daily": TableSpec(ENTITY_DAILY, "derived", 1),
    "dates": TableSpec(DATES, "derived", 1),
    "runs": TableSpec(RUNS, "log", 2),
    "ledger": TableSpec(LEDGER, "state", 1),
    "signatures": TableSpec(SIGNATURES, "state", 1),
}
# Parts written below these schema versions cannot be read as today's tables: entity
# mentions before version 2 carry no canonical names (they were resolved at extraction).
REBUILD_BELOW = {"entity_mentions": (2, "canonical entities")}
PUBLISHED = tuple(name for name, spec in TABLES.items() if spec.kind != "state")

SOURCE_FORMATS = ("text", "json", "jsonl", "html", "warc")
PUBLISHED_PRECISIONS = ("second", "day", "month", "year", "none", "unparsed")
QUARANTINE_REASONS = (
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "malformed_json",
    "no_article_text",
    "unsupported_type",
    "unreadable",
    "failed_expectation",
)


def empty_table(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


def to_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table from row dicts, keeping only (and exactly) the contract's columns."""
    rows = list(rows)
    if not rows:
        return schema.empty_table()
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def slice_copy(table: pa.Table, start: int, length: int) -> pa.Table:
    """Rows [start, start + length) as a table of their own. A plain slice shares (and
    pickles, when sent to another process) the whole table's buffers."""
    import pyarrow.compute as pc

    stop = min(start + length, table.num_rows)
    return table.take(pc.cast(pa.array(range(start, stop)), pa.int64())) if stop > start else table.schema.empty_table()
