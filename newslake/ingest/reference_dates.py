"""The reference date of an article: the day its relative dates resolve against.

An article's publication date is the reference when it has one. Many corpora carry
none (BBC exports, scraped text), and then every "on Monday" stays unresolved and the
article has no day in `entity_daily`. The rules below pick a reference only from
evidence that is trustworthy, and say which rule did (`dct_source`):

- `published`: the article's publication time, in UTC;
- `dateline`: a full date (day, month and year) at the head of the text, where news
  puts its date line ("LONDON, March 3, 2005 -");
- `text`: the date the text names most often (the latest of a tie), when it lies in
  the year the text names most often: a story may recall 11 September 2001, but it is
  about the year it keeps coming back to;
- `file_mtime`: the file's modification day, only when the `dct_file_mtime` setting
  allows it (a copy or a checkout resets modification times, and nothing in one file
  tells such a copy apart) and no year the text names is later than it;
- `none`: no trustworthy evidence; relative dates stay unanchored.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timezone

DCT_SOURCES = ("published", "dateline", "text", "file_mtime", "none")
LEDE_CHARS = 300  # how far into the body a date line is looked for

_DAY = re.compile(r"\A(\d{4})-(\d\d)-(\d\d)\Z")
_YEAR = re.compile(r"\A(\d{4})(?:-|\Z)")


def _day(value: str) -> date | None:
    found = _DAY.match(value)
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:  # "2005-02-30": not a day
        return None


def reference_date(
    published_at: datetime | None,
    title: str | None,
    body: str,
    *,
    file_mtime: datetime | None = None,
    use_file_mtime: bool = False,
) -> tuple[date | None, str]:
    """(reference date, the rule that chose it) for one article; see the module doc."""
    if published_at is not None:
        return published_at.astimezone(timezone.utc).date(), "published"
    from newslake.dates import tag_dates

    text = "\n\n".join(part for part in (title, body) if part)
    lede_end = (len(title) + 2 if title else 0) + LEDE_CHARS
    dates = [m for m in tag_dates(text, None) if m.type == "DATE"]
    days = [(m.start, d) for m in dates if (d := _day(m.value)) is not None]
    if days and days[0][0] < lede_end:
        return days[0][1], "dateline"
    years = [int(found.group(1)) for m in dates if (found := _YEAR.match(m.value))]
    if days:
        main_year = Counter(years).most_common(1)[0][0]
        counts = Counter(d for _, d in days if d.year == main_year)
        if counts:
            top = max(counts.values())
            return max(d for d, n in counts.items() if n == top), "text"
    if use_file_mtime and file_mtime is not None:
        day = file_mtime.astimezone(timezone.utc).date()
        if not years or max(years) <= day.year:
            return day, "file_mtime"
    return None, "none"
