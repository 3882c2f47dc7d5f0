"""The base tables of the next version: the current version's rows, less what a
changed file superseded, plus what this run found."""

from __future__ import annotations

from typing import Sequence

import pyarrow as pa

from newslake import schema
from newslake.extract import Mentions
from newslake.ingest import Merged, sort_articles, without_articles
from newslake.publish import Lake


def next_base_tables(lake: Lake, merged: Merged, found: Sequence[Mentions]) -> dict[str, pa.Table]:
    """articles, quarantine, entity_mentions and date_mentions for the version to publish."""

    def mentions(table: str, table_schema: pa.Schema, new: list[pa.Table]) -> pa.Table:
        kept = without_articles(lake.read_current(table, table_schema), merged.removed_ids)
        return pa.concat_tables([kept, *new])

    return {
        "articles": sort_articles(merged.articles),
        "quarantine": pa.concat_tables([lake.read_current("quarantine", schema.QUARANTINE), merged.quarantine]),
        "entity_mentions": mentions("entity_mentions", schema.ENTITY_MENTIONS, [m.entities for m in found]),
        "date_mentions": mentions("date_mentions", schema.DATE_MENTIONS, [m.dates for m in found]),
    }
