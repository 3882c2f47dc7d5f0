"""What the commands print: tables fitted or whole, results as table, CSV or JSON, and
every text made safe to show (control characters as escapes, markup taken literally)."""

from __future__ import annotations

import csv
import json
from enum import Enum

from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def print_summary(lines: list[tuple[str, str]]) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in lines:
        table.add_row(key, value)
    console.print(table)


def count(n: int, noun: str) -> str:
    """`1 row`, `2 rows`, `1,204 rows`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _cell(value) -> str:
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    return "" if value is None else str(value)


def _csv_cell(value) -> str:
    """Text cells cannot run in a spreadsheet (see sandbox.inert_cell); numbers,
    dates and lists (JSON, which starts with `[` or `{`) print as they are."""
    from newslake.analyst.sandbox import inert_cell

    return inert_cell(value) if isinstance(value, str) else _cell(value)


def visible(text: str) -> str:
    """Control characters as escapes (`\\x1b`): a terminal shows them, never obeys them."""
    from newslake.analyst import sandbox  # on use: the sandbox brings DuckDB

    return sandbox.visible(text)


def json_text(rows) -> str:
    """JSON of the rows; control characters json.dumps keeps raw (DEL, C1, bidi) are
    written as \\u escapes too, which read back as the same text."""
    from newslake.analyst.sandbox import CONTROL

    text = json.dumps(rows, default=str, ensure_ascii=False, indent=1)
    return CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def write_result(result, fmt: OutputFormat, out, *, first: bool, raw: bool) -> None:
    """One result to `out`; `raw` (a file) keeps every character, else control characters
    print as escapes."""
    rows = result.to_pylist()
    shown = (lambda text: text) if raw else visible
    if fmt is OutputFormat.json:
        out.write((json.dumps(rows, default=str, ensure_ascii=False, indent=1) if raw else json_text(rows)) + "\n")
    elif fmt is OutputFormat.csv:
        if not first:
            out.write("\r\n" if raw else "\n")
        # a file keeps carriage returns in fields: RFC 4180 line ends make csv quote them
        writer = csv.writer(out, lineterminator="\r\n" if raw else "\n")
        writer.writerow([shown(_csv_cell(c)) for c in result.column_names])
        writer.writerows([shown(_csv_cell(v)) for v in row.values()] for row in rows)
    else:
        table = Table(*(escape(c) for c in result.column_names))
        for row in rows:
            table.add_row(*("[dim]NULL[/dim]" if v is None else escape(_cell(v)) for v in row.values()))
        console.print(table)
        console.print(f"[dim]{count(len(rows), 'row')}[/dim]")


def escape(text: str) -> str:
    """Text for a rich console: control characters as escapes, markup taken literally."""
    from rich.markup import escape as literal

    return literal(visible(text))


def print_whole(table: Table) -> None:
    """A terminal gets the table fitted to its width; a pipe or file gets every cell
    whole, so `grep` and scripts never see a run id cut short with an ellipsis. A
    terminal too narrow for every column gets the ones that fit, whole, and a line
    naming the others (as DuckDB's CLI does)."""
    if console.is_terminal:
        from rich.text import Text

        def whole(column) -> int:  # the column's width with every cell whole, padding included
            cells = [column.header, *column._cells]
            return 2 + max(Text.from_markup(c).cell_len if isinstance(c, str) else console.measure(c).maximum for c in cells)

        hidden = []
        while len(table.columns) > 2 and sum(whole(c) for c in table.columns) > console.width:
            hidden.insert(0, table.columns.pop().header or "(marker)")
        for column in table.columns:
            column.no_wrap = True
        console.print(table)
        if hidden:
            console.print(f"[dim]{len(hidden)} columns hidden at {console.width} characters: {', '.join(hidden)} "
                          "(widen the terminal, or use --json)[/dim]", highlight=False)
    else:
        Console(width=max(console.width, console.measure(table, options=console.options.update_width(1_000)).maximum)).print(table)
