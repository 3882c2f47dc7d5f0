"""The mention record and the TIMEX3 value grammar that other modules code against.

The grammar is deliberately a single compiled regex so downstream validators (Great
Expectations, the parquet schema checks) can reuse the exact contract the tagger obeys.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass

TIMEX3_TYPES = ("DATE", "TIME", "DURATION", "SET")

_NUM = r"(?:\d+(?:\.\d+)?|X)"
_DATE = (
    r"(?:\d{2}|XX)(?:[\dX]{1,2})?"                       # YY (century), YYY (decade), YYYY
    r"(?:-(?:"
    r"(?:\d\d|XX)(?:-(?:\d\d|XX))?"                      # -MM, -MM-DD
    r"|W(?:\d\d|XX)(?:-(?:[1-7]|WE))?"                   # -Www, -Www-D, -Www-WE
    r"|Q[1-4X]|H[12X]|SP|SU|FA|WI"                       # quarter, half, season
    r"))?"
    r"(?:T(?:MO|AF|EV|NI|DT|\d\d(?::\d\d(?::\d\d)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?))?"  # part of day / clock
)
_DURATION = (
    rf"P(?=[\dXT])(?:{_NUM}(?:Y|M|W|D|DE|CE))*"
    rf"(?:T(?:{_NUM}[HMS])+)?"
)
TIMEX3_VALUE = re.compile(rf"\A(?:{_DATE}|{_DURATION}|(?:PRESENT|PAST|FUTURE)_REF)\Z")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    type: str
    value: str
    resolved_date: datetime.date | None
    granularity: str
    anchored: bool

    def record(self) -> dict:
        """The mention as the row `date_mentions` holds (without the article's id and
        field) and `newslake tag` prints: one shape for both."""
        return asdict(self)
