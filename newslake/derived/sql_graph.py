"""What `sql/` declares: each derived table's key and incremental rule, read from the
header of its own SQL file, and the build order, read from the SQL itself.

A derived table is declared once, beside its SQL, so that adding one is its SQL (with
the header), its suite (`expectations/<name>.json`) and its contract (`schema.TABLES`,
which docs/datasets.md prints). The header is the file's opening comment lines:

    -- entities: one row per lake-wide entity ...      (what it holds: free text)
    -- key: entity_id                                  (the columns that name a row)
    -- incremental: rebuild                            (how a run that only adds rows builds it)
    -- repair: entity                                  (which rows a moved alias changes)

Why a header and not a file per model or a Python table: the SQL and its rules are
read, reviewed and changed together, and the header is plain SQL comment, so the file
still runs as it is in any DuckDB. What the SQL reads is not declared at all: as dbt
takes build order from `ref()`, the dependencies are the tables the SQL names (DuckDB
parses it: `json_serialize_sql`; its own CTEs are not dependencies), so they cannot go
stale. Build order is a topological sort of them (ties by name); a cycle, or a name
that is no base table, staging model or model, is refused naming the file.

Staging models (`sql/staging/<name>.sql`) are views that several models read; a
staging model with `-- incremental: merge` is instead materialized from
`sql/merge/<name>.sql` (its previous value plus this run's rows) in an incremental
build. Models (`sql/<name>.sql`) are written as parts; their `incremental:` is one of
`INCREMENTAL`. How each rule is carried out, and what `repair:` names, is
`newslake.derived.build`'s.

How to add a derived table `t`:
1. `sql/t.sql`, CTE style, opening with its description, `-- key:` and
   `-- incremental:` (and `-- repair:` when it reads entity ids), plus
   `sql/merge/t.sql` for `merge`;
2. its contract in `newslake/schema.py` (`TABLES`, kind `derived`), then
   `python -m newslake.docs`;
3. its suite `expectations/t.json`.
The tests build every model both ways and hold them equal (tests/test_incremental.py).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator

import duckdb

# A model's incremental rule: how a run that only adds rows builds it.
INCREMENTAL = {
    "append": "one row set per article: this run's rows are a new part",
    "merge": "this run's rows merged into the previous table by sql/merge/<name>.sql",
    "rebuild": "run again over the one merged staging model it reads (a small table)",
    "lake-wide": "rebuilt as `rebuild`, and this run's rows are read back from it, so the models after it see lake-wide values",
}
STAGING_INCREMENTAL = {
    "view": "a view over its inputs, in each build",
    "merge": "materialized from sql/merge/<name>.sql over the previous version and this run's rows",
}
DIRECTIVES = ("key", "incremental", "repair")
SCHEMAS = ("previous", "delta")  # the schemas a merge reads: the previous version's tables, this run's rows
_DIRECTIVE = re.compile(r"^--\s*(?P<word>[a-z]+):\s*(?P<value>.*?)\s*$")


class DeclarationError(ValueError):
    """A header, a reference or the graph of `sql/` is wrong: the message names the file."""


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # staging (a view) | model (written as parts)
    path: Path
    reads: frozenset[str]  # the base tables, staging models and models its SQL (and its merge) names
    incremental: str
    key: tuple[str, ...] = ()
    repair: str | None = None
    merge: Path | None = None  # sql/merge/<name>.sql
    source: str | None = None  # rebuild and lake-wide: the merged staging model it is rebuilt over

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def merge_sql(self) -> str:
        assert self.merge is not None, self.name
        return self.merge.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Graph:
    steps: tuple[Step, ...]  # build order: every step after what it reads

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __getitem__(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.steps if s.kind == "model")

    def upstream(self, name: str) -> list[str]:
        """Every step `name` reads, directly or not, in build order (base tables left out)."""
        names = {s.name for s in self.steps}
        seen: set[str] = set()
        todo = [name]
        while todo:
            for read in self[todo.pop()].reads:
                if read in names and read not in seen:
                    seen.add(read)
                    todo.append(read)
        return [s.name for s in self.steps if s.name in seen]


def header(path: Path, sql: str) -> dict[str, str]:
    """The directives (`-- key: ...`, see DIRECTIVES) among the file's opening comment
    lines; the other lines are its description. A misspelt directive is not lost: a
    model without its key or rule, or that reads entity ids without a repair, is refused."""
    found: dict[str, str] = {}
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        match = _DIRECTIVE.match(line.strip())
        if not match or match["word"] not in DIRECTIVES:
            continue
        word = match["word"]
        if word in found:
            raise DeclarationError(f"{path}: `-- {word}:` is declared twice")
        found[word] = match["value"]
    return found


def tables_read(con: duckdb.DuckDBPyConnection, path: Path, sql: str) -> set[tuple[str, str]]:
    """The (schema, table) pairs the SQL reads, its own CTEs left out; schema '' when
    unqualified. DuckDB parses the SQL, so a name in a string or a comment is no table."""
    tree = json.loads(con.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise DeclarationError(f"{path}: DuckDB cannot parse it: {' '.join(str(tree.get('error_message', '')).split())}")
    found: set[tuple[str, str]] = set()
    ctes: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                found.add((node.get("schema_name") or "", node["table_name"]))
            for entry in (node.get("cte_map") or {}).get("map", []):
                ctes.add(entry["key"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return {(where, name) for where, name in found if where or name not in ctes}


def _key(path: Path, value: str | None) -> tuple[str, ...]:
    columns = tuple(c.strip() for c in (value or "").split(",") if c.strip())
    if not columns:
        raise DeclarationError(f"{path}: no `-- key:` (the columns that name a row, e.g. `-- key: entity_id, day`)")
    return columns


def _rule(path: Path, value: str | None, rules: dict[str, str], default: str | None) -> str:
    value = value or default
    if value not in rules:
        given = f"`-- incremental: {value}`" if value else "no `-- incremental:`"
        raise DeclarationError(f"{path}: {given}; declare one of {', '.join(rules)}")
    return value


def _read_step(con: duckdb.DuckDBPyConnection, sql_dir: Path, path: Path, kind: str) -> tuple[Step, dict[Path, set[tuple[str, str]]]]:
    """The step of one file, and what each of its files (the SQL, its merge) reads."""
    sql = path.read_text(encoding="utf-8")
    declared = header(path, sql)
    if kind == "staging":
        for word in ("key", "repair"):
            if word in declared:
                raise DeclarationError(f"{path}: a staging model declares no `-- {word}:` (it is a view, not a table)")
        incremental = _rule(path, declared.get("incremental"), STAGING_INCREMENTAL, "view")
    else:
        incremental = _rule(path, declared.get("incremental"), INCREMENTAL, None)
    merge = sql_dir / "merge" / f"{path.stem}.sql"
    if incremental == "merge" and not merge.is_file():
        raise DeclarationError(f"{path}: `-- incremental: merge` needs {merge}, which is missing")
    files = {path: tables_read(con, path, sql)}
    if incremental == "merge":
        files[merge] = tables_read(con, merge, merge.read_text(encoding="utf-8"))
    step = Step(
        name=path.stem,
        kind=kind,
        path=path,
        reads=frozenset(table for pairs in files.values() for where, table in pairs if not where),
        incremental=incremental,
        key=_key(path, declared.get("key")) if kind == "model" else (),
        repair=declared.get("repair") or None,
        merge=merge if incremental == "merge" else None,
    )
    return step, files


def load(sql_dir: Path, base: Iterable[str]) -> Graph:
    """The steps of `sql_dir` (staging/ and the models), in build order, checked: every
    name the SQL reads exists, no cycle, every merge file belongs to a merged step.
    Read once per process while no file of it changes (DuckDB's parser takes a while)."""
    sql_dir = Path(sql_dir).resolve()
    files = sorted([*sql_dir.glob("*.sql"), *(sql_dir / "staging").glob("*.sql"), *(sql_dir / "merge").glob("*.sql")])
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load(sql_dir, frozenset(base), stamp)


@functools.lru_cache(maxsize=8)
def _load(sql_dir: Path, base: frozenset[str], _stamp: tuple) -> Graph:
    with duckdb.connect() as con:
        read = [_read_step(con, sql_dir, p, "staging") for p in sorted((sql_dir / "staging").glob("*.sql"))]
        read += [_read_step(con, sql_dir, p, "model") for p in sorted(sql_dir.glob("*.sql"))]
    steps: dict[str, Step] = {}
    for step, _ in read:
        if step.name in steps:
            raise DeclarationError(f"{step.path}: {step.name} is also {steps[step.name].path}")
        if step.name in base:
            raise DeclarationError(f"{step.path}: {step.name} is a base table; a model cannot take its name")
        steps[step.name] = step
    known = base | set(steps)
    for step, files in read:
        for path, pairs in files.items():
            for where, name in sorted(pairs):
                if not where and name not in known:
                    raise DeclarationError(
                        f"{path}: reads {name}, which is no base table ({', '.join(sorted(base))}), "
                        "staging model (sql/staging/) or model (sql/)"
                    )
                if where and (where not in SCHEMAS or name not in known):
                    raise DeclarationError(f"{path}: reads {where}.{name}, which no build defines (merges read {' or '.join(SCHEMAS)}.<table>)")
                if not where and name == step.name:
                    raise DeclarationError(f"{path}: reads {name}, itself")
    for orphan in sorted((sql_dir / "merge").glob("*.sql")):
        if orphan.stem not in steps or steps[orphan.stem].merge is None:
            raise DeclarationError(f"{orphan}: merges {orphan.stem}, which is no step declaring `-- incremental: merge`")
    steps = {name: _with_source(step, steps) for name, step in steps.items()}
    return Graph(tuple(steps[name] for name in _order(steps)))


def _with_source(step: Step, steps: dict[str, Step]) -> Step:
    """A rebuilt model's source: the one merged staging model it reads."""
    if step.incremental not in ("rebuild", "lake-wide"):
        return step
    merged = sorted(r for r in step.reads if r in steps and steps[r].kind == "staging" and steps[r].incremental == "merge")
    if len(merged) != 1:
        raise DeclarationError(
            f"{step.path}: `-- incremental: {step.incremental}` is rebuilt over one merged staging model "
            f"(`-- incremental: merge` in sql/staging/); it reads {', '.join(merged) or 'none'}"
        )
    return replace(step, source=merged[0])


def _order(steps: dict[str, Step]) -> list[str]:
    """Kahn's topological sort, the ready step first by name: the same order every time."""
    needs = {name: {r for r in step.reads if r in steps} for name, step in steps.items()}
    order: list[str] = []
    while needs:
        ready = sorted(name for name, wanted in needs.items() if not wanted)
        if not ready:
            raise DeclarationError(f"{steps[min(needs)].path}: a cycle: {_cycle(needs)}")
        order.append(ready[0])
        del needs[ready[0]]
        for wanted in needs.values():
            wanted.discard(order[-1])
    return order


def _cycle(needs: dict[str, set[str]]) -> str:
    """One cycle among the steps left, written `a -> b -> a` (a reads b)."""
    path = [min(needs)]
    while True:
        nxt = min(needs[path[-1]])
        if nxt in path:
            return " -> ".join(path[path.index(nxt):] + [nxt])
        path.append(nxt)
