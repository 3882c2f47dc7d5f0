"""Who said what: direct, indirect and mixed quotes with their cue and speaker.

The rules read only what extraction already has: token shapes, sentence ends, a cue
lexicon and the NER spans. A dependency parse would triple the cost of extraction,
and the frames of news attribution ("...," X said / X said: "..." / X said that ...)
are regular enough to be read from the order of words around a cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newslake.quotes import lexicon as lx
from newslake.quotes.marks import Region, paragraph_regions, paragraphs

Span = tuple[int, int]

_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_OPEN_CLOSE = "\"“”„«»'"
#: A quoted region shorter than this many words is a scare quote or a title, not a quote.
MIN_QUOTE_WORDS = 4
MIN_CONTENT_TOKENS = 3


@dataclass(frozen=True)
class Mention:
    """An NER span of the text, with the key of the entity it names (any hashable)."""

    start: int
    end: int
    label: str
    key: object = None


@dataclass
class Quote:
    content: list[Span]
    kind: str  # direct | indirect | mixed
    cue: Span | None = None
    speaker: Span | None = None
    #: the mention the speaker resolves to (itself, or what a pronoun or role refers to)
    speaker_mention: Mention | None = None
    text: str = ""
    speaker_text: str | None = None

    @property
    def start(self) -> int:
        return self.content[0][0]


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    quoted: bool  # inside a long quote

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class _Unit:
    """A sentence whose boundaries never fall inside a quote."""

    start: int
    end: int
    quotes: list[Region] = field(default_factory=list)


def _is_long(text: str, r: Region) -> bool:
    inner = text[r.start:r.end]
    words = re.findall(r"\w+", inner)
    if _title(words) and inner.strip("\"“”„«»' ")[-1:] not in ".!?":  # "The Donald. Big Daddy." is said
        return False
    if len(words) >= MIN_QUOTE_WORDS:
        return True
    # a short sentence quoted whole ("You winning?" she said), not a quoted term
    return len(words) >= 2 and r.closed and inner.rstrip("\"”»'")[-1:] in ",!?"


def _title(words: list[str]) -> bool:
    """A short run of words in title case ("Face the Nation", "Make Your Kid a Millionaire")
    names a show, a book or a song: a title, not words someone said."""
    capitals = [w for w in words if w[:1].isupper() or w[:1].isdigit()]
    return 2 <= len(words) <= 7 and words[0][:1].isupper() and len(capitals) >= 2 and all(
        w in capitals or w in lx.TITLE_WORDS for w in words)


def _units(text: str, p0: int, p1: int, regions: list[Region]) -> list[_Unit]:
    inside = [(r.start, r.end) for r in regions]

    def quoted(i: int) -> bool:
        return any(s < i < e for s, e in inside)

    cuts = [p0]
    for m in re.finditer(r"[.!?]+[\"”’')]*\s+(?=[\"“A-Z0-9'‘(])", text[p0:p1]):
        at = p0 + m.start()
        if quoted(p0 + m.end() - 1):
            continue
        word = re.search(r"([\w.]+)$", text[p0:at])
        if m.group().startswith(".") and word and (word.group(1).lower().rstrip(".") in lx.ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        if re.match(r"[!?]+[\"”']\s", m.group()) and _attribution_follows(text, p0 + m.end(), p1):
            continue  # '"Why not?" Doe asked.': the question ends the quote, not the sentence
        cuts.append(p0 + m.end())
    cuts.append(p1)
    units = []
    for s, e in zip(cuts, cuts[1:]):
        if text[s:e].strip():
            units.append(_Unit(s, e, [r for r in regions if s <= r.start < e]))
    return units


def _attribution_follows(text: str, start: int, end: int) -> bool:
    """Is what follows a closing mark a short attribution ("Doe asked.", "asked the mayor,")?"""
    words = re.findall(r"[\w’'-]+|[.!?,;:“”\"]", text[start:min(end, start + 120)])
    cue = next((i for i, w in enumerate(words[:4]) if w in lx.FINITE_CUES or (
        w in lx.CUE_VERBS and i > 0 and words[i - 1].lower() in lx.PRONOUNS)), None)  # "they say"
    if cue is None or any(w in ".!?;:“”\"" for w in words[:cue]):
        return False
    return any(w in ".,!?" for w in words[cue + 1:cue + 7])


def _tokens(text: str, unit: _Unit, long_quotes: list[Region]) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text, unit.start, unit.end):
        s = m.start()
        out.append(_Tok(s, m.end(), m.group(), any(r.start <= s < r.end for r in long_quotes)))
    return out


def _mention_at(mentions: Sequence[Mention], s: int, e: int) -> Mention | None:
    best = None
    for m in mentions:
        if m.start < e and s < m.end and m.label in ("PERSON", "ORG", "NORP", "GPE"):
            if best is None or (m.label == "PERSON") > (best.label == "PERSON"):
                best = m
    return best


def _speaker_before(toks: list[_Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
    if toks[i].low.endswith("ing") and i > 0 and toks[i - 1].text == ",":  # "X ..., saying that"
        return _subject(toks, i, mentions)
    j = i - 1
    while j >= 0 and (toks[j].low in lx.BETWEEN or _adverb(toks[j])):
        j -= 1
    if j >= 0 and toks[j].text == ")":  # "Rep. X (R-Fla.) said"
        k = next((k for k in range(j - 1, max(-1, j - 12), -1) if toks[k].text == "("), None)
        if k is None or k == 0:
            return None
        j = k - 1
    if j >= 0 and toks[j].text == "," and (head := _appositive_head(toks, j, mentions)):
        return head
    if j >= 0 and toks[j].text == ",":  # "X, a spokesman for Y, said" / "X, who ..., said"
        k = next((k for k in range(j - 1, max(-1, j - 16), -1) if toks[k].text == "," or toks[k].quoted), None)
        if k is None or toks[k].quoted or k == 0:
            return None
        j = k - 1
    if j < 0 or toks[j].quoted or not re.match(r"\w", toks[j].text):
        return None
    head = toks[j]
    if head.low == "and" and not any(t.quoted for t in toks[:j]):  # "X urged her ... and repeatedly said"
        return _subject(toks, j, mentions)
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
    m = _mention_at(mentions, head.start, head.end)
    if m:
        return (m.start, m.end)
    if head.low in lx.PRONOUNS:
        return (head.start, head.end)
    k = j
    while k - 1 >= 0 and re.match(r"\w", toks[k - 1].text) and not toks[k - 1].quoted and toks[k - 1].low not in lx.STOP and j - k < 5:
        k -= 1
    return (toks[k].start, head.end)


def _adverb(t: _Tok) -> bool:
    """"Doe flatly denied", "Doe later told": a manner or time adverb between a speaker and its cue."""
    return t.text.islower() and len(t.text) > 4 and t.text.endswith("ly") and t.low not in lx.LY_NOUNS


def _appositive_head(toks: list[_Tok], j: int, mentions: Sequence[Mention]) -> Span | None:
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
        m = _mention_at(mentions, toks[n].start, toks[n].end)
        if m is not None and m.label in ("PERSON", "ORG") and m.end == toks[n].end:
            return (m.start, m.end)
    return None


def _subject(toks: list[_Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
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
        m = _mention_at(mentions, t.start, t.end)
        if m is not None:
            return (m.start, m.end)
    return None


def _speaker_after(toks: list[_Tok], i: int, mentions: Sequence[Mention]) -> Span | None:
    j = i + 1
    if j >= len(toks) or toks[j].quoted or not re.match(r"\w", toks[j].text):
        return None
    m = _mention_at(mentions, toks[j].start, toks[j].end)
    if m:
        return (m.start, m.end)
    if toks[j].low in lx.PRONOUNS and toks[j].low != "it":
        return (toks[j].start, toks[j].end)
    if toks[j].low in lx.OBJECTS or toks[j].low == "it" or toks[j].low in lx.STOP or toks[j].low in lx.TIME_WORDS:
        return None
    k = j
    while k + 1 < len(toks) and re.match(r"[\w’'-]", toks[k + 1].text) and not toks[k + 1].quoted and k - j < 8:
        m = _mention_at(mentions, toks[k + 1].start, toks[k + 1].end)
        if m:
            return (m.start, m.end)
        if toks[k + 1].low in lx.STOP and toks[k + 1].low not in ("of", "for", "at"):
            break
        k += 1
    return (toks[j].start, toks[k].end)


def _after_cue(toks: list[_Tok], a: int, b: int, mentions: Sequence[Mention]) -> Span | None:
    """The speaker written after its cue ('said Doe'); never after a cue whose object is the
    listener ('told Doe', 'urged Doe')."""
    return None if toks[a].low in lx.LISTENER_CUES else _speaker_after(toks, b, mentions)


def _cues(toks: list[_Tok], mentions: Sequence[Mention] = ()) -> list[tuple[int, int]]:
    """(first, last) token indexes of every cue outside the long quotes."""
    out = []
    for i, t in enumerate(toks):
        if t.quoted:
            continue
        if t.low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            out.append((i, i + 1))
        elif t.low in lx.CUE_VERBS and not (i > 0 and toks[i - 1].low in lx.DETERMINERS) and (
            t.text.islower() or i == 0 or toks[i - 1].low in lx.PRONOUNS or _mention_at(mentions, toks[i - 1].start, toks[i - 1].end)
        ) and (t.text.islower() or not _mention_at(mentions, t.start, t.end)) and (  # "the United States" states nothing
            t.low not in lx.NOUN_CUES or not _noun_use(toks, i, mentions)  # "Republican support was": a noun
        ):
            out.append((i, i))
        elif t.low == "put" and i + 1 < len(toks) and toks[i + 1].low == "it" and any(x.low == "as" for x in toks[max(0, i - 30):i]):
            out.append((i, i + 1))  # "as one analyst put it"
        elif t.text in "―—" and i > 0 and toks[i - 1].quoted:
            out.append((i, i))
    return out


def _noun_use(toks: list[_Tok], i: int, mentions: Sequence[Mention]) -> bool:
    """Is a cue word that is also a noun ("support", "plans", "states") used as one here:
    followed by a verb or a preposition ("support was", "comments came", "support from"),
    or after a word no subject ends with ("battleground states", "record low support")?
    Pronouns, names, words for people and for documents ("the poll shows") end subjects."""
    if i + 1 < len(toks) and toks[i + 1].low in lx.NOUN_NEXT:
        return True
    j = i - 1
    while j >= 0 and toks[j].low in lx.BETWEEN:
        j -= 1
    if j < 0:
        return False
    t = toks[j]
    if not t.text.islower() or _mention_at(mentions, t.start, t.end) is not None:
        return False
    return not (t.low in lx.PRONOUNS or t.low in lx.ROLES or t.low in lx.PEOPLE or t.low in lx.DOCUMENTS)


def _trim(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in " \t,;:—–-―":
        s += 1
    while e > s and text[e - 1] in " \t,;:—–-―.":
        e -= 1
    return (s, e)


def _direct(text, unit, long_quotes, toks, mentions) -> Quote:
    content = [(r.start, r.end) for r in long_quotes]
    q = Quote(content, "direct")
    cues = _cues(toks, mentions)
    lead = text[unit.start:long_quotes[0].start].strip()
    if not cues:
        subject = _mention_at(mentions, unit.start, long_quotes[0].start) if lead else None
        if subject is not None and text[unit.start:subject.start].strip() == "":
            q.speaker = (subject.start, subject.end)
            q.kind = "mixed" if len(_TOKEN.findall(lead)) > 3 else "direct"
        return q
    first_q = next(i for i, t in enumerate(toks) if t.quoted)
    # the cue nearest to a quote (in tokens), before or after it
    def dist(c):
        a, b = c
        return min(abs(a - k) for k, t in enumerate(toks) if t.quoted)

    before = [c for c in cues if c[1] < first_q]
    last_q = max(i for i, t in enumerate(toks) if t.quoted)
    framed = text[:long_quotes[0].start].rstrip()[-1:] in ":,"
    after = [c for c in cues if last_q < c[0] <= last_q + 4 and text[long_quotes[-1].end - 2:long_quotes[-1].end - 1] in ",?!"]
    choice = before if lead and before else cues
    if lead and before and after and not framed:
        choice = after  # 'The four "loopholes" he cited are "...," the paper reported.': the frame after the quote is its own
    a, b = min(choice, key=dist)
    first = choice[0] if choice is before and not framed else None
    if first is not None and first != (a, b) and toks[first[0]].low in lx.SPEECH_CUES and _speaker_before(toks, first[0], mentions):
        a, b = first  # 'X says she liked what she calls a "..."': X's words, the quote inside them
    outer = next((c for c in cues if c[1] == a - 2 and toks[a - 1].low in lx.PRONOUNS), None)
    if outer is not None:  # "X said he hopes that ...": X's words, not the pronoun's
        a, b = outer
    spk = None
    if toks[a].low == "according":
        spk = _speaker_after(toks, b, mentions)
    elif toks[a].text in "―—" or a > 0 and (toks[a - 1].quoted or toks[a - 1].text in "—–―"):
        spk = _speaker_after(toks, b, mentions) or _speaker_before(toks, a, mentions)
    else:
        spk = _speaker_before(toks, a, mentions) or _after_cue(toks, a, b, mentions)
    q.cue = (toks[a].start, toks[b].end)
    q.speaker = spk
    if lead and b < first_q:
        gap = [t for t in toks[b + 1:first_q] if re.match(r"\w", t.text)]
        spk_words = set(range(*spk)) if spk else set()
        gap = [t for t in gap if t.start not in spk_words and t.low not in lx.TIME_WORDS]
        framed = text[:long_quotes[0].start].rstrip()[-1:] in ":,"  # 'X said: "..."'
        if any(t.low == "that" for t in gap) or (len(gap) > 1 and not framed) or len(gap) > 3:
            s, e = _trim(text, toks[b].end, unit.end)
            if gap and gap[0].low == "that":
                s = gap[0].start
            q.content = [(s, e)]
            q.kind = "mixed"
    return q


def _indirect(text, unit, toks, mentions, short_quotes) -> list[Quote]:
    out = []
    cues = _cues(toks, mentions)
    for a, b in sorted(cues, key=lambda c: toks[c[0]].low != "according"):  # "X plans to ..., according to Y": Y's
        if toks[a].low in lx.QUOTE_ONLY_CUES:
            continue
        cue = (toks[a].start, toks[b].end)
        if toks[a].low == "according":
            spk = _speaker_after(toks, b, mentions)
            if spk is None:
                continue
            before = text[unit.start:toks[a].start]
            after_i = next((k for k in range(b + 1, len(toks)) if toks[k].text == ","), None)
            if len(_TOKEN.findall(before)) >= MIN_CONTENT_TOKENS:
                s, e = _trim(text, unit.start, toks[a].start)
            elif after_i is not None:
                s, e = _trim(text, toks[after_i].end, unit.end)
            else:
                continue
        else:
            spk_b = _speaker_before(toks, a, mentions)
            rest = [t for t in toks[b + 1:] if re.match(r"\w", t.text)]
            head = toks[a].start if spk_b is None else spk_b[0]
            comma = max((k for k in range(a) if toks[k].text == "," and toks[k].end <= head), default=None)
            tail = _frame_tail(toks, b + 1) if comma is not None and comma >= MIN_CONTENT_TOKENS and toks[a].low in lx.SPEECH_CUES else None
            if tail is not None and spk_b is not None:  # "CONTENT, X told reporters on Friday." / "A, X said, B."
                pieces = [_trim(text, unit.start, toks[comma].start)]
                if tail < len(toks) and len([t for t in toks[tail:] if re.match(r"\w", t.text)]) >= MIN_CONTENT_TOKENS:
                    pieces.append(_trim(text, toks[tail].end, unit.end))
                if pieces[0][1] - pieces[0][0] >= 8:
                    kind = "mixed" if any(s <= r.start < e for s, e in pieces for r in short_quotes) else "indirect"
                    out.append(Quote(pieces, kind, cue, spk_b))
                    break
            if spk_b is not None and len(rest) >= MIN_CONTENT_TOKENS:
                spk = spk_b
                k = b + 1
                while k < len(toks) and (toks[k].low in lx.TIME_WORDS or toks[k].text == ","):
                    k += 1
                if toks[a].low in ("told", "tells", "tell", "telling", "asked", "warned", "urged"):
                    t_i = next((x for x in range(k, min(k + 8, len(toks))) if toks[x].low == "that"), None)
                    if t_i is None:
                        continue
                    k = t_i
                if k >= len(toks):
                    continue
                s, e = _trim(text, toks[k].start, unit.end)
            else:
                # "CONTENT, X said." / "CONTENT, said X."
                if a < MIN_CONTENT_TOKENS or len(rest) > 6 or _frame_tail(toks, b + 1) is None:
                    continue
                comma = max((k for k in range(a) if toks[k].text == ","), default=None)
                if comma is None or comma < MIN_CONTENT_TOKENS:
                    continue
                spk = spk_b or _after_cue(toks, a, b, mentions)
                if spk is None:
                    continue
                s, e = _trim(text, unit.start, toks[comma].start)
        if e - s < 8:
            continue
        second = _second_cue(toks, s, e)
        spans = [(s, e)] if second is None else [_trim(text, s, toks[second - 1].start), _trim(text, toks[second + 1].start, e)]
        for (s, e), c in zip(spans, (cue, second and (toks[second].start, toks[second].end))):
            kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
            out.append(Quote([(s, e)], kind, c, spk))
        break  # one attribution per sentence: nested ones ("X said Y believes Z") cost more than they find
    return out


def _after_frame(text: str, unit: _Unit, toks: list[_Tok], q: Quote, short_quotes) -> list[Quote]:
    """'"...," she said, adding that B.' / '..., citing B.': what the speaker of a quote
    goes on to report, after the quote's cue, as a quote of its own."""
    if q.cue is None or q.speaker is None:
        return []
    for x, t in enumerate(toks):
        if t.start <= q.cue[1] or t.quoted or x + 1 >= len(toks):
            continue
        if toks[x - 1].text == "," and t.low.endswith("ing") and t.low in lx.CUE_VERBS and t.low not in lx.QUOTE_ONLY_CUES:
            k = x + 1
            while k < len(toks) and toks[k].low in ("of", "up", "on", "to"):  # "speaking of", "summing up"
                k += 1
            end = next((toks[y].start for y in range(k, len(toks)) if toks[y].quoted), unit.end)  # up to a next quote
            if k >= len(toks) or toks[k].start >= end:
                return []
            s, e = _trim(text, toks[k].start, end)
            if e - s < 8:
                return []
            kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
            return [Quote([(s, e)], kind, (t.start, t.end), q.speaker)]
    return []


