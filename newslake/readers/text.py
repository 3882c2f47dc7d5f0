"""Plain-text articles: find the structure a person sees at a glance.

A saved news page usually reads: promo or boilerplate line(s), the headline, a
photo caption that ends in a credit in parentheses, a byline, a date line, then
the body, perhaps closing with "Read more" or copyright lines. Any of those but
the body may be missing. We look for them only in the first few lines (and the
last few paragraphs), and only for whole lines of the expected shape, so a body
paragraph that happens to start with "By 2025," or mention WhatsApp stays body.

The helpers for bylines, datelines and trailing boilerplate are shared with the
JSON reader, whose text fields carry the same things.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from newslake.readers.publication_dates import MONTH, is_date_line
from newslake.readers.base import RawArticle, Rejected

HEAD_LINES = 6  # how many non-blank lines can hold the title, caption and date line
BYLINE_WINDOW = 4  # non-blank lines after the title that may hold a byline
MAX_TITLE_CHARS = 300
MAX_BYLINE_CHARS = 120
MAX_TRAILER_WORDS = 40  # a longer closing paragraph is article text, whatever it says
MAX_AGENCY_WORDS = 3  # "(Reuters)", "(Associated Press)", "(Kyodo News)"

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
_INDENTED_BREAK = re.compile(r"\n[ \t]+(?=\S)")

# A promo line is a call to action (at the start, or after a "Label:" prefix) or a bare label.
# Words like WhatsApp, Telegram or "join" alone are not enough: headlines use them too.
_CTA = (
    r"(?:please\s+)?(?:join\s+(?-i:us|our|the conversation)\b|subscribe\b|sign\s+up\b|follow\s+us\b"
    r"|click\s+here\b|tap\s+here\b|download\s+(?:our|the)\s+app\b|support\s+(?-i:us|our)\b|donate\b"
    r"|share\s+(?:this|on)\b|read\s+more\b|like\s+us\s+on\b|get\s+(?:our|important|breaking|the latest)\s+\w+"
    r"|never\s+miss\b|register\s+(?:now|here|for free)\b)"
)
_LABEL = (
    r"^(?:advertisement|advert|ad|sponsored(?: content)?|promoted|share(?: this(?: article| story)?)?"
    r"|newsletter|skip to (?:main )?content)\W*$"
)
PROMO = re.compile(
    rf"^(?:.{{0,40}}?(?:[:|\u2013\u2014]| -)\s+)?{_CTA}|{_LABEL}"
    r"|\b(?:telegram|whatsapp) (?:channel|group)\b.*\b(?:join|subscribe|follow)\b",
    re.IGNORECASE,
)
LABEL = re.compile(_LABEL, re.IGNORECASE)  # a bare "Advertisement" is page furniture wherever it stands
MAX_PROMO_WORDS = 15
CREDIT = re.compile(r"\((?:photo|image|picture|credit|[^()]*?/[^()]*?|[^()]*?(?:getty|reuters|ap|afp|epa|u\.s\. army)[^()]*?)\)\s*$", re.IGNORECASE)

# Closing boilerplate: links, follow-us, copyright, wire credits, continuation markers.
TRAILER = re.compile(
    r"^(?:read\s+more\b|more\s+(?:on\s+this|stories|from)\b|related(?:\s+\w+)?\s*:|follow\s+(?:us|@|\w+\s+on\s+(?:twitter|x|facebook|instagram))"
    r"|share\s+this\b|subscribe\b|sign\s+up\b|click\s+here\b|\u00a9|\(c\)\s*\d{4}|copyright\b|all\s+rights\s+reserved"
    r"|(?:additional\s+)?(?:reporting|editing|writing)\s+by\b|this\s+(?:article|story)\s+(?:was|has\s+been|first)\b"
    r"|more\W*$|advertisement\W*$)"
    r"|\ball\s+rights\s+reserved\b",
    re.IGNORECASE,
)
# A wire story signs off with the agency's name alone on the last line ("REUTER", "Reuter^M").
SIGNOFF = re.compile(r"^(?P<agency>reuters?|ap|afp|upi|dpa)(?:\s*(?:\.{2,}|\^M))*\s*$", re.IGNORECASE)
AGENCY_NAMES = {"reuter": "Reuters", "reuters": "Reuters", "ap": "AP", "afp": "AFP", "upi": "UPI", "dpa": "dpa"}

# --- bylines -----------------------------------------------------------------------------
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_NAME_TOKEN = rf"(?:[{_UPPER}](?:[^\W\d_]|['\u2019.\-])*)"
_PARTICLE = r"(?:de|da|del|della|der|den|di|dos|du|la|le|van|von|bin|ibn|al|el|st\.)"
NAME = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_TOKEN}){{1,4}}")
BYLINE_LEAD = re.compile(r"^(?:(?:written|reported|words|story|posted)\s+)?by\b[:\s]+(?P<rest>.+)$", re.IGNORECASE)
ROLE_LINE = re.compile(
    r"^(?P<rest>.+?)\s*(?:\||,|\u2013|\u2014| - )\s*(?:senior |chief |staff |special |political |foreign |contributing )?"
    r"(?:writer|reporter|correspondent|editor|contributor|columnist|journalist)s?\b[^|]*$",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\||&|\s-\s|\s\u2013\s|\s\u2014\s|\band\b|\bAND\b|\bwith\b)\s*")
_WORD = re.compile(r"[^\W\d_]{2,}")
AFFILIATION_WORDS = frozenset(
    "reuters reuter press associated staff writer writers correspondent reporter reporters editor editors news agency"
    " contributor columnist bureau afp ap bbc cnn times post journal herald guardian bloomberg online desk team service"
    " wire senior chief political special foreign international correspondents".split()
)


_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_character_references(text: str) -> str:
    """Decode HTML character references ("&#233;", "&eacute;", "&amp;") that text
    exported from web pages carries. Only complete references (with the ";") are
    touched, so "AT&T" and "R&D" stay as written."""
    if "&" not in text:
        return text
    return _CHAR_REF.sub(lambda m: html.unescape(m.group()), text)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unwrap_indented(text: str) -> str:
    """Hard-wrapped wire copy marks paragraphs by indenting, not blank lines: make them blank lines.

    Only text without any blank line is touched, so ordinary paragraphs are never re-flowed.
    """
    if _BLANK_LINE.search(text) or not _INDENTED_BREAK.search(text):
        return text
    return "\n\n".join(" ".join(part.split()) for part in _INDENTED_BREAK.split(text))


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines, each with its lines' outer whitespace trimmed."""
    blocks = _BLANK_LINE.split(normalize_newlines(text))
    paragraphs = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return paragraphs


