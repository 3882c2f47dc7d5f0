"""The clauses around a cue: where reported content ends, what a listener was told, and
a second attribution inside content ("A, but critics say B", "A and warned that B").

Read from token shapes and the cue lexicon only (see `rules`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newslake.quotes import lexicon as lx
from newslake.quotes.attribution import Tok, adverb, mention_at
from newslake.quotes.records import Mention, Span


def reports(toks: list[Tok], k: int, cue: str) -> int | None:
    """After a cue whose object may be the listener ("told reporters that", "asked him
    whether", "urged Congress to act"): the token where what was reported starts, within
    a few words, or None ("told the story", "asked for help")."""
    asked = cue in lx.inflections("ask")
    for x in range(k, min(k + 16, len(toks))):  # the listener may come with a description
        t = toks[x]
        if t.quoted or t.text in ".;:":
            return None
        if t.low in lx.REPORT_OPENERS:
            return x
        if asked and t.low == "about" and x + 1 < len(toks):
            return x + 1  # "asked him about his returns": what he was asked about
        if t.low == "to" and x > k and cue in lx.BID_CUES:
            return k  # "urged Congress to act": the listener and the bid, as one content
    return None


def clause_end(toks: list[Tok], k: int, end: int) -> int:
    """Where reported content ends, from token k on: at a semicolon or a dash ("...; they
    only learned"), or at a comma that opens a clause of the writer's own ("..., but
    critics say", "..., which forced her to leave", "..., adding that")."""
    for x in range(k, len(toks)):
        t = toks[x]
        if t.quoted:
            continue
        if t.low in lx.CLAUSE_OPENERS and x >= 2 and toks[x - 1].quoted and toks[x - 2].text == ",":
            return toks[x - 1].end  # '... "a disaster for the town," but the vote went ahead'
        if t.text in ";—–" or t.text == "-" and x + 1 < len(toks) and toks[x + 1].text == "-":
            return t.start
        if t.text == "," and x + 1 < len(toks) and not toks[x + 1].quoted and toks[x + 1].low in lx.CLAUSE_OPENERS:
            return t.start
    return end


def object_end(toks: list[Tok], k: int, end: int) -> int:
    """Where the object of a cue that is no verb of saying ends ("attacked X in a tweet",
    "praised X during a visit"): before a phrase of time, place or occasion."""
    for x in range(k, len(toks)):
        t = toks[x]
        if t.start >= end:
            break
        if not t.quoted and (t.low in lx.OBJECT_ENDS or t.low in lx.WEEKDAYS):
            return t.start
    return end




def frame_tail(toks: list[Tok], k: int) -> int | None:
    """Do the words after a cue, to the next comma or the sentence's end, only say where,
    when and to whom ("told reporters on Friday,", "said in a statement.")? The index of
    the comma that ends them (len(toks) at the sentence's end), or None."""
    words = 0
    for x in range(k, len(toks)):
        t = toks[x]
        if t.text == ",":
            return x
        if not re.match(r"\w", t.text):
            continue
        words += 1
        if words > 6 or not (t.text[:1].isupper() or t.text[:1].isdigit() or t.low in lx.FRAME_WORDS or t.low in lx.ROLES or t.low in lx.PEOPLE):
            return None
    return len(toks)


def second_cue(toks: list[Tok], s: int, e: int) -> int | None:
    """A second cue of the same speaker inside reported content: "X said A, adding that B",
    "X said A and warned that B". The token index of that cue, or None."""
    for x, t in enumerate(toks):
        if not (s < t.start < e) or x + 2 >= len(toks) or toks[x + 1].end > e:
            continue
        joined = toks[x - 1].text == "," and t.low.endswith("ing") or toks[x - 1].low in ("and", "but") and t.low in lx.FINITE_CUES
        if joined and t.low in lx.CUE_VERBS and t.low not in lx.QUOTE_ONLY_CUES:
            return x
    return None


def other_speaker(toks: list[Tok], s: int, e: int, mentions: Sequence[Mention]) -> tuple[int, int, Span] | None:
    """A second attribution of another speaker inside reported content ("A and Democrats
    accused B", "A, and he urged B", "A, though analysts agreed B"): the indexes of the
    conjunction and the cue, and the speaker between them."""
    for x, t in enumerate(toks):
        if not (s < t.start < e) or x < 2 or x + 2 >= len(toks) or toks[x + 1].end > e or t.quoted:
            continue
        progressive = t.low.endswith("ing") and toks[x - 1].low in lx.PROGRESSIVE
        if not (t.low in lx.FINITE_CUES or progressive and t.low in lx.CUE_VERBS) or t.low in lx.QUOTE_ONLY_CUES:
            continue
        j = x - 1
        while j > 0 and (toks[j].low in lx.BETWEEN or adverb(toks[j]) or toks[j].low in lx.PROGRESSIVE):
            j -= 1
        who = clause_subject(toks, j, mentions)
        if who is None:
            continue
        k = next((y for y in range(j, -1, -1) if toks[y].start < who[0]), None)
        if k is not None and toks[k].start > s and (toks[k].low in lx.CLAUSE_JOINS or toks[k].text == ","):
            return k, x, who
    return None



def clause_subject(toks: list[Tok], j: int, mentions: Sequence[Mention]) -> Span | None:
    """The subject that ends at token j: a name, a personal pronoun, or words for people
    ("analysts", "the senators")."""
    t = toks[j]
    m = mention_at(mentions, t.start, t.end)
    if m is not None and m.end == t.end:
        return (m.start, m.end)
    if t.low in lx.PRONOUNS and t.low != "it" and t.low != "you":
        return (t.start, t.end)
    if t.low in lx.PEOPLE or t.low in lx.ROLES or t.text.islower() and t.low.endswith("s") and len(t.low) > 3 and t.low not in lx.STOP:
        k = j
        while k > 0 and j - k < 3 and re.match(r"\w", toks[k - 1].text) and toks[k - 1].low not in lx.STOP and toks[k - 1].low not in lx.CLAUSE_JOINS:
            k -= 1
        return (toks[k].start, t.end)
    return None