def _headline(text: str, unit: _Unit, toks: list[_Tok], mentions: Sequence[Mention], short_quotes) -> list[Quote]:
    """'Doe: The Bridge Will Open in May.': a headline's way of saying who said it, a name and a colon."""
    if len(toks) < 2 + MIN_CONTENT_TOKENS:
        return []
    m = _mention_at(mentions, toks[0].start, toks[0].end)
    colon = next((x for x, t in enumerate(toks[:6]) if t.text == ":"), None)
    if m is None or m.label != "PERSON" or m.start != toks[0].start or colon is None or toks[colon - 1].end != m.end:
        return []
    s, e = _trim(text, toks[colon].end, unit.end)
    kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
    return [Quote([(s, e)], kind, (toks[colon].start, toks[colon].end), (m.start, m.end))] if e - s >= 8 else []


def _frame_tail(toks: list[_Tok], k: int) -> int | None:
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


def _second_cue(toks: list[_Tok], s: int, e: int) -> int | None:
    """A second cue of the same speaker inside reported content: "X said A, adding that B",
    "X said A and warned that B". The token index of that cue, or None."""
    for x, t in enumerate(toks):
        if not (s < t.start < e) or x + 2 >= len(toks) or toks[x + 1].end > e:
            continue
        joined = toks[x - 1].text == "," and t.low.endswith("ing") or toks[x - 1].low in ("and", "but") and t.low in lx.FINITE_CUES
        if joined and t.low in lx.CUE_VERBS and t.low not in lx.QUOTE_ONLY_CUES:
            return x
    return None


