"""Quotation marks: where the double-quoted regions of a text are.

News copy mixes curly marks, straight marks and `''` pairs, and a quote that runs
over several paragraphs leaves each paragraph open and reopens it at the next one.
So marks pair within a paragraph, and a region still open at a paragraph's end runs
to that end; `regions` then joins such a region to the reopened one that follows.
Single quotes are apostrophes far more often than quotes, so they are not marks.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN = "\u201c\u201e\u00ab"
CLOSE = "\u201d\u00bb"
STRAIGHT = '"'


@dataclass(frozen=True)
class Region:
    start: int  # the opening mark
    end: int  # after the closing mark (or the paragraph's end when left open)
    closed: bool


def paragraph_regions(text: str, offset: int = 0) -> list[Region]:
    """The quoted regions of one paragraph (no newline inside), marks included."""
    out: list[Region] = []
    start = None
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        width = 2 if ch == "'" and text[i + 1:i + 2] == "'" else 1
        if width == 2 or ch == STRAIGHT:
            if start is None:
                start = i
            else:
                out.append(Region(offset + start, offset + i + width, True))
                start = None
        elif ch in OPEN:
            if start is None:
                start = i
        elif ch in CLOSE:
            if start is not None:
                out.append(Region(offset + start, offset + i + 1, True))
                start = None
            elif text[i + 1:i + 2].isalpha():  # a mis-typed opening mark
                start = i
        i += width
    if start is not None:
        end = len(text.rstrip())
        if end - start > 1:
            out.append(Region(offset + start, offset + end, False))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of every non-blank line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
