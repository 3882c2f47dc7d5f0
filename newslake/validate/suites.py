"""Suite files: `expectations/<table>.json` read, checked and turned into GX suites.

GX's `ExpectationSuite(...)` logs and silently drops an expectation whose type or
kwargs are invalid, so every expectation is built here, one by one, and a typo in a
suite is an error naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from newslake.validate.context import gx_context
from newslake.validate.failures import MAX_DETAIL_CHARS

if TYPE_CHECKING:  # pragma: no cover
    from great_expectations.core import ExpectationSuite

SUITE_SUFFIX = ".json"
ACTIONS = ("fail", "quarantine", "warn")
QUARANTINABLE = frozenset({"articles"})


def suite_path_for(expectations_dir: Path, table: str) -> Path:
    return Path(expectations_dir) / f"{table}{SUITE_SUFFIX}"


def load_suite(path: Path) -> dict:
    """Read a suite file and check that GX accepts every expectation in it.

    Raises ValueError (naming the file) on a malformed file, an unknown expectation type or
    invalid kwargs: GX itself would silently drop such an expectation.
    """
    spec = _read_spec(Path(path))
    _build_suite(spec, Path(path))
    return spec


def _read_spec(path: Path) -> dict:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read suite: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
        raise ValueError(f"{path}: a suite is an object with a non-empty 'name'")
    expectations = spec.get("expectations")
    if not isinstance(expectations, list):
        raise ValueError(f"{path}: 'expectations' must be a list")
    for i, exp in enumerate(expectations):
        if not (
            isinstance(exp, dict)
            and isinstance(exp.get("type"), str)
            and isinstance(exp.get("kwargs", {}), dict)
        ):
            raise ValueError(f"{path}: expectation #{i} needs a 'type' and a 'kwargs' object")
        action = action_of(exp)
        if action not in ACTIONS:
            raise ValueError(f"{path}: expectation #{i} ({exp['type']}) has action {action!r}; use one of {', '.join(ACTIONS)}")
        if action == "quarantine" and spec["name"] not in QUARANTINABLE:
            raise ValueError(
                f"{path}: expectation #{i} ({exp['type']}) cannot quarantine: only rows of "
                f"{', '.join(sorted(QUARANTINABLE))} can go to quarantine"
            )
    return spec


def action_of(expectation: Mapping[str, Any]) -> str:
    """What a failure of this expectation does: its meta's "action", "fail" by default."""
    return ((expectation.get("meta") or {}).get("action")) or "fail"


_suite_cache: dict[tuple[str, int, int], ExpectationSuite] = {}


def suite_key(path: Path) -> tuple[str, int, int]:
    """A suite file as it is now: a change to the file is another key."""
    path = Path(path).resolve()
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def cached_suite(path: Path) -> ExpectationSuite:
    """The GX suite for a file, cached until the file changes."""
    key = suite_key(path)
    suite = _suite_cache.get(key)
    if suite is None:
        suite = _build_suite(_read_spec(Path(key[0])), Path(key[0]))
        _suite_cache[key] = suite
    return suite


def _build_suite(spec: Mapping[str, Any], path: Path) -> ExpectationSuite:
    gx_context()  # configures GX before any of its classes is used
    from great_expectations import exceptions as gx_exceptions
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    built = []
    for i, exp in enumerate(spec["expectations"]):
        try:
            config = ExpectationConfiguration(
                type=exp["type"],
                kwargs=dict(exp.get("kwargs", {})),
                meta=exp.get("meta"),
                notes=exp.get("notes"),
            )
            built.append(config.to_domain_obj())
        except (gx_exceptions.GreatExpectationsError, ValueError, TypeError) as exc:
            # pydantic's ValidationError is a ValueError
            reason = " ".join(str(exc).split())[:MAX_DETAIL_CHARS]
            raise ValueError(
                f"{path}: expectation #{i} ({exp.get('type')}) is invalid: {reason}"
            ) from exc
    return ExpectationSuite(name=spec["name"], expectations=built, meta=spec.get("meta"))
