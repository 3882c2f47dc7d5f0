"""The example queries of `sql/analyst/`: their header comments, parameters and SQL.

Each file opens with comment lines: the first ones describe the query, and each
`-- param: NAME = DEFAULT (what it is)` line declares a DuckDB prepared parameter
`$NAME`. A default in parentheses only, `-- param: entity = (the entity named in the
most articles)`, means the parameter is NULL unless given and the query picks a
value from the data itself, so every example answers on any lake.

What several examples share is a DuckDB table macro of `sql/analyst/macros/` (one
`create or replace macro` a file, its opening comment its description), not a copied
CTE: the warehouse and a version's in-memory views define them (`define_macros`), so
an analyst calls them from any tool that opens warehouse.duckdb, as the examples do
(`select * from entity_named($entity)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from newslake.config import PROJECT_DIR
from newslake.lake.query import quote
from newslake.derived.sql_graph import tables_read

PARAM = re.compile(r"^--\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<rest>.*)$")
MACROS = PROJECT_DIR / "sql" / "analyst" / "macros"
_MACRO = re.compile(r"^\s*create\s+(?:or\s+replace\s+)?macro\s+(?P<name>\w+)\s*\(.*?\)\s+as\s+table\s+(?P<body>.*)$", re.I | re.S | re.M)


class ExampleError(ValueError):
    """An example or a parameter that does not exist: the message names the known ones."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None  # None: the query chooses from the data
    doc: str

    def describe(self) -> str:
        value = self.default if self.default is not None else "from the data"
        return f"{self.name} = {value}" + (f" ({self.doc})" if self.doc else "")


@dataclass(frozen=True)
class Example:
    name: str
    path: Path
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def bind(self, given: dict[str, str]) -> dict[str, str | None]:
        """Every declared parameter's value: given, else its default (None: from the data)."""
        known = {p.name: p.default for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise ExampleError(f"example {self.name} has no parameter {unknown[0]!r} (its parameters: {names})")
        return {name: given.get(name, default) for name, default in known.items()}


def _parse_param(line: str) -> Param | None:
    match = PARAM.match(line.strip())
    if not match:
        return None
    rest = match["rest"].strip()
    if rest.startswith("("):
        return Param(match["name"], None, rest.strip("()").strip())
    value, _, doc = rest.partition("(")
    return Param(match["name"], value.strip() or None, doc.rstrip(")").strip())


def read_example(path: Path) -> Example:
    description: list[str] = []
    params: list[Param] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        param = _parse_param(line)
        if param is not None:
            params.append(param)
        elif not params:
            description.append(line[2:].strip())
    return Example(path.stem, path, " ".join(d for d in description if d), tuple(params))


def define_macros(con: duckdb.DuckDBPyConnection, tables: Iterable[str], folder: Path = MACROS) -> list[str]:
    """Create on `con` each macro of `folder` whose tables are all in `tables` (a lake
    with no version has none); returns their names. The macro's description is its
    comment (`select comment from duckdb_functions()`)."""
    made = []
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        match = _MACRO.search(sql)
        if match is None or match["name"] != path.stem:
            raise ValueError(f"{path}: holds no `create or replace macro {path.stem}(...) as table ...`")
        if {name for _, name in tables_read(con, path, match["body"])} <= set(tables):
            con.execute(sql)
            con.execute(f"comment on macro table {match['name']} is {quote(read_example(path).description)}")
            made.append(match["name"])
    return made


def macro_names(folder: Path = MACROS) -> set[str]:
    return {path.stem for path in folder.glob("*.sql")}


def examples(sql_dir: Path) -> list[Example]:
    folder = sql_dir / "analyst"
    return [read_example(p) for p in sorted(folder.glob("*.sql"))] if folder.is_dir() else []


def example(sql_dir: Path, name: str) -> Example:
    found = {e.name: e for e in examples(sql_dir)}
    stem = Path(name).stem if name.endswith(".sql") else name
    if stem not in found:
        import difflib

        close = difflib.get_close_matches(stem, list(found), n=1)
        hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(found) or 'none'}"
        raise ExampleError(f"no example query {name!r} in {sql_dir / 'analyst'}: {hint} (`newslake query --examples` lists them)")
    return found[stem]


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`key=value` strings as a dict (the value may hold '=' and be empty)."""
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ExampleError(f"--param takes key=value, got {pair!r}")
        given[key.strip()] = value
    return given
