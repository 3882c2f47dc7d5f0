"""The words of an attribution around its cue: which words are cues, and where the
speaker is written, before the cue ("Doe, the mayor, said") or after it ("said Doe").

Read from token shapes, the cue lexicon and the NER spans only (see `rules`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newslake.quotes import lexicon as lx
from newslake.quotes.records import Mention, Span


@dataclass
class Tok:
    start: int
    end: int
    text: str
    quoted: bool  # inside a long quote

    @property
    def low(self) -> str:
        return self.text.lower()



def mention_at(mentions: Sequence[Mention], s: int, e: int) -> Mention | None:
    best = None
    for m in mentions:
        if m.start < e and s < m.end and m.label in ("PERSON", "ORG", "NORP", "GPE"):
            if best is None or (m.label == "PERSON") > (best.label == "PERSON"):
                best = m
    return best


def speaker_before(toks: list[Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
    if toks[i].low.endswith("ing") and i > 0 and toks[i - 1].text == ",":  # "X ..., saying that"
        return subject(toks, i, mentions)
    j = i - 1
    progressive = toks[i].low.endswith("ing")
    while j >= 0 and (toks[j].low in lx.BETWEEN or adverb(toks[j]) or progressive and toks[j].low in lx.PROGRESSIVE):
        j -= 1  # "X has also said", "X is demanding"
    if j > 0 and toks[j].low in lx.WHEN_NOUNS and toks[j - 1].low in lx.WHEN_MODIFIERS:
        j -= 2  # "X last week said"
        while j >= 0 and (toks[j].low in lx.BETWEEN or adverb(toks[j])):
            j -= 1
    if j >= 0 and toks[j].text == ")":  # "Rep. X (R-Fla.) said"
        k = next((k for k in range(j - 1, max(-1, j - 12), -1) if toks[k].text == "("), None)
        if k is None or k == 0:
            return None
        j = k - 1
    if j >= 0 and toks[j].text == "," and (head := appositive_head(toks, j, mentions)):
        return head
    if j >= 0 and toks[j].text == ",":  # "X, a spokesman for Y, said" / "X, who ..., said"
        k = next((k for k in range(j - 1, max(-1, j - 16), -1) if toks[k].text == "," or toks[k].quoted), None)
        if k is None or toks[k].quoted or k == 0:
            return None
        j = k - 1
    if j < 0 or toks[j].quoted or not re.match(r"\w", toks[j].text):
        return None
    head = toks[j]
    if toks[i].low.endswith("ing") and head.low in lx.GERUND_PREPS and j > 0:
        return subject(toks, j, mentions)  # "X began by saying that", "X spoke while insisting that"
    if head.low == "to" and j > 0 and not toks[j - 1].quoted and toks[j - 1].low not in lx.STOP:  # "X appeared to suggest", "X has yet to explain"
        return subject(toks, j, mentions)
    if head.low == "and" and not any(t.quoted for t in toks[:j]):  # "X urged her ... and repeatedly said"
        return subject(toks, j, mentions)
    if head.low in lx.STOP or head.low in lx.OBJECTS:
        return None
    if head.low == "who":  # "X, who said ..."
        k = j - 1
        if k >= 0 and toks[k].text == ",":
            k -= 1
        if k < 0 or toks[k].quoted or not re.match(r"\w", toks[k].text):
            return None
        head = toks[k]
        j = k
    m = mention_at(mentions, head.start, head.end)
    if m:
        return (m.start, m.end)
    if head.low in lx.PRONOUNS:
        return (head.start, head.end)
    k = j
    while k - 1 >= 0 and re.match(r"\w", toks[k - 1].text) and not toks[k - 1].quoted and toks[k - 1].low not in lx.STOP and j - k < 5:
        k -= 1
    return (toks[k].start, head.end)


def adverb(t: Tok) -> bool:
    """"Doe flatly denied", "Doe later told": a manner or time adverb between a speaker and its cue."""
    return t.text.islower() and len(t.text) > 4 and t.text.endswith("ly") and t.low not in lx.LY_NOUNS


def appositive_head(toks: list[Tok], j: int, mentions: Sequence[Mention]) -> Span | None:
    """The person an appositive describes, when one or more stand between it and the cue:
    'X, the chief executive of Y, which owns Z, said'. The first name of the clause that
    a comma and a lower-case word or a number follow (an appositive, an age, 'who ...');
    a name followed by a capital ('In Leeds, Doe, the mayor, said') introduces nothing."""
    lo = j
    while lo > 0 and j - lo < 48 and not toks[lo - 1].quoted and toks[lo - 1].text not in ";:":
        lo -= 1
    for k in range(lo + 1, j):
        nxt = toks[k + 1].text
        if toks[k].text != "," or not (nxt[:1].islower() or nxt[:1].isdigit()):
            continue
        n = k - 1
        if toks[n].text == ")":  # "Rep. X (D-Ohio), a member of ..., said"
            n = next((x - 1 for x in range(n - 1, max(lo, n - 8) - 1, -1) if toks[x].text == "("), -1)
            if n < lo:
                continue
        m = mention_at(mentions, toks[n].start, toks[n].end)
        if m is not None and m.label in ("PERSON", "ORG") and m.end == toks[n].end:
            return (m.start, m.end)
    return None


def subject(toks: list[Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
    """The first name or pronoun of the sentence, before token i; or the sentence's first
    words when they name a role ("The Republican nominee also ... and vowed")."""
    words = [t for t in toks[:6] if not t.quoted]
    if words and words[0].low in ("the", "a", "an"):
        for k, t in enumerate(words[1:5], 1):
            if t.low in lx.ROLES and (k + 1 == len(words) or words[k + 1].low not in lx.ROLES):
                return (words[0].start, t.end)
            if not re.match(r"\w", t.text) or t.low in lx.STOP:
                break
    for t in toks[:i]:
        if t.quoted:
            continue
        if t.low in lx.PRONOUNS and t.low != "it":
            return (t.start, t.end)
        m = mention_at(mentions, t.start, t.end)
        if m is not None:
            return (m.start, m.end)
    return None


def speaker_after(toks: list[Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
    j = i + 1
    if j >= len(toks) or toks[j].quoted or not re.match(r"\w", toks[j].text):
        return None
    m = mention_at(mentions, toks[j].start, toks[j].end)
    if m:
        return (m.start, m.end)
    if toks[j].low in lx.PRONOUNS and toks[j].low != "it":
        return (toks[j].start, toks[j].end)
    if toks[j].low in lx.OBJECTS or toks[j].low == "it" or toks[j].low in lx.STOP or toks[j].low in lx.TIME_WORDS:
        return None
    k = j
    while k + 1 < len(toks) and re.match(r"[\w’'-]", toks[k + 1].text) and not toks[k + 1].quoted and k - j < 8:
        m = mention_at(mentions, toks[k + 1].start, toks[k + 1].end)
        if m:
            return (m.start, m.end)
        if toks[k + 1].low in lx.STOP and toks[k + 1].low not in ("of", "for", "at"):
            break
        k += 1
    return (toks[j].start, toks[k].end)


def after_cue(toks: list[Tok], a: int, b: int, mentions: Sequence[Mention]) -> Span | None:
    """The speaker written after its cue ('said Doe'); never after a cue whose object is the
    listener ('told Doe', 'urged Doe')."""
    return None if toks[a].low in lx.LISTENER_CUES else speaker_after(toks, b, mentions)


def find_cues(toks: list[Tok], mentions: Sequence[Mention] = ()) -> list[tuple[int, int]]:
    """(first, last) token indexes of every cue outside the long quotes."""
    out = []
    words = [t for t in toks if t.text[:1].isalpha()]
    headline = len(words) >= 4 and sum(t.text[:1].isupper() for t in words) >= 0.8 * len(words)
    for i, t in enumerate(toks):
        if t.quoted:
            continue
        if headline and i > 0 and t.low in lx.FINITE_CUES and t.text[:1].isupper() and not mention_at(mentions, t.start, t.end):
            out.append((i, i))  # "Former Doctor Says Her Health Was Hidden": a headline capitalizes its verb
        elif t.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            out.append((i, i + 1))
        elif t.low in lx.CUE_VERBS and not (i > 0 and toks[i - 1].low in lx.DETERMINERS) and (
            t.text.islower() or i == 0 or toks[i - 1].low in lx.PRONOUNS or mention_at(mentions, toks[i - 1].start, toks[i - 1].end)
        ) and (t.text.islower() or not mention_at(mentions, t.start, t.end)) and (  # "the United States" states nothing
            t.low not in lx.NOUN_CUES or not noun_use(toks, i, mentions)  # "Republican support was": a noun
        ) and not other_sense(toks, i):
            out.append((i, i))
        elif t.low == "put" and i + 1 < len(toks) and toks[i + 1].low == "it" and any(x.low == "as" for x in toks[max(0, i - 30):i]):
            out.append((i, i + 1))  # "as one analyst put it"
        elif t.text in "―—" and i > 0 and toks[i - 1].quoted:
            out.append((i, i))
    return out


def other_sense(toks: list[Tok], i: int) -> bool:
    """A cue word in a sense that reports nothing, told by the word after it: "showed up",
    "called into the show", "declined slightly" (but "declined to comment")."""
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    stem = next((v for v in lx.PHRASAL_SENSES if toks[i].low in lx.inflections(v)), None)
    if stem is None:
        return False
    words, keep = lx.PHRASAL_SENSES[stem]
    return nxt in words if not keep else nxt not in words


def noun_use(toks: list[Tok], i: int, mentions: Sequence[Mention]) -> bool:
    """Is a cue word that is also a noun ("support", "plans", "states") used as one here:
    followed by a verb or a preposition ("support was", "comments came", "support from"),
    or after a word no subject ends with ("battleground states", "record low support")?
    Pronouns, names, words for people and for documents ("the poll shows") end subjects."""
    if i + 1 < len(toks) and toks[i + 1].low in lx.NOUN_NEXT:
        return True
    j = i - 1
    while j >= 0 and (toks[j].low in lx.BETWEEN or adverb(toks[j])):
        j -= 1
    if j < 0:
        return False
    t = toks[j]
    if t.low in lx.SUBJECT_RELATIVES:
        return False  # "cities that support the rules": the subject of a relative clause
    if t.text[:1].isdigit() or t.low in lx.NUMBER_WORDS or t.low.endswith(("'s", "’s")) and t.low not in ("it's", "it’s", "he's", "she's", "he’s", "she’s"):
        return True  # "18 states", "the editor's note": a number or an owner before a noun
    if not t.text.islower() or mention_at(mentions, t.start, t.end) is not None:
        return False
    if i + 1 < len(toks) and toks[i + 1].low == "that" and t.low.endswith("s") and t.low not in lx.DETERMINERS:
        return False  # "environmentalists worry that": a plural subject and its verb
    return not (t.low in lx.PRONOUNS or t.low in lx.ROLES or t.low in lx.PEOPLE or t.low in lx.DOCUMENTS)
