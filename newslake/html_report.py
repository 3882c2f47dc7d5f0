"""The run report as one self-contained HTML page.

The page is read where the lake is, often offline, sometimes mailed or archived next
to a version: so it carries its CSS and its charts (inline SVG) and asks nothing of the
network, no script, font or image. Everything shown comes from the run report dict,
the validation results and a few small query results the caller gathered; this module
only lays them out, and escapes every piece of text it did not write itself (titles,
entity names and failing values come from the articles).
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from html import escape
from typing import Any, Iterable, Mapping, Sequence

STAGES = ("discover", "parse", "normalize", "write", "extract", "models", "validate", "publish")
STATUS_CLASS = {"published": "ok", "nothing_new": "muted", "validation_failed": "bad", "failed": "bad", "compacted": "ok"}

CSS = """
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
h3{font-size:14px;margin:0}
.meta{color:#57606a;margin:0 0 16px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle}
.ok{background:#dafbe1;color:#116329}.bad{background:#ffebe9;color:#a40e26}.warn{background:#fff8c5;color:#7d4e00}.muted{background:#eaeef2;color:#57606a}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:20px}
.card span{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600;font-size:12px;color:#57606a}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
td code{overflow-wrap:break-word}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 10px}
details>summary{cursor:pointer;list-style-position:inside}
details>summary h3{display:inline}
.fail-detail{margin:4px 0 8px 16px}
.bar{fill:#0969da}.bar2{fill:#bf8700}
.chart{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:8px}
.chart text{font-size:11px;fill:#57606a;font-family:system-ui,sans-serif}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 10px;margin:6px 0}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:6px 10px;margin:6px 0}
.hbar{display:inline-block;height:10px;background:#0969da;border-radius:2px;vertical-align:middle}
footer{color:#57606a;font-size:12px;margin-top:32px}
"""


def _e(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return escape(f"{value:,.3f}".rstrip("0").rstrip("."))
    if isinstance(value, int) and not isinstance(value, bool):
        return escape(f"{value:,}")
    if isinstance(value, (dict, list)):
        return escape(json.dumps(value, ensure_ascii=False, default=str))
    return escape(str(value))


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = ()) -> str:
    """`rows` hold HTML already escaped by the caller."""
    numeric = set(numeric)
    head = "".join(f'<th class="num">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _name(identifier: str) -> str:
    """An expectation name that wraps at its underscores, not in the middle of a word."""
    return "_<wbr>".join(escape(piece) for piece in str(identifier).split("_"))


def _badge(text: str, kind: str) -> str:
    return f'<span class="badge {kind}">{escape(text)}</span>'


# --------------------------------------------------------------------------- sections


def _header(report: Mapping[str, Any], flow_run: Mapping[str, Any] | None = None) -> str:
    status = report.get("status", "")
    version = report.get("version") or report.get("current_version") or "none"
    published = "published " + str(report["version"]) if report.get("version") else f"current version stays {version}"
    prefect = ""
    if flow_run and flow_run.get("id"):
        link = f' · <a href="{escape(str(flow_run["url"]), quote=True)}">open it in the Prefect UI</a>' if flow_run.get("url") else ""
        prefect = f'<br>Prefect flow run <code>{_e(flow_run["id"])}</code>{link}'
    return (
        f"<h1>newslake run {_e(report.get('run_id'))} {_badge(status, STATUS_CLASS.get(status, 'muted'))}</h1>"
        f'<p class="meta">{_e(published)} · started {_e(report.get("started_at"))} · finished {_e(report.get("finished_at"))}<br>'
        f'source <code>{_e(report.get("source"))}</code> · lake <code>{_e(report.get("lake"))}</code>{prefect}</p>'
    )


def _cards(report: Mapping[str, Any]) -> str:
    c = report.get("counts") or {}
    items = [
        ("files seen", c.get("files_seen")),
        ("items seen", c.get("items_seen")),
        ("new articles", c.get("new_articles")),
        ("duplicates", c.get("duplicates")),
        ("unchanged", c.get("unchanged")),
        ("quarantined", c.get("quarantined")),
        ("replaced", c.get("replaced")),
        ("removed", c.get("removed")),
        ("not extracted", c.get("skipped_language")),
        ("held back", c.get("held_back")),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{_e(v or 0)}</b><span>{escape(k)}</span></div>' for k, v in items if v or k in ("files seen", "new articles")
    ) + "</div>"


def _stage_work(stage: str, report: Mapping[str, Any], validation: Mapping[str, Any] | None) -> str:
    c, rows = report.get("counts") or {}, report.get("rows") or {}
    if stage == "discover":
        return f"{_e(c.get('files_seen', 0))} files ({_e(c.get('unchanged', 0))} items unchanged)"
    if stage == "parse":
        return f"{_e(c.get('items_seen', 0))} items"
    if stage == "normalize":
        return f"{_e(c.get('new_articles', 0))} new articles, {_e(c.get('duplicates', 0))} duplicates, {_e(c.get('quarantined', 0))} quarantined"
    if stage == "write":
        return f"articles {_e(rows.get('articles'))} rows, quarantine {_e(rows.get('quarantine'))} rows" if rows else ""
    if stage == "extract":
        return (f"entity_mentions {_e(rows.get('entity_mentions'))} rows, date_mentions {_e(rows.get('date_mentions'))} rows" if rows else "")
    if stage == "models":
        derived = ("entities", "article_entities", "entity_daily", "entity_cooccurrence", "dates", "roles", "entity_quotes")
        shown = ", ".join(f"{t} {_e(rows[t])}" for t in derived if t in rows)
        return (f"{escape(report.get('models') or '')} build" + (f": {shown} rows" if shown else "")) if report.get("models") or shown else ""
    if stage == "validate" and validation:
        tables = validation.get("tables") or []
        return f"{_e(sum(t.get('evaluated', 0) for t in tables))} expectations on {_e(len(tables))} tables"
    if stage == "publish":
        return _e(report.get("version") or "nothing published")
    return ""


def _stages(report: Mapping[str, Any], validation: Mapping[str, Any] | None) -> str:
    seconds = report.get("stage_seconds") or {}
    names = [s for s in STAGES if s in seconds] + [s for s in seconds if s not in STAGES]
    if not names:
        return "<p>No stage ran.</p>"
    top = max(seconds.values()) or 1.0
    rows = [
        (
            escape(name),
            _e(round(seconds[name], 2)),
            f'<span class="hbar" style="width:{max(1, int(160 * seconds[name] / top))}px"></span>',
            _stage_work(name, report, validation),
        )
        for name in names
    ]
    total = sum(seconds.values())
    rows.append(("<b>stages in all</b>", f"<b>{_e(round(total, 2))}</b>", "", ""))  # the summary adds Prefect and start-up
    return _table(["stage", "seconds", "", "files and rows"], rows, numeric=[1])


def _rows_per_table(report: Mapping[str, Any], previous: Mapping[str, int] | None = None) -> str:
    rows = report.get("rows") or {}
    if not rows:
        return ""
    if previous is None:
        return "<h3>Rows per table in the version</h3>" + _table(["table", "rows"], [(escape(k), _e(v)) for k, v in sorted(rows.items())], numeric=[1])
    body = [
        (escape(k), _e(v), _e(previous.get(k, 0)), _change(v - previous.get(k, 0)))
        for k, v in sorted(rows.items())
    ]
    return ("<h3>Rows per table in the version, and the change from the one before</h3>"
            + _table(["table", "rows", "before", "change"], body, numeric=[1, 2, 3]))


def _change(delta: int) -> str:
    return "—" if delta == 0 else f"+{delta:,}" if delta > 0 else f"−{-delta:,}"


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


def _observed(e: Mapping[str, Any]) -> str:
    if e.get("error"):
        return f'<span class="bad">error: {_e(e["error"])}</span>'
    parts = []
    if e.get("observed_value") is not None:
        parts.append(f"observed <code>{_e(e['observed_value'])}</code>")
    if e.get("unexpected_count") is not None:
        pct = e.get("unexpected_percent")
        parts.append(f"{_e(e['unexpected_count'])} unexpected of {_e(e.get('element_count'))}" + (f" ({_e(round(pct, 2))}%)" if pct else ""))
    return "; ".join(parts) or "—"


def _result_badge(e: Mapping[str, Any]) -> str:
    if e.get("success"):
        return _badge("passed", "ok")
    action = e.get("action") or "fail"
    return _badge({"fail": "failed", "warn": "warning", "quarantine": "quarantined"}.get(action, action), "bad" if action == "fail" else "warn")


def _failure_detail(e: Mapping[str, Any]) -> str:
    html = ""
    if e.get("examples"):
        html += "<div>unexpected values: " + ", ".join(f"<code>{_e(v)}</code>" for v in e["examples"]) + "</div>"
    sample = e.get("sample_rows") or []
    if sample:
        columns = list(sample[0])
        html += "<div>sample failing rows:</div>" + _table(columns, [[f"<code>{_e(r.get(c))}</code>" for c in columns] for r in sample])
    return f'<div class="fail-detail">{html}</div>' if html else ""


def _validation(validation: Mapping[str, Any] | None) -> str:
    if not validation:
        return "<p>Not run: nothing new to validate.</p>"
    tables = validation.get("tables") or []
    ok = validation.get("success")
    out = [f"<p>{_badge('passed' if ok else 'FAILED', 'ok' if ok else 'bad')} {_e(len(tables))} tables, "
           f"{_e(sum(t.get('evaluated', 0) for t in tables))} expectations.</p>"]
    for t in tables:
        results = t.get("expectations")
        problems = len(t.get("failed") or []) + len(t.get("warnings") or []) + len(t.get("quarantined_by") or [])
        state = _badge("passed", "ok") if t.get("success") and not problems else (_badge("failed", "bad") if not t.get("success") else _badge("passed with notes", "warn"))
        quarantined = f" · {_e(t.get('quarantined_rows'))} rows quarantined" if t.get("quarantined_rows") else ""
        summary = f"<summary><h3>{_e(t.get('table'))}</h3> {state} <span class=\"meta\">suite {_e(t.get('suite'))} · {_e(t.get('rows'))} rows · {_e(t.get('evaluated'))} expectations{quarantined}</span></summary>"
        if results is None:  # an older validation without per-expectation outcomes
            rows = [(escape(f["expectation_type"]), _e(f.get("column")), "", _badge(f.get("action", "fail"), "bad"), _e(f.get("detail")))
                    for f in [*(t.get("failed") or []), *(t.get("warnings") or [])]]
        else:
            rows = [
                (
                    _e(sentence(e)) + f'<div class="meta"><code>{_name(e["expectation_type"])}</code></div>',
                    _e(e.get("action") or "fail"),
                    _result_badge(e),
                    _observed(e) + ("" if e.get("success") else _failure_detail(e)),
                )
                for e in results
            ]
        body = _table(["expectation", "on failure", "result", "observed"], rows) if rows else "<p>No expectation.</p>"
        out.append(f"<details{' open' if problems else ''}>{summary}{body}</details>")
    if validation.get("unchecked"):
        out.append(f"<p class=\"meta\">No suite (unchecked): {_e(', '.join(validation['unchecked']))}</p>")
    return "".join(out)


def _quarantine(reasons: Sequence[Mapping[str, Any]]) -> str:
    if not reasons:
        return "<p>Nothing was quarantined by this run.</p>"
    rows = []
    for r in reasons:
        examples = "".join(
            f"<div><code>{_e(x.get('source_uri'))}</code>{' line ' + _e(x['line']) if x.get('line') else ''}: {_e(x.get('detail'))}</div>"
            for x in r.get("examples") or []
        )
        rows.append((f"<code>{_e(r.get('reason'))}</code>", _e(r.get("count")), examples))
    return _table(["reason", "files or records", "examples"], rows, numeric=[1])


def _entities(entities: Sequence[Mapping[str, Any]], source: str) -> str:
    if not entities:
        return "<p>No entities.</p>"
    top = max(int(e.get("mention_count") or 0) for e in entities) or 1
    rows = [
        (
            _e(e.get("name")),
            f"<code>{_e(e.get('label'))}</code>",
            _e(e.get("mention_count")),
            _e(e.get("article_count")),
            f'<span class="hbar" style="width:{max(1, int(200 * int(e.get("mention_count") or 0) / top))}px"></span>',
        )
        for e in entities
    ]
    return f'<p class="meta">{_e(source)}</p>' + _table(["entity", "label", "mentions", "articles", ""], rows, numeric=[2, 3])


def _speakers(speakers: Sequence[Mapping[str, Any]]) -> str:
    if not speakers:
        return "<p>No quotes attributed to an entity.</p>"
    rows = [(_e(s.get("name")), f"<code>{_e(s.get('label'))}</code>", _e(s.get("quotes")), _e(s.get("articles"))) for s in speakers]
    return _table(["speaker", "label", "quotes", "articles"], rows, numeric=[2, 3])


MAX_SLOTS = 400  # beyond this many days a bar is under a pixel wide: weeks, then months


def _bucket_of(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def _nice_step(peak: float) -> int:
    raw = max(1.0, peak / 4)
    magnitude = 10 ** int(math.floor(math.log10(raw)))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def timeline_svg(days: Sequence[Mapping[str, Any]], width: int = 1040, height: int = 230) -> str:
    """Articles published and dates mentioned, per day on a true time axis over the days
    articles were published on (per week or month when that is long); mentions of days
    outside it (history, forecasts) are counted under the chart rather than stretching
    it over decades."""
    days = [d for d in days if (d.get("published_count") or 0) or (d.get("mentioned_count") or 0)]
    if not days:
        return "<p>No dated articles or mentions.</p>"
    as_date = [(date.fromisoformat(str(d["date"])[:10]), d) for d in days]
    published = [day for day, d in as_date if d.get("published_count")]
    first, last = (min(published), max(published)) if published else (min(a for a, _ in as_date), max(a for a, _ in as_date))
    span = (last - first).days + 1
    unit = "day" if span <= MAX_SLOTS else "week" if span <= MAX_SLOTS * 7 else "month"
    buckets: dict[date, list[int]] = {}
    b = _bucket_of(first, unit)
    while b <= last:
        buckets[b] = [0, 0]
        b = _next_bucket(b, unit)
    outside = 0
    for day, d in as_date:
        if first <= day <= last:
            counts = buckets[_bucket_of(day, unit)]
            counts[0] += d.get("published_count") or 0
            counts[1] += d.get("mentioned_count") or 0
        else:
            outside += d.get("mentioned_count") or 0
    slots = sorted(buckets.items())
    left, right, top, bottom = 44, 10, 10, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    step = _nice_step(max(max(c) for _, c in slots) or 1)
    peak = step * max(1, math.ceil(max(max(c) for _, c in slots) / step))
    slot = plot_w / len(slots)
    bar = max(0.8, min(16.0, slot * 0.42))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="articles and mentions per {unit}">']
    for value in range(0, peak + 1, step):
        y = top + plot_h - plot_h * value / peak
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(value)}</text>')
    every = max(1, math.ceil(len(slots) / 10))
    for i, (when, (pub, men)) in enumerate(slots):
        x = left + i * slot + slot / 2
        for value, cls, dx, what in ((pub, "bar", -bar, "articles published"), (men, "bar2", 0.0, "dates mentioned")):
            if value:
                h = plot_h * value / peak
                label = f"{unit} of {when}: {value} {what}" if unit != "day" else f"{when}: {value} {what}"
                parts.append(f'<rect class="{cls}" x="{x + dx:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}"><title>{_e(label)}</title></rect>')
        if i % every == 0:
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="#8c959f"/>')
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{_e(when.isoformat() if unit != "month" else when.strftime("%Y-%m"))}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#8c959f"/>')
    parts.append("</svg>")
    legend = (f'<div class="legend meta">per {unit}, {_e(first)} to {_e(last)}<span style="background:#0969da"></span>articles published'
              '<span style="background:#bf8700"></span>dates mentioned in articles</div>')
    if outside:
        legend += f'<p class="meta">{_e(outside)} mentions of days outside this span are not drawn.</p>'
    return f'<div class="chart">{"".join(parts)}{legend}</div>'


def _left_off(n: int) -> str:
    if n == 0:
        return "Every article is on the timeline."
    return f"{n:,} article{'' if n == 1 else 's'} with no publication or reference date {'is' if n == 1 else 'are'} left off the timeline."


def _notes(report: Mapping[str, Any]) -> str:
    html = ""
    if report.get("error"):
        html += f'<div class="error">{_e(report["error"])}</div>'
    for note in report.get("notes") or []:
        html += f'<div class="note">{_e(note)}</div>'
    return html


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
    status = report.get("status")
    why = ""
    if status == "validation_failed":
        why = '<div class="error"><b>Nothing was published:</b> the validation gate failed. The failing expectations are open below.</div>'
    body = "".join([
        _header(report, flow_run),
        why,
        _notes(report),
        _cards(report),
        "<h2>Stages</h2>", _stages(report, validation), _rows_per_table(report, previous_rows),
        "<h2>Articles and mentions over time</h2>", f'<p class="meta">{_e(data_from)}</p>' if data_from else "", timeline_svg(timeline),
        f'<p class="meta">{_left_off(off_timeline)}</p>',
        "<h2>Validation gates</h2>", _validation(validation),
        "<h2>Quarantine</h2>", _quarantine(quarantine),
        "<h2>Top entities</h2>", _entities(entities, data_from),
        "<h2>Top speakers</h2>", _speakers(speakers),
        f"<footer>newslake run report · {_e(report.get('run_id'))} · this page loads nothing from the network</footer>",
    ])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>newslake run {_e(report.get('run_id'))} ({_e(status)})</title><style>{CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
