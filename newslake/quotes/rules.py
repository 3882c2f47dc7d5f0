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
from newslake.quotes.attribution import Tok, adverb, after_cue, find_cues, mention_at, speaker_after, speaker_before
from newslake.quotes.clauses import clause_end, frame_tail, object_end, other_speaker, reports, second_cue
from newslake.quotes.marks import Region, paragraph_regions, paragraphs
from newslake.quotes.records import Mention, Quote, Span
from newslake.quotes.speakers import resolve_speakers

_TOKEN = re.compile(r"\w+(?:[’'.\-]\w+)*|[^\w\s]")
_OPEN_CLOSE = "\"“”„«»'"
#: A quoted region shorter than this many words is a scare quote or a title, not a quote.
MIN_QUOTE_WORDS = 4
MIN_CONTENT_TOKENS = 3
MIN_OBJ = 2  # "barely mentioned climate change": the object of a cue may be short
MIN_OBJ_CHARS = 5


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


def _tokens(text: str, unit: _Unit, long_quotes: list[Region]) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text, unit.start, unit.end):
        s = m.start()
        out.append(Tok(s, m.end(), m.group(), any(r.start <= s < r.end for r in long_quotes)))
    return out



def _trim(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in " \t,;:—–-―":
        s += 1
    while e > s and text[e - 1] in " \t,;:—–-―.":
        e -= 1
    return (s, e)


def _direct(text, unit, long_quotes, toks, mentions) -> Quote:
    content = [(r.start, r.end) for r in long_quotes]
    q = Quote(content, "direct")
    cues = find_cues(toks, mentions)
    lead = text[unit.start:long_quotes[0].start].strip()
    if not cues:
        subject = mention_at(mentions, unit.start, long_quotes[0].start) if lead else None
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
    if first is not None and first != (a, b) and toks[first[0]].low in lx.SPEECH_CUES and speaker_before(toks, first[0], mentions):
        a, b = first  # 'X says she liked what she calls a "..."': X's words, the quote inside them
    outer = next((c for c in cues if c[1] == a - 2 and toks[a - 1].low in lx.PRONOUNS), None)
    if outer is not None:  # "X said he hopes that ...": X's words, not the pronoun's
        a, b = outer
    spk = None
    if toks[a].low == "according":
        spk = speaker_after(toks, b, mentions)
    elif toks[a].text in "―—" or a > 0 and (toks[a - 1].quoted or toks[a - 1].text in "—–―"):
        spk = speaker_after(toks, b, mentions) or speaker_before(toks, a, mentions)
    else:
        spk = speaker_before(toks, a, mentions) or after_cue(toks, a, b, mentions)
    q.cue = (toks[a].start, toks[b].end)
    q.speaker = spk
    if lead and b < first_q:
        gap = [t for t in toks[b + 1:first_q] if re.match(r"\w", t.text)]
        spk_words = set(range(*spk)) if spk else set()
        gap = [t for t in gap if t.start not in spk_words and t.low not in lx.TIME_WORDS]
        framed = text[:long_quotes[0].start].rstrip()[-1:] in ":,"  # 'X said: "..."'
        if any(t.low == "that" for t in gap) or (len(gap) > 1 and not framed) or len(gap) > 3:
            last_q = max(i for i, t in enumerate(toks) if t.quoted)
            s, e = _trim(text, toks[b].end, clause_end(toks, last_q + 1, unit.end))
            if gap and gap[0].low == "that":
                s = gap[0].start
            elif toks[a].low in lx.LISTENER_CUES and (k := reports(toks, b + 1, toks[a].low)) is not None and toks[k].low == "that":
                s = toks[k].start  # "told the audience that ...": what was told, not to whom
            q.content = [(s, e)]
            q.kind = "mixed"
    return q


def _indirect(text, unit, toks, mentions, short_quotes) -> list[Quote]:
    out = []
    cues = find_cues(toks, mentions)
    for a, b in sorted(cues, key=lambda c: toks[c[0]].low != "according"):  # "X plans to ..., according to Y": Y's
        rest_at = None  # where a clause of its own starts after this cue's content ("A, but he said B")
        if toks[a].low in lx.QUOTE_ONLY_CUES and not reports(toks, b + 1, toks[a].low):
            continue  # "added:" frames a quote; "added that ..." reports
        cue = (toks[a].start, toks[b].end)
        if toks[a].low == "according":
            spk = speaker_after(toks, b, mentions)
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
            spk_b = speaker_before(toks, a, mentions)
            rest = [t for t in toks[b + 1:] if re.match(r"\w", t.text)]
            head = toks[a].start if spk_b is None else spk_b[0]
            comma = max((k for k in range(a) if toks[k].text == "," and toks[k].end <= head), default=None)
            tail = frame_tail(toks, b + 1) if comma is not None and comma >= 1 and toks[a].low in lx.SPEECH_CUES else None
            if tail is not None and spk_b is not None:  # "CONTENT, X told reporters on Friday." / "A, X said, B."
                pieces = [_trim(text, unit.start, toks[comma].start)]
                if tail < len(toks) and len([t for t in toks[tail:] if re.match(r"\w", t.text)]) >= MIN_CONTENT_TOKENS:
                    pieces.append(_trim(text, toks[tail].end, clause_end(toks, tail + 1, unit.end)))
                if comma < MIN_CONTENT_TOKENS and len(pieces) < 2:
                    pieces = []  # "The museum, he said, would ...": a short head needs the rest of its sentence
                if pieces and pieces[0][1] - pieces[0][0] >= 3:
                    kind = "mixed" if any(s <= r.start < e for s, e in pieces for r in short_quotes) else "indirect"
                    out.append(Quote(pieces, kind, cue, spk_b))
                    break
            if spk_b is not None and len(rest) >= (MIN_CONTENT_TOKENS if toks[a].low in lx.SPEECH_CUES else MIN_OBJ):
                spk = spk_b
                k = b + 1
                while k < len(toks) and (toks[k].low in lx.TIME_WORDS or toks[k].text == ","):
                    k += 1
                if toks[a].low in lx.LISTENER_CUES or toks[a].low in lx.QUOTE_ONLY_CUES:
                    t_i = reports(toks, k, toks[a].low)
                    if t_i is None:
                        continue
                    k = t_i
                if k >= len(toks) or toks[k].low in lx.RELATIVE_GAP or toks[k].low in lx.NO_CONTENT:
                    continue  # "Everything X says is a lie": the cue sits in a relative clause
                end = clause_end(toks, k + 1, unit.end)
                if toks[a].low not in lx.SPEECH_CUES:
                    end = object_end(toks, k + 1, end)
                s, e = _trim(text, toks[k].start, end)
                if end < unit.end:
                    rest_at = end
            else:
                # "CONTENT, X said." / "CONTENT, said X."
                inverted = a > 0 and toks[a - 1].text == "," and toks[a].low in lx.SPEECH_CUES and after_cue(toks, a, b, mentions) is not None
                if a < MIN_CONTENT_TOKENS or not inverted and (len(rest) > 6 or frame_tail(toks, b + 1) is None):
                    continue  # "CONTENT, said Doe, a lawyer for ... who ...": the speaker's description may run long
                comma = max((k for k in range(a) if toks[k].text == ","), default=None)
                if comma is None or comma < MIN_CONTENT_TOKENS:
                    continue
                spk = spk_b or after_cue(toks, a, b, mentions)
                if spk is None:
                    continue
                s, e = _trim(text, unit.start, toks[comma].start)
        if e - s < (8 if toks[a].low in lx.SPEECH_CUES else MIN_OBJ_CHARS):
            continue
        second = second_cue(toks, s, e)
        other = other_speaker(toks, s, e, mentions) if second is None else None
        if other is not None:  # "Republicans said A and Democrats accused B": B is the Democrats'
            k, x, who = other
            spans = [_trim(text, s, toks[k].start), _trim(text, toks[x + 1].start, e)]
            attributions = ((cue, spk), ((toks[x].start, toks[x].end), who))
        elif second is not None:
            spans = [_trim(text, s, toks[second - 1].start), _trim(text, toks[second + 1].start, e)]
            attributions = ((cue, spk), ((toks[second].start, toks[second].end), spk))
        else:
            spans, attributions = [(s, e)], ((cue, spk),)
        for (s, e), (c, who) in zip(spans, attributions):
            if e - s < MIN_OBJ_CHARS:
                continue  # a split that leaves one side (nearly) empty: "A, but admitted B" cut at its start
            kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
            out.append(Quote([(s, e)], kind, c, who))
        if rest_at is not None:  # a clause of its own may report again: ", but she noted that B"
            tail = [t for t in toks if t.start > rest_at]
            if tail:
                out.extend(_indirect(text, _Unit(tail[0].start, unit.end), tail, mentions, short_quotes))
        break  # one attribution per sentence: nested ones ("X said Y believes Z") cost more than they find
    return out


def _before_frame(text: str, unit: _Unit, toks: list[Tok], q: Quote, mentions, short_quotes) -> list[Quote]:
    """'X attacked Y for Z, saying, "..."': what the speaker of a quote reported before the
    participle that frames it, as a quote of its own."""
    if q.kind != "direct" or q.cue is None or q.speaker is None or q.speaker[1] > q.cue[0]:
        return []
    at = next((x for x, t in enumerate(toks) if t.start == q.cue[0]), None)
    if at is None or at < 2 or toks[at - 1].text != "," or not toks[at].low.endswith("ing"):
        return []
    lead = toks[:at - 1]
    if len(lead) < 2 + MIN_CONTENT_TOKENS or any(t.quoted for t in lead):
        return []
    return _indirect(text, _Unit(unit.start, lead[-1].end), lead, mentions, short_quotes)


def _after_frame(text: str, unit: _Unit, toks: list[Tok], q: Quote, short_quotes) -> list[Quote]:
    """'"...," she said, adding that B.' / '..., citing B.': what the speaker of a quote
    goes on to report, after the quote's cue, as a quote of its own."""
    if q.cue is None or q.speaker is None:
        return []
    for x, t in enumerate(toks):
        if t.start <= q.cue[1] or t.quoted or x + 1 >= len(toks):
            continue
        joined = toks[x - 1].text == "," and t.low.endswith("ing") or (  # ', adding that', ', who stressed that'
            x >= 2 and toks[x - 1].low == "who" and toks[x - 2].text == "," and t.low in lx.FINITE_CUES)
        if joined and t.low in lx.CUE_VERBS and t.low not in lx.QUOTE_ONLY_CUES:
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


def _nominal(text: str, unit: _Unit, toks: list[Tok], mentions: Sequence[Mention], short_quotes) -> list[Quote]:
    """"Doe's claim that the count was rigged": a noun of saying, its owner the speaker and
    the clause after "that" the content."""
    for x in range(1, len(toks) - 2):
        t, owner = toks[x], toks[x - 1]
        if t.quoted or not (t.low in lx.SAYING_NOUNS and toks[x + 1].low == "that" or t.low in lx.INTENT_NOUNS and toks[x + 1].low in ("to", "would", "will")):
            continue
        if owner.low in lx.OWNER_PRONOUNS:
            spk = (owner.start, owner.end)
        else:
            name = owner.text[:-2] if owner.low.endswith(("'s", "’s")) else None
            m = mention_at(mentions, owner.start, owner.start + len(name)) if name else None
            if m is None:
                continue
            spk = (m.start, min(m.end, owner.start + len(name)))
        end = clause_end(toks, x + 2, unit.end)
        s, e = _trim(text, toks[x + 1].start, end)
        if len([w for w in toks if s <= w.start < e and re.match(r"\w", w.text)]) <= MIN_CONTENT_TOKENS:
            continue
        kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
        return [Quote([(s, e)], kind, (t.start, t.end), spk)]
    return []


def _passive(text: str, unit: _Unit, toks: list[Tok], mentions: Sequence[Mention], short_quotes) -> list[Quote]:
    """"The plan was first reported by the Gazette": a cue in the passive with its agent,
    who is the speaker of the subject before it."""
    for x in range(MIN_CONTENT_TOKENS, len(toks) - 2):
        t = toks[x]
        if t.quoted or not t.low.endswith("ed") or t.low not in lx.CUE_VERBS or toks[x + 1].low != "by":
            continue
        j = x - 1
        while j > 0 and (toks[j].low in lx.BETWEEN or adverb(toks[j])):
            j -= 1
        m = mention_at(mentions, toks[x + 2].start, toks[x + 2].end)
        if toks[j].low not in lx.PASSIVE_AUX or m is None:
            continue
        s, e = _trim(text, unit.start, toks[j].start)
        if len([w for w in toks if s <= w.start < e and re.match(r"\w", w.text)]) < MIN_CONTENT_TOKENS:
            return []
        kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
        return [Quote([(s, e)], kind, (t.start, t.end), (m.start, m.end))]
    return []


def _headline(text: str, unit: _Unit, toks: list[Tok], mentions: Sequence[Mention], short_quotes) -> list[Quote]:
    """'Doe: The Bridge Will Open in May.': a headline's way of saying who said it, a name and a colon."""
    if len(toks) < 2 + MIN_CONTENT_TOKENS:
        return []
    m = mention_at(mentions, toks[0].start, toks[0].end)
    colon = next((x for x, t in enumerate(toks[:6]) if t.text == ":"), None)
    if m is None or m.label != "PERSON" or m.start != toks[0].start or colon is None or toks[colon - 1].end != m.end:
        return []
    s, e = _trim(text, toks[colon].end, unit.end)
    kind = "mixed" if any(s <= r.start < e for r in short_quotes) else "indirect"
    return [Quote([(s, e)], kind, (toks[colon].start, toks[colon].end), (m.start, m.end))] if e - s >= 8 else []


def _frame(toks: list[Tok], mentions: Sequence[Mention]) -> tuple[Span, Span] | None:
    """("he added on Twitter.") A cue with a speaker and no content of its own."""
    for a, b in find_cues(toks, mentions):
        rest = [t for t in toks[b + 1:] if re.match(r"\w", t.text)]
        if rest and rest[0].low not in lx.FRAME_TAIL and not toks[-1].text == ":":
            continue  # the cue has content of its own ("He did not suggest retaliation.")
        spk = speaker_before(toks, a, mentions) or speaker_after(toks, b, mentions)
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


def _quote_alone(text: str, p0: int, p1: int, regions: list[Region]) -> bool:
    """Is a paragraph nothing but quotation (no word of the writer's)?"""
    outside, at = [], p0
    for r in regions:
        outside.append(text[at:r.start])
        at = r.end
    outside.append(text[at:p1])
    return not re.search(r"\w", "".join(outside))


def find_quotes(text: str, mentions: Sequence[Mention] = ()) -> list[Quote]:
    """Every quote in `text`, in order. `mentions` are its NER spans."""
    mentions = sorted(mentions, key=lambda m: m.start)
    quotes: list[Quote] = []
    pending: Quote | None = None  # "X said:" at a paragraph's end waits for the next paragraph
    last_direct: Quote | None = None  # the quote a following quote-only paragraph continues
    for p0, p1 in paragraphs(text):
        regions = paragraph_regions(text[p0:p1], p0)
        if pending is not None and not regions:  # 'The governor added:' and then his words, unmarked
            s, e = _trim(text, p0, p1)
            if len(re.findall(r"\w+", text[s:e])) >= MIN_QUOTE_WORDS:
                quotes.append(Quote([(s, e)], "direct", pending.cue, pending.speaker))
                pending = None
                continue
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
                        if src is not None and src is not pending and quotes and quotes[-1] is src and _quote_alone(text, p0, p1, regions):
                            src.content.extend(q.content)  # a paragraph of quote alone goes on with the last speaker's quote
                            continue
                        if src is not None:
                            q.cue = src.cue if src is pending else None
                            q.speaker = src.speaker
                frame = None
                para_quotes.extend(_before_frame(text, unit, toks, q, mentions, shorts))
                para_quotes.append(q)
                para_quotes.extend(_after_frame(text, unit, toks, q, shorts))
            else:
                found = (_indirect(text, unit, toks, mentions, shorts) or _headline(text, unit, toks, mentions, shorts)
                         or _nominal(text, unit, toks, mentions, shorts) or _passive(text, unit, toks, mentions, shorts))
                para_quotes.extend(found)
                frame = (found[-1].cue, found[-1].speaker) if found else _frame(toks, mentions)
        pending = None
        tail = text[p0:p1].rstrip()
        if tail.endswith(":") and not regions:
            toks = _tokens(text, _Unit(p0, p1), [])
            cues = find_cues(toks, mentions)
            if cues:
                a, b = cues[-1]
                spk = speaker_before(toks, a, mentions) or speaker_after(toks, b, mentions)
                pending = Quote([], "direct", (toks[a].start, toks[b].end), spk)
                para_quotes = [q for q in para_quotes if not (q.cue == pending.cue)]
        last_direct = para_quotes[-1] if para_quotes and para_quotes[-1].kind == "direct" and para_quotes[-1].speaker else None
        quotes.extend(para_quotes)
    _merge_runs(text, quotes)
    for q in quotes:
        q.text = " ".join(text[s:e] for s, e in q.content)
        if q.speaker:
            q.speaker_text = text[q.speaker[0]:q.speaker[1]]
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