def _frame(toks: list[_Tok], mentions: Sequence[Mention]) -> tuple[Span, Span] | None:
    """("he added on Twitter.") A cue with a speaker and no content of its own."""
    for a, b in _cues(toks, mentions):
        rest = [t for t in toks[b + 1:] if re.match(r"\w", t.text)]
        if rest and rest[0].low not in lx.FRAME_TAIL and not toks[-1].text == ":":
            continue  # the cue has content of its own ("He did not suggest retaliation.")
        spk = _speaker_before(toks, a, mentions) or _speaker_after(toks, b, mentions)
        if spk is not None:
            return (toks[a].start, toks[b].end), spk
    return None


_LABEL = re.compile(r"[\"“„«]\s*((?:[A-Z][A-Z.’'-]+ ){0,2}[A-Z][A-Z.’'-]+):\s+")


def _transcript(text: str, q: Quote) -> bool:
    """A quoted transcript turn ('"SMITH: We will ...'): the label in capitals is the speaker,
    and the content starts after it."""
    if q.kind != "direct":
        return False
    m = _LABEL.match(text, q.content[0][0])
    if m is None or len(m.group(1)) < 2 or m.end() >= q.content[0][1]:
        return False
    q.speaker, q.cue = m.span(1), None
    q.content[0] = (m.end(), q.content[0][1])
    return True


