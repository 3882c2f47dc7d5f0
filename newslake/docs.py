"""docs/datasets.md, generated from the contract in newslake/schema.py.

The document is printed from the same schema objects that write the parts, fill the
manifest and comment the warehouse views, so the three can never disagree with what
consumers read; a test regenerates it and fails when the committed file is stale.

    python -m newslake.docs            # rewrite docs/datasets.md
    python -m newslake.docs --check    # exit 1 when it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from newslake import schema
from newslake.config import Settings
from newslake.dates.model import TIMEX3_TYPES, TIMEX3_VALUE
from newslake.lake.content import CONTENT_TAG
from newslake.lake.layout import FORMAT, FORMAT_VERSION, MANIFEST, UNKNOWN_MONTH

DOC = Path(__file__).resolve().parent.parent / "docs" / "datasets.md"
COMMAND = "python -m newslake.docs"

_KIND = {
    "base": "ingested rows",
    "derived": "built by the DuckDB models in `sql/` from the base tables",
    "log": "the runs log",
    "state": "the lake's bookkeeping, versioned with the data but not published",
}

_TIMEX3 = f"""\
## TIMEX3 values (`date_mentions.value`)

Every value matches one regular expression, `newslake.dates.model.TIMEX3_VALUE`, which
the tagger, the expectations and this page share. Types are {", ".join(f"`{t}`" for t in TIMEX3_TYPES)}.
A value is one of three forms; an `X` stands for a digit the text leaves open.

**A point or period** (types DATE and TIME): a year, then optionally one sub-year part,
then optionally a time of day.

| value | reads | granularity |
|---|---|---|
| `2020-01-10` | 10 January 2020 | day |
| `2020-01` | January 2020 | month |
| `2020` | 2020 | year |
| `199` | the 1990s (three digits: a decade) | decade |
| `19` | the 20th century, 1900–1999 (two digits: a century) | century |
| `2020-W02` | ISO week 2 of 2020 | week |
| `2020-W02-WE` | the weekend of that week (`that weekend` in an article of 2020-01-10) | week |
| `2020-W02-5` | the Friday of that week (ISO weekday 1 Monday … 7 Sunday) | week |
| `2020-Q1`, `2020-H2` | first quarter, second half of 2020 | quarter |
| `2020-SU` | summer 2020 (`SP`, `SU`, `FA`, `WI`: spring, summer, fall, winter) | quarter |
| `XXXX-12-25` | 25 December of an unnamed year | day |
| `2020-01-09TNI` | the night of 9 January 2020 (`MO`, `AF`, `EV`, `NI`, `DT`: morning, afternoon, evening, night, daytime) | time |
| `2020-01-09T14:30` | 2:30 p.m. on 9 January 2020 (hours, optional minutes and seconds, optional `Z` or `±hh:mm` offset) | time |

**A duration** (type DURATION, and the period of a SET): `P`, then amounts with units
`Y` years, `M` months, `W` weeks, `D` days, `DE` decades, `CE` centuries, then
optionally `T` and `H` hours, `M` minutes, `S` seconds. An amount may be a decimal or `X`.
`P2W` two weeks; `P1.5Y` eighteen months; `PT3H` three hours; `PXY` some years.
granularity `duration`.

**A set** (type SET, granularity `set`) is a recurrence, written as the period it repeats
(`daily` → `P1D`, `every year` → `P1Y`) or as the point that recurs with its unknown parts
left `X`: `every Friday` → `XXXX-WXX-5` (the Friday of any week of any year), `every
summer` → `XXXX-SU`.

**A reference**: `PRESENT_REF` (`now`, `currently`, `these days`), `PAST_REF` (`in the past`,
`formerly`), `FUTURE_REF` (`in the future`). granularity `ref`; never resolved to a day.

`resolved_date` is set when the value names exactly one day (a DATE or TIME with year,
month and day and no `X`). `anchored` is true when the value was computed from a
reference rather than read off the text: the article's `reference_date` (`on Monday`,
`last year`, `Thursday night`) or a date earlier in the text (`that day`, `the following
year`). Weekdays and months follow the tense of their clause: in an article of Friday
2020-01-10, `said on Sunday` is `2020-01-05` and `will meet on Sunday` is `2020-01-12`.

