"""Plain-text articles: find the structure a person sees at a glance.

A saved news page usually reads: promo or boilerplate line(s), the headline, a
photo caption that ends in a credit in parentheses, a date line, then the body.
Any of those but the body may be missing. We look for them only in the first
few lines, so a body paragraph that happens to look like a caption or a date is
never pulled out of the body.
"""

from __future__ import annotations

import re

from newslake.published import is_date_line
from newslake.readers.base import RawArticle, Rejected

HEAD_LINES = 6  # how many non-blank lines can hold the title, caption and date line
MAX_TITLE_CHARS = 300

PROMO = re.compile(
    r"\b(join (?:us|our)|subscribe|sign up|newsletter|telegram|whatsapp|follow us|click here"
    r"|download (?:our|the) app|support (?:us|our)|donate|advertisement|sponsored"
    r"|share this|read more|get (?:important|breaking) news)\b",
    re.IGNORECASE,
)
CREDIT = re.compile(r"\((?:photo|image|picture|credit|[^()]*?/[^()]*?|[^()]*?(?:getty|reuters|ap|afp|epa|u\.s\. army)[^()]*?)\)\s*$", re.IGNORECASE)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines, each with its lines' outer whitespace trimmed."""
    blocks = re.split(r"\n[ \t\u00a0]*\n", normalize_newlines(text))
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


def parse_text_article(text: str) -> RawArticle:
    """Split a plain-text article into title, captions, date line and body."""
    lines = [line.strip() for line in normalize_newlines(text).split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        raise Rejected("no_article_text", "no text after decoding")
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

    body = "\n\n".join(split_paragraphs("\n".join(lines[body_from:])))
    if not body:
        raise Rejected("no_article_text", "a title or date line but no body paragraphs")
    return RawArticle(source_format="text", title=title, body=body, captions=captions, published=published)