def is_promo(line: str) -> bool:
    return PROMO.search(line) is not None


def is_caption(line: str) -> bool:
    return CREDIT.search(line) is not None and len(line.split()) >= 4


def _capitalize(match: re.Match[str]) -> str:
    return match.group(0).capitalize()


def proper_case(name: str) -> str:
    """'JANE O'NEIL-SMITH' -> 'Jane O'Neil-Smith'; words already in mixed case are left alone."""
    return " ".join(_WORD.sub(_capitalize, token) if token.isupper() else token for token in name.split())


def _is_affiliation(part: str) -> bool:
    words = part.replace(".", " ").lower().split()
    return len(words) < 2 or any(word in AFFILIATION_WORDS for word in words)


def split_authors(text: str) -> list[str]:
    """Names in a byline's name part: 'Jane Doe and JOHN ROE, Reuters' -> ['Jane Doe', 'John Roe'].

    Returns [] unless the text opens with a person's name; stops at the first
    affiliation (agency, role) and gives up on anything that is neither.
    """
    names: list[str] = []
    for part in _NAME_SPLIT.split(text.strip().rstrip(".")):
        if not part:
            continue
        if NAME.fullmatch(part) and not _is_affiliation(part):
            names.append(proper_case(part))
        elif names and _is_affiliation(part):
            break
        else:
            return []
    return names


def parse_byline(line: str) -> list[str]:
    """Authors named by a byline line ('By Jane Doe', 'Jane Doe | Staff writer'), or []."""
    if len(line) > MAX_BYLINE_CHARS:
        return []
    match = BYLINE_LEAD.match(line) or ROLE_LINE.match(line)
    return split_authors(match.group("rest")) if match else []


# --- datelines ---------------------------------------------------------------------------
_DL_DATE = rf"(?P<date>{MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?)"
_DL_REGION = rf"(?:\s*,\s*(?!{MONTH}\s)[{_UPPER}][\w.]*(?:\s[{_UPPER}][\w.]*)?)"
_DL_AGENCY = rf"\((?P<agency>[{_UPPER}][^()\n]{{1,39}})\)"
_DL_DASH = r"\s*(?:[\u2013\u2014]|--?(?=\s|$))\s*"
_DL_WHEN = rf"(?:\s*,?\s*{_DL_DATE})"
# Place in capitals ("WASHINGTON", "SAN FRANCISCO/LONDON", "PHOENIX, Ariz."), or in title case
# ("Toronto") when a date or an agency follows, which a sentence's opening words never have.
_DL_CAPS = rf"(?P<place>[{_UPPER}][{_UPPER}.'\u2019\-]+(?:[ /][{_UPPER}][{_UPPER}.'\u2019\-]*)*{_DL_REGION}{{0,2}})"
_DL_TITLE = rf"(?P<place>[{_UPPER}][a-z]+(?:\s[{_UPPER}][a-z]+){{0,2}}{_DL_REGION}{{0,2}})"
DATELINES = (
    re.compile(rf"^(?:{_DL_CAPS}{_DL_WHEN}?\s*)?(?:{_DL_AGENCY})?{_DL_DASH}"),
    re.compile(rf"^{_DL_TITLE}{_DL_WHEN}\s*(?:{_DL_AGENCY})?{_DL_DASH}"),
    re.compile(rf"^{_DL_TITLE}(?P<date>)\s*{_DL_AGENCY}{_DL_DASH}"),
)