def find_quotes(text: str, mentions: Sequence[Mention] = ()) -> list[Quote]:
    """Every quote in `text`, in order. `mentions` are its NER spans."""
    mentions = sorted(mentions, key=lambda m: m.start)
    quotes: list[Quote] = []
    pending: Quote | None = None  # "X said:" at a paragraph's end waits for the next paragraph
    last_direct: Quote | None = None  # the quote a following quote-only paragraph continues
    for p0, p1 in paragraphs(text):
        regions = paragraph_regions(text[p0:p1], p0)
        para_quotes: list[Quote] = []
        frame: tuple[Span, Span] | None = None  # a cue and speaker whose quote comes next
        for unit in _units(text, p0, p1, regions):
            longs = [r for r in unit.quotes if _is_long(text, r)]
            shorts = [r for r in unit.quotes if r not in longs]
            toks = _tokens(text, unit, longs)
            if longs:
                q = _direct(text, unit, longs, toks, mentions)
                if _transcript(text, q):
                    para_quotes.append(q)
                    frame = None
                    continue
                if q.kind == "direct" and q.cue is None and q.speaker is None:
                    prev = para_quotes[-1] if para_quotes else None
                    if frame is not None:
                        q.cue, q.speaker = frame
                    elif prev is not None and prev.kind == "direct":
                        prev.content.extend(q.content)
                        continue
                    else:
                        src = pending if pending is not None else (last_direct if not para_quotes else None)
                        if src is not None:
                            q.cue = src.cue if src is pending else None
                            q.speaker = src.speaker
                frame = None
                para_quotes.append(q)
                para_quotes.extend(_after_frame(text, unit, toks, q, shorts))
            else:
                found = _indirect(text, unit, toks, mentions, shorts) or _headline(text, unit, toks, mentions, shorts)
                para_quotes.extend(found)
                frame = (found[-1].cue, found[-1].speaker) if found else _frame(toks, mentions)
        pending = None
        tail = text[p0:p1].rstrip()
        if tail.endswith(":") and not regions:
            toks = _tokens(text, _Unit(p0, p1), [])
            cues = _cues(toks, mentions)
            if cues:
                a, b = cues[-1]
                spk = _speaker_before(toks, a, mentions) or _speaker_after(toks, b, mentions)
                pending = Quote([], "direct", (toks[a].start, toks[b].end), spk)
                para_quotes = [q for q in para_quotes if not (q.cue == pending.cue)]
        last_direct = para_quotes[-1] if para_quotes and para_quotes[-1].kind == "direct" and para_quotes[-1].speaker else None
        quotes.extend(para_quotes)
    _merge_runs(text, quotes)
    for q in quotes:
        q.text = " ".join(text[s:e] for s, e in q.content)
        if q.speaker:
            q.speaker_text = text[q.speaker[0]:q.speaker[1]]
    from newslake.quotes.speakers import resolve_speakers

    resolve_speakers(text, quotes, mentions)
    return quotes


def _merge_runs(text: str, quotes: list[Quote]) -> None:
    """A quote left open at a paragraph's end, reopened at the next: one span over both."""
    i = 0
    while i + 1 < len(quotes):
        a, b = quotes[i], quotes[i + 1]
        end = a.content[-1][1]
        if (
            a.kind == "direct" and b.kind == "direct" and (b.speaker is None or a.speaker is None)
            and text[end:b.content[0][0]].strip() == "" and text[end - 1] not in "”\"'"
        ):
            a.content[-1] = (a.content[-1][0], b.content[0][1])
            a.content.extend(b.content[1:])
            if a.speaker is None:
                a.cue, a.speaker = b.cue, b.speaker
            del quotes[i + 1]
            continue
        i += 1
