"""Tense of the clause that governs an expression: past (-1), future (+1) or unknown (0).

Used only to pick the direction of an underspecified reference ("on Sunday", "in July",
"Jan. 5"): "the minister said on Sunday" is the Sunday before the DCT, "talks will resume
on Sunday" the one after. No POS tagger: the nearest verb-like cue on either side of the
expression, inside its sentence and clause, decides, and a cue found next to the
expression beats one further away. A past form inside a future verb group ("will be
held", "to be announced") counts as future; a perfect ("has been delayed") as past.
"""
from __future__ import annotations

import re

from .lexicon import CLAUSE_WORDS, FUNCTION_WORDS, FUTURE_WORDS, NOT_PAST_ED, PAST_VERBS

_TOK = re.compile(r"[ap]\.m\.|[A-Za-z]+(?:-[A-Za-z]+)*|['’](?:ll|s|d|re|ve)\b|\$?\d[\d.,/%]*|[,;:]")
_CONTRACTIONS = re.compile(r"(?i)\b(?:won['’]t|can['’]t|(\w+)n['’]t)")
_BOUNDARY = re.compile(r"[.!?][\"'”’)]*\s+(?=[A-Z\"“‘(])|[\n;:]|[\"“”]\s*$")
_RIGHT_END = re.compile(r"[.!?](?:\s|$|[\"'”’])|[\n;]")

PARTICIPLES = frozenset("""
seen been done gone given taken known shown grown drawn written spoken broken chosen
driven eaten fallen forgotten hidden ridden risen shaken stolen sworn thrown torn worn
woken begun sung sunk swum flown withdrawn overtaken undertaken forgiven frozen
""".split())
_MODALS = frozenset("will 'll ’ll shall won't wont would could might may should must can".split())
_COPULA_PRESENT = frozenset("is are am".split())
_PRESENT = frozenset("is are am says say does".split())
_LEFT_STOP = frozenset("that which who whom whose because although though if unless whereas "
                       "but when while where".split())
_LEFT_MAX, _RIGHT_MAX = 8, 6
_NEEDS_TO = frozenset("plan plans hope hopes aim aims intend intends".split())
# verbs after which "to VERB" still looks forward ("planned to leave", "is set to begin")
_INTENT = frozenset("planned planning plans plan intended intends hoped hopes expected expects "
                    "scheduled set due slated aimed aims wanted wants going prepared preparing "
                    "is are was were am be been ready likely able poised about".split())
# a participle after these is an adjective ("a still unspecified date", "the revised plan")
_ADJ_BEFORE = frozenset("a an the its his her their our this that these those still newly "
                        "recently previously already so".split())


def _is_past_form(w: str) -> bool:
    if w in PAST_VERBS or w in PARTICIPLES:
        return True
    return len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED


def _cue(toks: list[str], i: int, caps: list[bool] | None = None) -> int | None:
    """Cue of toks[i] (lower-cased, reading order): -1, +1, 0 (a present verb) or None."""
    w = toks[i]
    prev = toks[i - 1] if i > 0 else ""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    if w in _MODALS or w in ("’ll", "'ll"):
        return 1
    if w == "going":
        return 1 if nxt == "to" else None
    if w == "to":
        # "to close Monday", "is to resume": an infinitive looks forward; "from May to
        # June", "up to", "compared to" do not.
        if len(nxt) > 2 and nxt.isalpha() and nxt not in FUNCTION_WORDS and prev not in (
                "up", "compared", "according", "due", "close", "next", "prior", "from") \
                and not (caps and caps[i + 1]) \
                and not (_is_past_form(prev) and prev not in _INTENT):
            return 1                                 # not "a trip to Havana", "voted to support"
        return None
    if w in FUTURE_WORDS:
        if w in _NEEDS_TO and nxt != "to":
            return None                              # "the plan", "high hopes"
        if prev in ("was", "were", "had", "been"):
            return 0                                 # "had been due to expire": either side
        return 1
    if w in ("since", "ago", "yesterday", "previously", "recently", "earlier"):
        return -1
    if _is_past_form(w):
        p2 = toks[i - 2] if i > 1 else ""
        if prev in _ADJ_BEFORE:
            return None
        if prev in _MODALS or prev == "to":
            return 1                                 # "will set", "to cut"
        if prev == "be":
            return 1                                 # "will be held", "to be announced"
        if prev in ("been", "being"):
            return 1 if (p2 in _MODALS or p2 == "to") else -1
        if prev in _COPULA_PRESENT or prev in ("has", "have"):
            return 0                                 # "is closed", "has set ... as the deadline"
        return -1
    if w in _PRESENT:
        return 0
    return None


def _expand(seg: str) -> str:
    return _CONTRACTIONS.sub(lambda m: "will not" if m.group().lower().startswith("won")
                             else "can not" if m.group().lower().startswith("can")
                             else f"{m.group(1)} not", seg)


def _left_tokens(text: str, start: int) -> tuple[list[str], list[bool]]:
    lo = max(0, start - 110)
    seg = text[lo:start]
    cut = 0
    for m in _BOUNDARY.finditer(seg):
        cut = m.end()
    toks = _TOK.findall(_expand(seg[cut:]))
    return [t.lower() for t in toks], [t[:1].isupper() for t in toks]


def _right_tokens(text: str, end: int) -> tuple[list[str], list[bool]]:
    seg = text[end:end + 80]
    m = _RIGHT_END.search(seg)
    if m:
        seg = seg[:m.start()]
    toks = _TOK.findall(_expand(seg))
    return [t.lower() for t in toks], [t[:1].isupper() for t in toks]


def tense_at(text: str, start: int, end: int) -> int:
    """-1 past, +1 future, 0 unknown, for the expression text[start:end]."""
    return tense_cue(text, start, end)[0]


def tense_cue(text: str, start: int, end: int) -> tuple[int, int]:
    """(direction, distance of the deciding cue in content words; 99 when there is none)."""
    left, lcap = _left_tokens(text, start)
    best: tuple[int, int] | None = None             # (distance, cue)
    dist = 0
    for i in range(len(left) - 1, -1, -1):
        w = left[i]
        if w in (",", ";", ":"):
            dist += 1
            continue
        if w in _LEFT_STOP:
            break
        c = _cue(left, i, lcap)
        if c is not None:
            best = (dist, c)
            break
        if w not in FUNCTION_WORDS and not lcap[i]:   # names ("U.S. Secretary Mike Pompeo") are free
            dist += 1
        if dist > _LEFT_MAX or len(left) - i > 16:
            break
    if best is not None and best[0] <= 1:
        return best[1], best[0]
    right, rcap = _right_tokens(text, end)
    dist = 0
    for i, w in enumerate(right):
        if w in (",", ";", ":"):
            dist += 1
            continue
        if w in CLAUSE_WORDS or w == "to":        # "... Thursday night to inform him": purpose
            break
        c = _cue(right, i, rcap)
        if c is not None:
            if best is None or dist < best[0]:
                best = (dist, c)
            break
        if w not in FUNCTION_WORDS and not rcap[i]:
            dist += 1
        if dist > _RIGHT_MAX or (best is not None and dist >= best[0]):
            break
    return (best[1], best[0]) if best is not None else (0, 99)
