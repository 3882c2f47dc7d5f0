"""Check tables: table-wide facts about the next version, computed by DuckDB.

Each `sql/checks/<name>.sql` returns a small table that `expectations/<name>.json`
validates like any other (a count of orphans expected to be 0, say). They see:

- every table of the version being committed, by its name (out of core, over
  the parts; only the key columns a check names are read);
- `added_articles`, `added_entity_mentions`, `added_date_mentions`: the rows this
  run adds, for row-level checks that need several tables (offsets into fields);
- `previous_articles` and `removed_ids`: the version before, and the articles this
  run removes on purpose, so that "no row lost between versions" can be checked;
- named parameters `$items_seen`, `$new_articles`, ... : the run's counts.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from newslake import schema
from newslake.lake.query import register_parts

if TYPE_CHECKING:  # pragma: no cover
    from newslake.run import Run


def run_checks(run: "Run", sql_dir: Path) -> dict[str, pa.Table]:
    from newslake.models import model_connection

    lake, txn = run.lake, run.txn
    params = {name: int(value) for name, value in asdict(run.counts).items()}
    params["previous_version_articles"] = sum(p.rows for p in txn.base_parts("articles"))
    params["removed_articles"] = len(run.changes.removed_ids)
    params["added_article_rows"] = run.changes.articles.num_rows
    results = {}
    with model_connection() as con:
        for table, spec in schema.TABLES.items():
            register_parts(con, lake, table, txn.parts(table), spec.schema)
        register_parts(con, lake, "previous_articles", txn.base_parts("articles"), schema.ARTICLES)
        con.register("__added_articles", run.changes.articles)
        con.execute("create view added_articles as select * from __added_articles")
        for table in ("entity_mentions", "date_mentions"):
            register_parts(con, lake, f"added_{table}", txn.added_parts(table), schema.TABLES[table].schema)
        con.register("__removed", pa.table({"article_id": pa.array(sorted(run.changes.removed_ids), pa.string())}))
        con.execute("create view removed_ids as select * from __removed")
        for path in sorted((sql_dir / "checks").glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
            results[path.stem] = con.sql(sql, params=used or None).to_arrow_table()
    return results
