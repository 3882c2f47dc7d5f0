"""Why an expectation failed, in words and plain JSON a reader can follow without GX.

`failure_detail` is the one line of a summary; `outcome` is what the run report and
validation.json show: what GX observed, a few failing values and rows.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

MAX_EXAMPLES = 3
MAX_VALUE_CHARS = 40
MAX_DETAIL_CHARS = 240
SAMPLE_ROWS = 5  # failing rows shown per expectation, as GX Data Docs shows a few
EXAMPLE_VALUES = 10
ROW_KEYS = ("article_id", "source_uri", "entity_id", "name", "title", "date", "check", "run_id")


def outcome(r: Any, df: pd.DataFrame, action: str) -> dict[str, Any]:
    """One expectation's outcome in plain JSON: what GX observed, and for a failure a
    few failing values and rows, so a reader can see why without rerunning GX."""
    config = r.expectation_config
    res = r.result or {}
    column = config.kwargs.get("column")
    kwargs = {k: _plain(v) for k, v in config.kwargs.items() if k not in ("column", "batch_id", "result_format")}
    out: dict[str, Any] = {
        "expectation_type": config.type,
        "column": column,
        "kwargs": kwargs,
        "action": action,
        "success": bool(r.success),
        "observed_value": _plain(res.get("observed_value")) if "observed_value" in res else None,
        "element_count": _plain(res.get("element_count")),
        "unexpected_count": _plain(res.get("unexpected_count")),
        "unexpected_percent": _plain(res.get("unexpected_percent")),
        "error": "; ".join(exception_messages(r.exception_info)) or None,
        "examples": [],
        "sample_rows": [],
    }
    if r.success:
        return out
    out["examples"] = _examples(res, EXAMPLE_VALUES)
    index = res.get("partial_unexpected_index_list") or res.get("unexpected_index_list") or []
    labels = [i if not isinstance(i, dict) else next(iter(i.values()), None) for i in index[:SAMPLE_ROWS]]
    columns = [c for c in dict.fromkeys([*ROW_KEYS, column]) if c is not None and c in df.columns]
    if not columns:
        columns = list(df.columns[:4])
    for label in labels:
        try:
            row = df.loc[label, columns]
        except (KeyError, TypeError):
            continue
        out["sample_rows"].append({c: _plain(row[c]) for c in columns})
    return out


def failure_detail(r: Any) -> str:
    """A short human summary of why one expectation failed."""
    errors = exception_messages(r.exception_info)
    if errors:
        return _clip("error: " + "; ".join(errors))
    res = r.result or {}
    kind = r.expectation_config.type
    count = res.get("unexpected_count")
    if count:
        if "not_be_null" in kind:
            return f"{count} null value{'s' if count != 1 else ''} of {res.get('element_count')}"
        examples = _examples(res, MAX_EXAMPLES)
        plural = "s" if count != 1 else ""
        return _clip(f"{count} unexpected value{plural}, e.g. {examples}")
    details = res.get("details") or {}
    if details.get("mismatched"):
        return _clip(f"mismatched columns: {_plain(details['mismatched'])}")
    if "observed_value" in res:
        return _clip(f"observed {_plain(res['observed_value'])!r}")
    return "failed"


def _examples(res: Mapping[str, Any], limit: int) -> list[Any]:
    """The first `limit` distinct unexpected values GX kept, as plain values."""
    examples: list[Any] = []
    for v in res.get("partial_unexpected_list") or []:
        v = _plain(v)
        if v not in examples:
            examples.append(v)
        if len(examples) == limit:
            break
    return examples


def exception_messages(info: Any) -> list[str]:
    """Messages of the exceptions GX caught while computing an expectation's metrics.

    `exception_info` is either one dict ({"raised_exception": ..., "exception_message":
    ...}) or a dict of ExceptionInfo objects keyed by metric id (the usual case in 1.x).
    """
    if not info:
        return []
    entries = [info] if "raised_exception" in info else list(info.values())
    messages: list[str] = []
    for entry in entries:
        get = entry.get if isinstance(entry, Mapping) else lambda k, e=entry: getattr(e, k, None)
        if get("raised_exception"):
            lines = str(get("exception_message") or "raised an exception").strip().splitlines()
            message = lines[-1] if lines else "raised an exception"
            if message not in messages:
                messages.append(message)
    return messages


def _plain(v: Any) -> Any:
    """JSON-ish, short version of a value from a GX result (numpy/pandas scalars...)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar / 0-d array
        try:
            v = v.item()
        except (ValueError, TypeError):
            v = v.tolist() if hasattr(v, "tolist") else str(v)
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and len(v) > MAX_VALUE_CHARS:
        return v[: MAX_VALUE_CHARS - 1] + "…"
    return v


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"