@dataclass(frozen=True)
class Dateline:
    """The wire-story opening 'PLACE, Date (Agency) -': what it names and where the story proper starts."""

    place: str | None
    agency: str | None
    date: str | None
    end: int  # offset in the paragraph just after the dash and its spaces


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a paragraph, if any. The text stays the article's own; the
    agency in parentheses tells who wrote the story when the record does not say."""
    for pattern in DATELINES:
        match = pattern.match(paragraph)
        agency = match.group("agency") if match else None
        if agency and len(agency.split()) > MAX_AGENCY_WORDS:
            continue  # "NATO (North Atlantic Treaty Organization) -" names no agency
        if match and (match.group("place") or agency):
            return Dateline(
                place=match.group("place"),
                agency=AGENCY_NAMES.get(agency.lower(), agency) if agency else None,
                date=match.group("date") or None,
                end=match.end(),
            )
    return None


# --- closing boilerplate -----------------------------------------------------------------
def trim_trailer(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Drop closing boilerplate paragraphs; return what is left and the agency of a wire sign-off.

    Only short paragraphs at the very end go, and never the first paragraph, so
    a story cannot be trimmed away.
    """
    agency = None
    end = len(paragraphs)
    while end > 1:
        last = paragraphs[end - 1]
        signoff = SIGNOFF.match(last)
        if signoff:
            agency = agency or AGENCY_NAMES[signoff.group("agency").lower()]
        elif len(last.split()) > MAX_TRAILER_WORDS or not TRAILER.search(last):
            break
        end -= 1
    return paragraphs[:end], agency


def drop_promo(paragraphs: list[str]) -> list[str]:
    """Without bare labels ("Advertisement") anywhere, nor short calls to action leading the body."""
    kept = [p for p in paragraphs if not LABEL.match(p)]
    start = 0
    while start < len(kept) - 1 and len(kept[start].split()) <= MAX_PROMO_WORDS and is_promo(kept[start]):
        start += 1
    return kept[start:]


def outlet_from(paragraphs: list[str], signoff_agency: str | None) -> str | None:
    """The agency a story names for itself: its dateline's, else its sign-off's."""
    dateline = parse_dateline(paragraphs[0]) if paragraphs else None
    return (dateline.agency if dateline else None) or signoff_agency


# --- the whole article -------------------------------------------------------------------
def _take_bylines(lines: list[str], filled: list[int]) -> list[str]:
    """Authors from byline lines just under the title; those lines are blanked in place."""
    title_at = next((n for n, i in enumerate(filled[:HEAD_LINES]) if not is_promo(lines[i]) and not is_date_line(lines[i])), None)
    if title_at is None:
        return []
    authors: list[str] = []
    for i in filled[title_at + 1 : title_at + 1 + BYLINE_WINDOW]:
        names = parse_byline(lines[i])
        if names:
            authors.extend(name for name in names if name not in authors)
            lines[i] = ""
    return authors


def parse_text_article(text: str) -> RawArticle:
    """Split a plain-text article into title, captions, byline, date line and body."""
    raw_lines = normalize_newlines(decode_character_references(text)).split("\n")
    lines = [line.strip() for line in raw_lines]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        raise Rejected("no_article_text", "no text after decoding")
    authors = _take_bylines(lines, filled)
    if authors:
        filled = [i for i in filled if lines[i]]
    head = filled[:HEAD_LINES]

    date_at = next((n for n, i in enumerate(head) if is_date_line(lines[i])), None)
    published = lines[head[date_at]] if date_at is not None else None
    if date_at is not None:
        header = head[:date_at]
        body_from = head[date_at] + 1
    else:
        # No date line: the title is the first line that is not promo, the rest is body.
        title_at = next((n for n, i in enumerate(head) if not is_promo(lines[i])), None)
        if title_at is None:
            raise Rejected("no_article_text", "only promotional lines found")
        header = head[: title_at + 1]
        # a caption right under the title still belongs to the header
        if title_at + 1 < len(head) and is_caption(lines[head[title_at + 1]]):
            header = head[: title_at + 2]
        body_from = header[-1] + 1

    captions = []
    kept = []
    for i in header:
        line = lines[i]
        if is_caption(line) and kept:
            captions.append(line)
        elif not is_promo(line):
            kept.append(line)
    # Several candidate lines: the one nearest the caption/date line is the headline;
    # what stands above it is boilerplate (site name, section, promo).
    title = kept[-1] if kept and len(kept[-1]) <= MAX_TITLE_CHARS else None

    body_lines = [raw if lines[n] else "" for n, raw in enumerate(raw_lines[body_from:], start=body_from)]
    paragraphs, signoff = trim_trailer(drop_promo(split_paragraphs(unwrap_indented("\n".join(body_lines).strip("\n")))))
    if not paragraphs:
        raise Rejected("no_article_text", "a title or date line but no body paragraphs")
    return RawArticle(
        source_format="text",
        title=title,
        body="\n\n".join(paragraphs),
        captions=captions,
        published=published,
        authors=authors,
        outlet=outlet_from(paragraphs, signoff),
    )
