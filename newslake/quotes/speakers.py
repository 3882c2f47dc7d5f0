"""What a speaker refers to: a named mention, or the person a pronoun or role stands for.

A pronoun resolves only when one person is in view (the paragraph and the one before
it, or the last named speaker); a role ("the minister") only when the article named
someone by that role ("Minister Jane Doe", "Jane Doe, the minister"). Otherwise the
speaker stays unresolved: a wrong entity is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newslake.quotes import lexicon as lx
from newslake.quotes.marks import paragraphs
from newslake.quotes.records import Mention, Quote


def _key(text: str, m: Mention) -> object:
    return m.key if m.key is not None else text[m.start:m.end].split()[-1].lower()


def _overlapping(mentions: Sequence[Mention], s: int, e: int) -> Mention | None:
    hits = [m for m in mentions if m.start < e and s < m.end]
    persons = [m for m in hits if m.label == "PERSON"]
    return (persons or hits or [None])[0]


def _pronoun_referent(text, start, mentions, paras, last_speaker) -> Mention | None:
    p_start = next((p0 for p0, p1 in paras if p0 <= start <= p1), 0)
    prev = [p0 for p0, _ in paras if p0 < p_start]
    window_start = prev[-1] if prev else p_start
    persons = [m for m in mentions if m.label == "PERSON" and window_start <= m.start < start]
    keys = {_key(text, m) for m in persons}
    if len(keys) == 1:
        return persons[-1]
    if not persons and last_speaker is not None:
        return last_speaker
    if last_speaker is not None and persons and _key(text, persons[-1]) == _key(text, last_speaker):
        return last_speaker
    return None


def _role_referent(text, role: str, start, mentions) -> Mention | None:
    found = None
    for m in mentions:
        if m.label != "PERSON" or m.start >= start:
            continue
        before = text[max(0, m.start - 40):m.start].lower()
        after = text[m.end:m.end + 60].lower()
        if re.search(rf"\b{role}\W*$", before) or re.match(rf",\s+(?:the|a|an)\b[^,.]*\b{role}\b", after):
            if found is not None and _key(text, found) != _key(text, m):
                return None  # two people hold the role: do not pick
            found = m
    return found


def resolve_speakers(text: str, quotes: list[Quote], mentions: Sequence[Mention]) -> None:
    paras = paragraphs(text)
    last: Mention | None = None
    for q in quotes:
        if q.speaker is None:
            continue
        s, e = q.speaker
        words = text[s:e].lower().split()
        m = _overlapping(mentions, s, e)
        if m is None and len(words) == 1 and words[0] in lx.PERSON_PRONOUNS:
            m = _pronoun_referent(text, s, mentions, paras, last)
        elif m is None and words and words[-1] in lx.ROLES:
            m = _role_referent(text, words[-1], s, mentions)
        q.speaker_mention = m
        if m is not None and m.label == "PERSON":
            last = m
