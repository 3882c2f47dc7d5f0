"""The rule patterns, combined into one alternation compiled once at import.

One left-to-right pass of a single regex keeps the tagger well above 1 MB/s. Python's
alternation is leftmost-first, so among rules that can start at the same offset the
longer, more specific rule is listed first; each rule makes its optional tails greedy so
"Friday, January 4, 2019" is taken whole rather than as "Friday". Month and weekday
names are case-sensitive ("May", "March" vs the verbs); the function words around them
are case-insensitive through scoped (?i:...) groups.
"""
from __future__ import annotations

import re

from .lexicon import (
    COUNT_NOUNS, FIXED_HOLIDAYS, MONTH_ABBR, MONTHS, MOVABLE_HOLIDAYS, NUMBER_WORDS,
    ORDINALS, PARTS_OF_DAY, SEASONS, TIMEZONES, UNITS, VAGUE_NUMBERS, WEEKDAY_ABBR,
    WEEKDAYS,
)


def _alt(words) -> str:
    """Longest first, so a prefix never shadows a longer alternative."""
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


def _ci(words) -> str:
    return "(?i:" + _alt(w.replace(" ", "\x00") for w in words).replace("\x00", r"\s+") + ")"


def _cased(words) -> str:
    """Title-case and upper-case forms only: 'May' the month, not 'may' the verb."""
    forms = set()
    for w in words:
        forms.add(w[:1].upper() + w[1:])
        forms.add(w.upper())
    return _alt(forms)


