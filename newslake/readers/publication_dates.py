"""Publication dates: recognise a date line, and turn whatever a source gives into UTC.

A source date that cannot be parsed, or that falls outside the sane window, does
not cost the article: it is kept with `published_at` null and precision
"unparsed", so the gap is visible and countable rather than silently wrong.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from dateutil import parser as dateparser

EARLIEST = datetime(1900, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=2)

# A month name or abbreviation, any case (the DATE_LINE pattern and datelines share it).
MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_TIME = r"(?:(?:,|\s+at|\s*[|\u2022-])?\s*\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)"
_PREFIX = r"(?:(?:Published|Posted|Updated|Last updated|Date|Dated)\s*(?:on)?\s*[:\-]?\s*)"
_DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # January 10, 2020
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}"  # 10 January 2020
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # ISO
    r"|\d{1,2}/\d{1,2}/\d{4})"  # 01/10/2020 (US order)
)
DATE_LINE = re.compile(rf"^\s*{_PREFIX}?{_WEEKDAY}?{_DATE}{_TIME}?\s*$", re.IGNORECASE)
# ISO 8601 as feeds and exports write it: `datetime.fromisoformat` reads it some 30
# times faster than dateutil, which stays the reader of everything else.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?")


def is_date_line(line: str) -> bool:
    return len(line) <= 80 and DATE_LINE.match(line) is not None


def _precision_of(raw: str, parsed: datetime) -> str:
    has_clock = re.search(r"\d{1,2}:\d{2}", raw) is not None
    return "second" if has_clock else "day"


def _iso(raw: str) -> datetime | None:
    if _ISO.fullmatch(raw):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return None  # a form fromisoformat refuses: dateutil decides
    return None


def parse_published(value: object, now: datetime | None = None) -> tuple[datetime | None, str]:
    """(UTC datetime or None, precision). Precision is one of schema.PUBLISHED_PRECISIONS."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "none"
    now = now or datetime.now(timezone.utc)
    parsed: datetime | None
    precision = "day"
    try:
        if isinstance(value, datetime):
            parsed, precision = value, "second"
        elif isinstance(value, date):
            parsed = datetime.combine(value, time())
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds or seconds
            parsed, precision = datetime.fromtimestamp(seconds, tz=timezone.utc), "second"
        else:
            raw = str(value).strip()
            raw = re.sub(rf"^{_PREFIX}", "", raw, flags=re.IGNORECASE)
            if re.fullmatch(r"\d{4}", raw):
                parsed, precision = datetime(int(raw), 1, 1), "year"
            elif re.fullmatch(r"\d{4}-\d{2}", raw):
                parsed, precision = datetime(int(raw[:4]), int(raw[5:]), 1), "month"
            else:
                parsed = _iso(raw) or dateparser.parse(raw, fuzzy=False)
                precision = _precision_of(raw, parsed)
                if precision == "second" and parsed.time() == time() and "T" not in raw and ":" in raw:
                    # "2020-01-04 00:00:00" is how many exports spell a bare day
                    precision = "day"
    except (ValueError, OverflowError, TypeError, OSError):
        return None, "unparsed"
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    parsed = parsed.astimezone(timezone.utc)
    if parsed < EARLIEST or parsed > now + FUTURE_SLACK:
        return None, "unparsed"
    return parsed, precision
