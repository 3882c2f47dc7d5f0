"""The derive stage: the derived tables of a checkpoint's version (`sql/`, by `newslake.derived.build`).

It owns the choice of how: incremental (each model over the rows the checkpoint
adds, merged into the previous version's table) when the checkpoint only adds
rows, in full when it removes some.
"""

from __future__ import annotations

from newslake.derived import build as derived
from newslake.pipeline.checkpoint import Checkpoint


def derive(cp: Checkpoint) -> derived.ModelBuild:
    incremental = cp.settings.incremental_models and not cp.changes.removed_ids
    cp.models = derived.build(
        cp.lake,
        cp.txn,
        cp.settings.sql_dir,
        added={
            "articles": cp.changes.articles,
            "entity_mentions": cp.txn.added_parts("entity_mentions"),
            "date_mentions": cp.txn.added_parts("date_mentions"),
            "quotes": cp.txn.added_parts("quotes"),
        },
        incremental=incremental,
        top_entities=cp.settings.cooccurrence_top_entities,
    )
    cp.report.models = cp.models.mode
    return cp.models