MONTH_FULL = rf"(?:{_cased(MONTHS)})\b"
MONTH = rf"(?:(?:{_cased(MONTHS)})\b|(?:{_cased(MONTH_ABBR)})\b\.?)"
WEEKDAY = rf"(?:{_cased(WEEKDAYS)})\b"
WEEKDAY_ANY = rf"(?:(?:{_cased(WEEKDAYS)})\b|(?:{_cased(WEEKDAY_ABBR)})\b\.?)"
WEEKDAY_PLURAL = rf"(?:{_cased(w + 's' for w in WEEKDAYS)})\b"
SEASON = rf"{_ci(SEASONS)}\b"
POD = rf"{_ci(PARTS_OF_DAY)}\b"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\w|:\d|[.,]\d)"
YEAR4 = r"(?:1[6-9]\d\d|20\d\d)(?![\w%]|[.,]\d)"
_NUM_WORD = _ci(
    [w for w in NUMBER_WORDS]
    + [f"{t}-{o}" for t in ("twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                             "eighty", "ninety")
       for o in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")]
    + [f"{t} {o}" for t in ("twenty", "thirty", "forty") for o in
       ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")]
    + list(VAGUE_NUMBERS) + ["one and a half", "half a", "half an"]
)
NUM = rf"(?:{_NUM_WORD}|\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)"
UNIT = rf"(?i:(?:{_alt(UNITS)})s?|centuries)\b"
MOD = (r"(?i:(?:the\s+)?(?:very\s+)?(?:end|start|beginning|middle|close|turn)\s+of\s+(?:the\s+)?"
       r"|(?:early|late|earlier|later)(?:\s+in)?\s+|mid-\s*|mid\s+)")
YEAR_PREPS = _ci(["in", "since", "until", "till", "by", "of", "from", "during", "before",
                  "after", "through", "throughout", "between", "for", "around", "circa",
                  "to", "and", "or", "year", "the year", "in the year", "fiscal",
                  "fiscal year", "calendar", "calendar year", "model year", "FY", "ca."])
_COUNT = _alt(COUNT_NOUNS)
NOT_COUNT = rf"(?!\s+(?i:{_COUNT})\b)"
TZ = _alt(TIMEZONES)
HOLIDAY = _ci(list(FIXED_HOLIDAYS) + list(MOVABLE_HOLIDAYS))
ORDINAL = _ci(ORDINALS)
PERIODICAL = r"(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|People|Independent|Star|Sport|Night\s+Live|Morning\s+Post)\b"

# (rule name, pattern). Group names are local to a rule; the builder prefixes them.
RULES: list[tuple[str, str]] = [
    ("date_mdy",
     rf"(?:(?P<wd>{WEEKDAY_ANY}),?\s+)?(?P<mod>{MOD})?(?P<month>{MONTH})\s*(?P<day>{DAY})"
     rf"(?:(?:,\s*|\s+)(?P<year>{YEAR4})|(?:,\s*|\s+)['’](?P<yy>\d\d)\b)?"),
    ("date_dmy",
     rf"(?:(?P<wd>{WEEKDAY_ANY}),?\s+)?(?:(?i:the)\s+)?(?P<day>{DAY})(?:\s+(?i:of))?\s+"
     rf"(?P<month>{MONTH})(?:,?\s+(?P<year>{YEAR4}))?"),
    ("date_iso",
     r"(?<![\d-])(?P<y>1[6-9]\d\d|20\d\d)(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])(?P=sep)"
     r"(?P<d>0[1-9]|[12]\d|3[01])(?:T(?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d))?(?![\d-])"),
    ("date_us",
     r"(?<![\d/.])(?P<m>0?[1-9]|1[0-2])/(?P<d>0?[1-9]|[12]\d|3[01])/(?P<y>(?:19|20)\d\d|\d\d)(?![\d/])"),
    ("month_year",
     rf"(?P<mod>{MOD})?(?P<month>{MONTH})(?:,?\s+|\s+(?i:of)\s+)(?P<year>{YEAR4})"),
    ("half_quarter",
     rf"(?P<mod>{MOD})?(?:(?i:the)\s+)?"
     rf"(?:(?P<py>{YEAR4})(?:['’]s)?\s+|(?P<prel>(?i:this|last|next))\s+(?i:year)['’]s\s+)?"
     rf"(?:(?i:fiscal|calendar)[-\s]+)?(?P<ord>{_ci(['first', 'second', 'third', 'fourth', 'final', '1st', '2nd', '3rd', '4th'])})"
     r"[-\s]+(?P<kind>(?i:quarter|half))\b(?!\s+(?i:of)\s+(?:a|an|the|its|his|her|their|this)\b(?!\s+(?i:year)))"
     rf"(?:(?:\s+(?i:of))?\s+(?:(?i:fiscal\s+)?(?P<qy>{YEAR4})|(?P<qrel>(?i:this|last|next|the))\s+(?i:year)))?"),
    ("q_code",
     rf"(?<![\w-])(?P<q>Q[1-4]|H[12])(?:\s+(?P<qy>{YEAR4})|['’](?P<yy>\d\d))?\b"),
    ("quarter_anchor",
     rf"(?i:the)\s+(?:(?P<y>{YEAR4})\s+)?(?:(?P<rel>(?i:latest|current|most\s+recent|year-ago|year-earlier|previous|"
     r"prior|just-ended|just\s+ended|same))\s+)?(?:(?i:fiscal)\s+)?(?i:quarter)\b"
     r"(?!\s+(?i:of)\b|-)"),
    ("season_year",
     rf"(?P<mod>{MOD})?(?:(?i:the)\s+)?(?P<season>{SEASON})(?:\s+(?i:of))?\s+(?P<year>{YEAR4})"),
    ("pod_rel",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:last|this|yesterday|tomorrow))\s+(?P<pod>{POD})"
     r"|(?P<tonight>(?i:tonight))\b"),
    ("rel_named",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:the\s+previous|this\s+past|this\s+coming|this\s+last|last|this|next|past|coming))\s+"
     rf"(?:(?P<month>{MONTH_FULL})|(?P<wd>{WEEKDAY})(?:\s+(?P<pod>{POD}))?|(?P<season>{SEASON}))"),
    ("rel_unit",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:this\s+past|this\s+coming|last|this|next|the\s+past|the\s+previous|"
     r"the\s+preceding|the\s+coming|the\s+next|the\s+current|the\s+last|past|previous|coming|current))\s+"
     r"(?P<unit>(?i:weekend|week|month|year|quarter|decade|century|fiscal\s+year))\b(?!-)"),
    ("the_weekend", r"(?i:the\s+weekend)\b"),
    ("duration",
     rf"(?:(?P<prep>(?i:in|within|for|over|after|during|about|nearly|almost|more\s+than|less\s+than))\s+)?"
     rf"(?P<mod>{MOD})?(?:(?P<the>(?i:the))\s+)?"
     rf"(?:(?P<adj>(?i:past|last|next|first|coming|previous|following|final|initial|latest|recent|"
     r"preceding|remaining|entire|whole|full|same|additional|further|other))\s+)?"
     rf"(?P<num>{NUM})(?P<sep>[-\s]+)(?P<unit>{UNIT})"
     r"(?:\s+(?P<dir>(?i:ago|earlier|from\s+now|hence|back)))?"),
    ("vague_unit",
     r"(?P<prep>(?i:for|over|in|within|after|take|takes|took|taking|lasted|lasting))\s+"
     r"(?P<unit>(?i:years|months|weeks|days|decades|hours|minutes|centuries))\b"
     r"(?!\s+(?i:of|old|ago|earlier|later|before|after)\b)"),
    ("set_rule",
     rf"(?P<q>(?i:every|each|per))\s+(?:(?i:other)\s+)?(?:(?P<num>{NUM})\s+)?"
     rf"(?:(?P<unit>(?i:day|week|month|year|quarter|hour|minute|weekend)s?)\b|(?P<pod>{POD})"
     rf"|(?P<wd>{WEEKDAY})|(?P<month>{MONTH_FULL})|(?P<season>{SEASON}))"
     r"|(?P<adv>(?i:daily|weekly|monthly|yearly|annually|hourly|nightly|biweekly|"
     r"fortnightly|semiannually|semi-annually|bimonthly))\b"
     rf"|(?:(?i:on)\s+)?(?P<wds>{WEEKDAY_PLURAL})"
     r"|(?P<freq>(?i:once|twice|three\s+times|several\s+times|two\s+times))\s+(?P<funit>(?i:a|per)\s+(?:day|week|month|year))\b"),
    ("dayword",
     rf"(?P<mod>{MOD})?(?:(?P<rel>(?i:this\s+past|this\s+coming|last|next|this))\s+)?"
     rf"(?P<day>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow)\b|{WEEKDAY}(?!\s+{PERIODICAL}))"
     rf"(?:(?:\s+|['’]s\s+)(?P<pod>{POD}))?"),
    ("bare_month",
     rf"(?:(?P<prep>(?i:in|since|until|till|by|from|during|before|after|through|to|of|throughout))\s+)?"
     rf"(?P<mod>{MOD})?(?P<month>{MONTH_FULL})(?!\s*\d|-)"),
    ("decade",
     rf"(?:(?P<the>(?i:the))\s+)?(?P<mod>{MOD})?(?:(?P<dec>1[0-9]\d0|20\d0)['’]?s|['’](?P<dd>\d0)['’]?s)\b"),
    ("century",
     rf"(?:(?i:the)\s+)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL})[-\s]+(?i:century)\b"),
    ("year",
     rf"(?:(?P<prep>{YEAR_PREPS})\s*(?:(?i:the)\s+)?|(?P<open>\())?(?P<mod>{MOD})?"
     rf"(?P<year>{YEAR4})(?!\s*[-–]\s*\d\d(?!\d))(?P<poss>['’]s)?{NOT_COUNT}"),
    ("clock",
     r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.m\.?|p\.m\.?|am|pm))(?![A-Za-z])"
     r"|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?=\s+(?:GMT|UTC|BST)\b)"
     r"|(?<![\d:.,$])(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])"
     r"|(?P<hw>" + _ci(list(NUMBER_WORDS)[1:13]) + r"|1[0-2]|[1-9])\s+(?i:o['’]clock)"
     r"|(?P<noon>(?i:noon|midnight|midday))\b)"
     rf"(?:\s+(?:\(?(?P<tz>{TZ})\)?))?(?![\w])"),
    ("ref",
     r"(?P<ref>(?i:right\s+now|just\s+now|now|currently|at\s+present|presently|nowadays|these\s+days|"
     r"the\s+present\s+day|the\s+present|recently|lately|the\s+past|the\s+near\s+future|"
     r"the\s+future|in\s+recent\s+(?:years|months|weeks|days)|recent\s+(?:years|months|weeks|days|times)|"
     r"the\s+coming\s+(?:years|months|weeks|days|decades)|the\s+years\s+ahead))\b(?!-)"),
    ("holiday", rf"(?P<hol>{HOLIDAY})\b(?:\s+(?P<year>{YEAR4}))?"),
]

