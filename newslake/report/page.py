"""The run report as one self-contained HTML page.

The page is read where the lake is, often offline, sometimes mailed or archived next
to a version: so it carries its CSS and its charts (inline SVG) and asks nothing of the
network, no script, font or image. Everything shown comes from the run report dict,
the validation results and a few small query results the caller gathered.

The markup is in the Jinja2 templates of `newslake/report/templates/`, rendered with
autoescape on: titles, entity names and failing values come from the articles. This
module keeps what is computed rather than laid out: the words for an expectation,
each stage's work, the timeline's buckets, scale and geometry.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Mapping, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from newslake import schema

STAGES = ("discover", "parse", "normalize", "write", "extract", "models", "validate", "publish")
STATUS_CLASS = {"published": "ok", "nothing_new": "muted", "validation_failed": "bad", "failed": "bad", "compacted": "ok"}


def shown(value: Any) -> str:
    """A value as the page writes it: thousands separated, floats without trailing
    zeros, lists and dicts as JSON, nothing for None (escaping is the template's)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def wrap_at_underscores(identifier: str) -> Markup:
    """An expectation name that wraps at its underscores, not in the middle of a word."""
    return Markup("_<wbr>").join(escape(piece) for piece in str(identifier).split("_"))


def change(delta: int) -> str:
    return "—" if delta == 0 else f"+{delta:,}" if delta > 0 else f"−{-delta:,}"


def bar_width(value: float, top: float, full: int) -> int:
    """Pixels of a bar that is `full` wide at `top`; at least one, so a small value shows."""
    return max(1, int(full * value / (top or 1)))


# --------------------------------------------------------------------------- header and stages


CARDS = (("files seen", "files_seen"), ("items seen", "items_seen"), ("new articles", "new_articles"), ("duplicates", "duplicates"),
         ("unchanged", "unchanged"), ("quarantined", "quarantined"), ("replaced", "replaced"), ("removed", "removed"),
         ("not extracted", "skipped_language"), ("held back", "held_back"))
ALWAYS_CARDS = ("files seen", "new articles")  # shown even at zero: a run that found nothing says so


def cards(counts: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The counts worth a card: those that are not zero, and the two always shown."""
    return [(label, counts.get(key) or 0) for label, key in CARDS if counts.get(key) or label in ALWAYS_CARDS]


# The models stage's tables, as the contract declares them (entity_aliases is the resolution, not a count).
DERIVED = tuple(name for name, spec in schema.TABLES.items() if spec.kind == "derived" and name != "entity_aliases")


def stage_work(stage: str, report: Mapping[str, Any], validation: Mapping[str, Any] | None) -> str:
    """What a stage did, in files and rows ('' when the report does not say)."""
    c, rows = report.get("counts") or {}, report.get("rows") or {}
    if stage == "discover":
        return f"{shown(c.get('files_seen', 0))} files ({shown(c.get('unchanged', 0))} items unchanged)"
    if stage == "parse":
        return f"{shown(c.get('items_seen', 0))} items"
    if stage == "normalize":
        return f"{shown(c.get('new_articles', 0))} new articles, {shown(c.get('duplicates', 0))} duplicates, {shown(c.get('quarantined', 0))} quarantined"
    if stage == "write":
        return f"articles {shown(rows.get('articles'))} rows, quarantine {shown(rows.get('quarantine'))} rows" if rows else ""
    if stage == "extract":
        return f"entity_mentions {shown(rows.get('entity_mentions'))} rows, date_mentions {shown(rows.get('date_mentions'))} rows" if rows else ""
    if stage == "models":
        built = ", ".join(f"{t} {shown(rows[t])}" for t in DERIVED if t in rows)
        if not (report.get("models") or built):
            return ""
        return f"{report.get('models') or ''} build" + (f": {built} rows" if built else "")
    if stage == "validate" and validation:
        return f"{shown(evaluated(validation))} expectations on {shown(len(validation.get('tables') or []))} tables"
    if stage == "publish":
        return shown(report.get("version") or "nothing published")
    return ""


@dataclass(frozen=True)
class StageRow:
    name: str
    seconds: float
    bar: int  # pixels
    work: str


def stage_rows(report: Mapping[str, Any], validation: Mapping[str, Any] | None) -> list[StageRow]:
    """The stages in pipeline order (any the order does not know last), each with a
    bar against the slowest."""
    seconds = report.get("stage_seconds") or {}
    names = [s for s in STAGES if s in seconds] + [s for s in seconds if s not in STAGES]
    top = max(seconds.values(), default=0.0) or 1.0
    return [StageRow(name, round(seconds[name], 2), bar_width(seconds[name], top, 160), stage_work(name, report, validation)) for name in names]


# --------------------------------------------------------------------------- validation


SENTENCES = {  # what an expectation says, in words; {column} and its kwargs fill it in
    "expect_column_values_to_not_be_null": "{column} is never null",
    "expect_column_values_to_be_null": "{column} is always null",
    "expect_column_values_to_be_unique": "{column} is unique",
    "expect_compound_columns_to_be_unique": "{column_list} are unique together",
    "expect_column_values_to_be_in_set": "{column} is one of {value_set}",
    "expect_column_values_to_not_be_in_set": "{column} is none of {value_set}",
    "expect_column_values_to_be_between": "{column} is {range}",
    "expect_column_value_lengths_to_be_between": "{column} has {range} characters",
    "expect_column_values_to_match_regex": "{column} matches {regex}",
    "expect_column_values_to_not_match_regex": "{column} does not match {regex}",
    "expect_column_values_to_be_of_type": "{column} is of type {type_}",
    "expect_table_row_count_to_be_between": "the table has {range} rows",
    "expect_table_row_count_to_equal": "the table has {value} rows",
    "expect_table_columns_to_match_ordered_list": "the columns are, in order, {column_list}",
    "expect_column_pair_values_a_to_be_greater_than_b": "{column_A} is greater than {column_B}",
    "expect_column_min_to_be_between": "the least {column} is {range}",
    "expect_column_max_to_be_between": "the greatest {column} is {range}",
}


def sentence(e: Mapping[str, Any]) -> str:
    """The expectation in words, with its count: "body is never null: 0 of 394 failed"."""
    kwargs = {k: v for k, v in (e.get("kwargs") or {}).items()}
    values = {"column": e.get("column") or kwargs.get("column") or "the value", **kwargs}
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    values["range"] = (f"between {low} and {high}" if low is not None and high is not None
                       else f"at least {low}" if low is not None else f"at most {high}" if high is not None else "any")
    template = SENTENCES.get(e.get("expectation_type", ""))
    try:
        text = template.format(**values) if template else e.get("expectation_type", "").removeprefix("expect_").replace("_", " ")
    except (KeyError, IndexError, ValueError):
        text = e.get("expectation_type", "").removeprefix("expect_").replace("_", " ")
    if e.get("unexpected_count") is not None and e.get("element_count") is not None:
        text += f": {e['unexpected_count']:,} of {e['element_count']:,} failed"
    return text


def evaluated(validation: Mapping[str, Any] | None) -> int:
    return sum(t.get("evaluated", 0) for t in (validation or {}).get("tables") or [])


ACTION_WORD = {"fail": "failed", "warn": "warning", "quarantine": "quarantined"}


def result_badge(e: Mapping[str, Any]) -> tuple[str, str]:
    """An expectation's outcome as (text, CSS class): a failure that only warns or
    quarantines is a warning, not a red mark."""
    if e.get("success"):
        return "passed", "ok"
    action = e.get("action") or "fail"
    return ACTION_WORD.get(action, action), "bad" if action == "fail" else "warn"


def table_state(t: Mapping[str, Any]) -> tuple[str, str, bool]:
    """A table's outcome as (text, CSS class, open): a table with any failure, warning
    or quarantine is opened, so the reader sees why without clicking."""
    problems = bool(t.get("failed") or t.get("warnings") or t.get("quarantined_by"))
    if not t.get("success"):
        return "failed", "bad", problems
    return ("passed with notes", "warn", True) if problems else ("passed", "ok", False)


# --------------------------------------------------------------------------- timeline


MAX_SLOTS = 400  # beyond this many days a bar is under a pixel wide: weeks, then months


def bucket_of(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def next_bucket(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def nice_step(peak: float) -> int:
    """A gridline step of 1, 2 or 5 times a power of ten giving about four lines."""
    raw = max(1.0, peak / 4)
    magnitude = 10 ** int(math.floor(math.log10(raw)))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


@dataclass(frozen=True)
class Bar:
    cls: str  # bar (articles published) or bar2 (dates mentioned)
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Slot:
    x: float  # the middle of the slot
    bars: list[Bar]
    tick: str | None  # the axis label, on every slot only when there are few


@dataclass(frozen=True)
class Timeline:
    """The chart's geometry in SVG pixels, ready to draw."""

    unit: str  # day, week or month
    first: date
    last: date
    width: int
    height: int
    left: int
    right: int  # the plot's right edge
    baseline: int
    grid: list[tuple[float, int]]  # (y, value)
    slots: list[Slot]
    outside: int  # mentions of days outside first..last, not drawn


def timeline_chart(days: Sequence[Mapping[str, Any]], width: int = 1040, height: int = 230) -> Timeline | None:
    """Articles published and dates mentioned, per day on a true time axis over the days
    articles were published on (per week or month when that is long); mentions of days
    outside it (history, forecasts) are counted rather than stretching the chart over
    decades. None when nothing is dated."""
    days = [d for d in days if (d.get("published_count") or 0) or (d.get("mentioned_count") or 0)]
    if not days:
        return None
    as_date = [(date.fromisoformat(str(d["date"])[:10]), d) for d in days]
    published = [day for day, d in as_date if d.get("published_count")]
    first, last = (min(published), max(published)) if published else (min(a for a, _ in as_date), max(a for a, _ in as_date))
    span = (last - first).days + 1
    unit = "day" if span <= MAX_SLOTS else "week" if span <= MAX_SLOTS * 7 else "month"
    buckets: dict[date, list[int]] = {}
    b = bucket_of(first, unit)
    while b <= last:
        buckets[b] = [0, 0]
        b = next_bucket(b, unit)
    outside = 0
    for day, d in as_date:
        if first <= day <= last:
            counts = buckets[bucket_of(day, unit)]
            counts[0] += d.get("published_count") or 0
            counts[1] += d.get("mentioned_count") or 0
        else:
            outside += d.get("mentioned_count") or 0
    slots = sorted(buckets.items())
    left, right, top, bottom = 44, 10, 10, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max(max(c) for _, c in slots)
    step = nice_step(highest or 1)
    peak = step * max(1, math.ceil(highest / step))
    slot = plot_w / len(slots)
    bar = max(0.8, min(16.0, slot * 0.42))
    grid = [(top + plot_h - plot_h * value / peak, value) for value in range(0, peak + 1, step)]
    drawn = []
    every = max(1, math.ceil(len(slots) / 10))
    for i, (when, (pub, men)) in enumerate(slots):
        x = left + i * slot + slot / 2
        bars = []
        for value, cls, dx, what in ((pub, "bar", -bar, "articles published"), (men, "bar2", 0.0, "dates mentioned")):
            if value:
                h = plot_h * value / peak
                label = f"{unit} of {when}: {value} {what}" if unit != "day" else f"{when}: {value} {what}"
                bars.append(Bar(cls, x + dx, top + plot_h - h, bar, h, label))
        tick = (when.isoformat() if unit != "month" else when.strftime("%Y-%m")) if i % every == 0 else None
        drawn.append(Slot(x, bars, tick))
    return Timeline(unit, first, last, width, height, left, width - right, top + plot_h, grid, drawn, outside)


def left_off(n: int) -> str:
    if n == 0:
        return "Every article is on the timeline."
    return f"{n:,} article{'' if n == 1 else 's'} with no publication or reference date {'is' if n == 1 else 'are'} left off the timeline."


# --------------------------------------------------------------------------- the page


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("newslake.report", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(shown=shown, wrap=wrap_at_underscores, change=change, px=lambda v: f"{v:.1f}")
    env.globals.update(status_class=STATUS_CLASS, bar_width=bar_width, sentence=sentence, result_badge=result_badge, table_state=table_state)
    return env


def render(
    report: Mapping[str, Any],
    validation: Mapping[str, Any] | None = None,
    quarantine: Sequence[Mapping[str, Any]] = (),
    entities: Sequence[Mapping[str, Any]] = (),
    timeline: Sequence[Mapping[str, Any]] = (),
    data_from: str = "",
    speakers: Sequence[Mapping[str, Any]] = (),
    off_timeline: int = 0,
    previous_rows: Mapping[str, int] | None = None,
    flow_run: Mapping[str, Any] | None = None,
) -> str:
    """The page for one run. `validation` is the detailed validation (with each
    expectation's outcome), `quarantine` this run's reasons with counts and examples,
    `entities` the top entities, `speakers` the entities quoted most often, and `timeline` the `dates` rows, all of the version
    `data_from` names (the published one, or the one the run refused to publish);
    `off_timeline` the articles with no day to place them on, `previous_rows` the rows
    per table of the version before (None: there was none), `flow_run` the Prefect flow
    run's id and UI address."""
    validation = validation if validation is not None else report.get("validation")
    return _environment().get_template("page.html.j2").render(
        report=report,
        status=report.get("status", ""),
        counts=report.get("counts") or {},
        cards=cards(report.get("counts") or {}),
        stages=stage_rows(report, validation),
        stage_total=round(sum((report.get("stage_seconds") or {}).values()), 2),
        rows=dict(sorted((report.get("rows") or {}).items())),
        previous_rows=previous_rows,
        timeline=timeline_chart(timeline),
        left_off=left_off(off_timeline),
        data_from=data_from,
        validation=validation,
        quarantine=quarantine,
        entities=entities,
        entity_top=max((int(e.get("mention_count") or 0) for e in entities), default=0),
        evaluated=evaluated(validation),
        speakers=speakers,
        flow_run=flow_run or {},
    )