The regular expression, for tools that validate values:

```
{TIMEX3_VALUE.pattern}
```
"""


def _type(t: pa.DataType) -> str:
    return f"`{t}`"


def _table_section(name: str, spec: schema.TableSpec) -> list[str]:
    where = f"`<lake>/published/<version>/{name}/`" if name != "runs" else "`<lake>/runs/*/run.parquet` (and `<lake>/published/<version>/runs/`)"
    lines = [
        f"### `{name}`",
        "",
        spec.description,
        "",
        f"Kind: {spec.kind} ({_KIND[spec.kind]}). Schema version {spec.version}. "
        + ("Partitioned by publication month. " if spec.partitioned else "Not partitioned. ")
        + (f"Files: {where}." if spec.kind != "state" else "Not in the warehouse; read through the manifest."),
        "",
        "| column | type | null? | meaning |",
        "|---|---|---|---|",
    ]
    for fld in spec.schema:
        meaning = schema.description(fld).replace("|", "\\|")
        lines.append(f"| `{fld.name}` | {_type(fld.type)} | {'yes' if fld.nullable else 'never'} | {meaning} |")
    lines.append("")
    volatile = schema.RUN_METADATA.get(name)
    if volatile:
        lines += [f"Run metadata (left out of the [content checksum](#content-checksums)): {', '.join(f'`{c}`' for c in volatile)}.", ""]
    return lines


def render() -> str:
    """The whole of docs/datasets.md."""
    keep = Settings.model_fields["keep_versions"].default
    published = [n for n in schema.TABLES if n in schema.PUBLISHED]
    state = [n for n in schema.TABLES if n not in schema.PUBLISHED]
    out = [
        "# newslake datasets",
        "",
        f"<!-- Generated by `{COMMAND}` from newslake/schema.py; do not edit by hand. -->",
        "",
        "The contract of every table newslake publishes: its columns, their Arrow types, whether",
        "they can be null and what they mean. The same text is in each version's `manifest.json`",
        "(per column) and in the warehouse (`select table_name, column_name, comment from",
        "duckdb_columns()`). A column marked *never* holds no null in any part: the writer refuses",
        "such a row. Every timestamp is UTC; offsets are Python string indexes into the field's text.",
        "Renaming, removing or retyping a column is a breaking change and bumps the table's schema",
        "version; parts of an older schema version read their missing columns as null until",
        "`newslake compact` rewrites them.",
        "",
        "## Tables",
        "",
        "| table | kind | one row per |",
        "|---|---|---|",
    ]
    for name in published:
        spec = schema.TABLES[name]
        out.append(f"| [`{name}`](#{name}) | {spec.kind} | {spec.description.removeprefix('One row per ')} |")
    out += ["", "## Columns", ""]
    for name in published:
        out += _table_section(name, schema.TABLES[name])
    out += ["## Bookkeeping tables (not published)", ""]
    for name in state:
        out += _table_section(name, schema.TABLES[name])
    out += [_TIMEX3]
    out += [
        "## Layout, partitioning and versions",
        "",
        "```",
        "<lake>/parts/<table>/[month=YYYY-MM/]part-<run>-<id>.parquet   immutable parts, shared by versions",
        f"<lake>/published/vNNNNNN/{MANIFEST}                          a version: every part of every table",
        "<lake>/published/vNNNNNN/<table>/[month=YYYY-MM/]part-….parquet hard links to that version's parts",
        "<lake>/published/current -> vNNNNNN                             the current version (a symlink)",
        "<lake>/runs/<run_id>/run.parquet, validation.json               the runs log: every run, any outcome",
        "<lake>/warehouse.duckdb                                         DuckDB views over published/current",
        "<lake>/newslake-lake.json                                       the marker: this folder is a newslake lake",
        "```",
        "",
        "Every file of a lake is mode 0644 and every folder 0755, whatever the umask of the writer: any",
        "consumer can read a version. A manifest names only names of this layout (no absolute path, no `..`).",
        "",
        f"- **Partitioning.** {', '.join(f'`{n}`' for n in schema.TABLES if schema.TABLES[n].partitioned)} are split by",
        f"  publication month, hive style: `month=YYYY-MM` folders, and `month={UNKNOWN_MONTH}` for articles without",
        "  `published_at` (and their mentions). The month is a folder name, not a column: read with hive",
        "  partitioning off (`partitioning=None`, `hive_partitioning=false`), or you get an extra `month` column.",
        "  The other tables are a flat folder of parts.",
        "- **Versions** are named `vNNNNNN` (six digits, from `v000001`, one more per published run or",
        "  compaction) and are immutable: pin one to read the same rows for ever (while it is kept).",
        "  A version folder holds hard links to exactly its parts, so a recursive glob over",
        "  `published/vNNNNNN/<table>/` reads that version and nothing else.",
        "- **The commit** is one atomic rename: the version folder is staged as",
        "  `published/.staging-vNNNNNN-<pid>/`, renamed to `published/vNNNNNN`, and `current` is switched by",
        "  renaming a new symlink over the old one. Readers see the old version or the new one, never a mix;",
        "  a killed run leaves `current` a complete version.",
        f"- **Retention.** The newest `keep_versions` versions are kept (default {keep}); older version folders",
        "  are deleted, and parts no kept version lists with them. A reader that pins a version should copy it",
        "  if it must outlive that window.",
        "",
        f"## The manifest (`published/vNNNNNN/{MANIFEST}`)",
        "",
        "A version *is* its manifest; paths in it are relative to the lake, so a copied lake keeps working.",
        "",
        "```json",
        "{",
        f'  "format": "{FORMAT}",',
        f'  "format_version": {FORMAT_VERSION},',
        '  "version": "v000002",',
        '  "run_id": "<the run that made it>",',
        '  "created_at": "<ISO 8601, UTC>",',
        '  "previous_version": "v000001",',
        '  "tables": {',
        '    "articles": {',
        '      "kind": "base",',
        '      "description": "One row per published article ...",',
        '      "schema_version": 2,',
        '      "rows": 1234,',
        '      "schema": [{"name": "article_id", "type": "string", "nullable": false, "description": "..."}, ...],',
        '      "parts": [{"path": "parts/articles/month=2020-01/part-<run>-<id>.parquet", "rows": 12,',
        '                 "bytes": 40960, "sha256": "...", "partition": "2020-01", "schema_version": 2}, ...]',
        "    }, ...",
        "  },",
        '  "run": {"<the runs row of the run that made it>": "..."},',
        '  "validation": {"success": true, "...": "the Great Expectations results"}',
        "}",
        "```",
        "",
        "`partition` is absent for unpartitioned tables. A table's `description` and each column's",
        "`description` were added without a format change: manifests written before them simply lack",
        "the keys. Check a part against its `sha256` to know you read what the version lists.",
        "",
        "## Content checksums",
        "",
        "A part's `sha256` proves its bytes; it does not say whether two versions hold the same data,",
        "because every run writes its own run id and times into its rows and may split rows into parts",
        "differently. `newslake verify --content [vN]` prints, per published table, its rows and a",
        "*content checksum*: a sha256 over the table's rows that ignores their order, their parts and",
        "the table's run metadata columns "
        + "; ".join(f"`{t}`: {', '.join(f'`{c}`' for c in cols)}" for t, cols in schema.RUN_METADATA.items())
        + ". Two runs over the same inputs (into two lakes, from a copied or moved source folder,",
        "with other batch sizes) print the same checksums: equal checksums mean equal rows. Each row is",
        "hashed as DuckDB's `to_json` of its other columns in contract order, timestamps in UTC, and the",
        f"row hashes are summed; the definition is `newslake.lake.content` (tag `{CONTENT_TAG}`),",
        "so compare checksums with each other rather than recomputing them in another tool. The",
        "checksum reads the whole table, so runs do not compute it and the manifest does not hold it.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