GROUP_SEP = "__"


def _build(rules: list[tuple[str, str]]) -> re.Pattern[str]:
    parts = []
    for name, pat in rules:
        pat = re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{name}{GROUP_SEP}{m.group(1)}>", pat)
        pat = re.sub(r"\(\?P=(\w+)\)", lambda m: f"(?P={name}{GROUP_SEP}{m.group(1)})", pat)
        parts.append(f"(?P<{name}>{pat})")
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + ")")


MASTER = _build(RULES)
RULE_GROUPS = {
    name: [g for g in MASTER.groupindex if g.startswith(name + GROUP_SEP)] for name, _ in RULES
}

# --- candidate start positions -------------------------------------------------------
# Trying the big alternation at every word is what makes a regex tagger slow. Every rule
# match contains an ANCHOR token (a digit run, month, weekday, unit, ...) and may only be
# preceded, within the match, by a short chain of PREFIX tokens (prepositions, modifiers,
# number words). So the tagger tries the pattern only at the start of such chains.
TOKEN = re.compile(r"[A-Za-z]+|\d+")
_UNIT_WORDS = [u for w in UNITS for u in (w, w + "s")] + ["centuries", "weekend", "weekends"]
ANCHOR_WORDS = frozenset(
    list(MONTHS) + list(MONTH_ABBR) + list(WEEKDAYS) + [w + "s" for w in WEEKDAYS]
    + list(WEEKDAY_ABBR) + list(SEASONS) + list(PARTS_OF_DAY) + _UNIT_WORDS
    + """tonight half halves yesterday today tomorrow now currently present presently
    nowadays recently lately past future recent ahead daily weekly monthly
    yearly annually hourly nightly biweekly fortnightly semiannually bimonthly
    noon midnight midday clock christmas valentine halloween easter thanksgiving
    """.split()
)
PREFIX_WORDS = frozenset(
    [w for k in NUMBER_WORDS for w in k.split()] + list(ORDINALS)
    + """the a an very end start beginning middle close turn of early late earlier later in
    mid on at by since until till from during before after through throughout between for
    around circa ca to and or fiscal calendar model fy within over about nearly almost more
    less than last next coming previous following final initial latest preceding remaining
    entire whole full same additional further other this that current every each per once
    twice times several few some many numerous dozens dozen couple hundred right just these
    near o s q h st nd rd th most prior ended new year good independence labor memorial
    veterans boxing day""".split()
)
