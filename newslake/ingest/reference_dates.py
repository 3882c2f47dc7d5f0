"""The reference date of an article: the day its relative dates resolve against.

An article's publication date is the reference when it has one. Many corpora carry
none (BBC exports, scraped text), and then every "on Monday" stays unresolved and the
article has no day in `entity_daily`. The rules below pick a reference only from
evidence that is trustworthy, and say which rule did (`dct_source`):

- `published`: the article's publication time, in UTC;
- `dateline`: a full date (day, month and year) at the head of the body's first line,
  ending it or followed by a dash, colon or bracket, where news puts its date line
  ("LONDON, March 3, 2005 -", "Friday, January 4, 2019"). A full date elsewhere in the
  opening sentences is what the story is about as often as not ("the offer expires on
  March 31, 1988"), so it is no date line;
- `text`: the date the text names most often (the latest of a tie), when it lies in
  the year the text names most often: a story may recall 11 September 2001, but it is
  about the year it keeps coming back to;
- `file_mtime`: the file's modification day, only when the `dct_file_mtime` setting
  allows it (a copy or a checkout resets modification times, and nothing in one file
  tells such a copy apart) and no year the text names is later than it;
- `text_year`: the year the text is written in, read off the years it names, only with
  the `dct_text_year` setting and when no day-level rule fired: the latest year named,
  named at least twice and more often than any other, never after a deadline word ("by
  2010"), and named both in a past and in a future clause: the one year that holds both
  what has happened and what will is the year of writing. Its precision is the year
  (reference_date is its 1 January): "last year", "this year" resolve, "on Monday"
  stays open. Off by default: measured on dated news with the dates hidden
  (bench/reference_dates.py) it dates few articles (a story names the years it recalls
  and the ones it plans for more often than its own), about one in four wrongly;
- `none`: no trustworthy evidence; relative dates stay unanchored.

The precision of the reference (`reference_precision`) is `day` for every rule but
`text_year` (`year`) and `published`, which keeps a publication date's own precision
(a month-precision date knows its month, not its day).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timezone

DCT_SOURCES = ("published", "dateline", "text", "file_mtime", "text_year", "none")
REFERENCE_PRECISIONS = ("day", "month", "year")
_DEADLINE = re.compile(r"(?i)\b(?:by|until|till|through|before|to)\s+(?:the\s+)?(?:end\s+of\s+|early\s+|late\s+|mid-?)?(?:\w+\s+){0,2}$")
DATELINE_CHARS = 60  # how far into the body's first line a date line's date may start
_DATELINE_END = re.compile(r"[ \t,.]*(?:[-–—:(]|\Z)")  # "March 3, 2005 -", "(Reuters)", or the line's end

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


def reference_precision(dct_source: str, published_precision: str | None = None) -> str | None:
    """What the reference date is precise to (see the module doc); None without one."""
    if dct_source == "none":
        return None
    if dct_source == "published":
        return published_precision if published_precision in ("month", "year") else "day"
    return "year" if dct_source == "text_year" else "day"


def writing_year(text: str, dates) -> int | None:
    """The year the text is written in, from the years its DATE mentions name (see the
    module doc: `text_year`); None when they do not say it clearly."""
    from newslake.dates.tense import tense_cue

    named = [(m, int(found.group(1))) for m in dates if (found := _YEAR.match(m.value)) and 1000 <= int(found.group(1)) <= 2999]
    if not named:
        return None
    counts = Counter(y for _, y in named)
    year = max(counts)
    if counts[year] < 2 or any(n >= counts[year] for y, n in counts.items() if y != year):
        return None
    own = [m for m, y in named if y == year]
    if any(_DEADLINE.search(text, max(0, m.start - 25), m.start) for m in own):
        return None
    # the writing year is the one year that holds both what has happened and what will
    directions = {tense_cue(text, m.start, m.end)[0] for m in own}
    return year if {-1, 1} <= directions else None


def reference_date(
    published_at: datetime | None,
    title: str | None,
    body: str,
    *,
    file_mtime: datetime | None = None,
    use_file_mtime: bool = False,
    use_text_year: bool = False,
) -> tuple[date | None, str]:
    """(reference date, the rule that chose it) for one article; see the module doc."""
    if published_at is not None:
        return published_at.astimezone(timezone.utc).date(), "published"
    from newslake.dates import tag_dates

    text = "\n\n".join(part for part in (title, body) if part)
    body_start = len(title) + 2 if title else 0
    line_end = text.find("\n", body_start)
    line_end = len(text) if line_end < 0 else line_end
    dates = [m for m in tag_dates(text, None) if m.type == "DATE"]
    days = [(m, d) for m in dates if (d := _day(m.value)) is not None]
    if days:
        first, day = days[0]
        if body_start <= first.start < body_start + DATELINE_CHARS and first.end <= line_end \
                and _DATELINE_END.match(text, first.end, line_end):
            return day, "dateline"
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
    if use_text_year and (year := writing_year(text, dates)) is not None:
        return date(year, 1, 1), "text_year"
    return None, "none"
