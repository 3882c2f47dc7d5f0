"""The rule patterns, combined into one alternation compiled once at import.

One left-to-right pass of a single regex keeps the tagger well above 1 MB/s. Python's
alternation is leftmost-first, so among rules that can start at the same offset the
longer, more specific rule is listed first; each rule makes its optional tails greedy so
"Friday, January 4, 2019" is taken whole rather than as "Friday". Month and weekday
names are case-sensitive ("May", "March" vs the verbs); the function words around them
are case-insensitive through scoped (?i:...) groups. The tagger matches each candidate
with endpos at the end of its line, so no rule ever spans a line or paragraph break.
"""
from __future__ import annotations

import re

from .lexicon import (
    COUNT_NOUNS, DAY_ORDINAL_WORDS, HOLIDAYS, MONTH_ABBR, MONTHS, NUMBER_WORDS, ORDINALS,
    PARTS_OF_DAY, SEASONS, SPOKEN_DECADES, TIMEZONES, UNITS, VAGUE_NUMBERS, WEEKDAY_ABBR,
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
DAY_WORD = _ci(DAY_ORDINAL_WORDS) + r"\b"
YEAR4 = r"(?:1[6-9]\d\d|20\d\d)(?![\w%]|[.,]\d)"
_ONE_NINE = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNIT_WORDS_RE = _ci(_ONE_NINE)
_TENS_RE = rf"{_ci(_TENS)}(?:[-\s]+{_UNIT_WORDS_RE})?"
# "nineteen ninety-six", "eighteen hundred", "nineteen oh five", "two thousand (and) one"
SPOKEN_YEAR = (
    rf"(?:(?i:sixteen|seventeen|eighteen|nineteen|twenty)[-\s]+"
    rf"(?:(?i:hundred)|(?i:oh)[-\s]+{_UNIT_WORDS_RE}|{_TENS_RE}|{_ci(_TEENS)})"
    rf"|(?i:two\s+thousand)(?:(?:\s+(?i:and))?[-\s]+(?:{_TENS_RE}|{_ci(_TEENS)}|{_UNIT_WORDS_RE}))?)\b"
)
_NUM_WORD = _ci(
    [w for w in NUMBER_WORDS]
    + [f"{t}-{o}" for t in _TENS for o in _ONE_NINE]
    + [f"{t} {o}" for t in ("twenty", "thirty", "forty") for o in _ONE_NINE]
    + list(VAGUE_NUMBERS) + ["one and a half", "half a", "half an"]
)
_FRACTION = r"\d+(?:\s+|-)1/2(?!\d)|\d+½"
NUM = (rf"(?:{_FRACTION}|(?:{_NUM_WORD})(?:\s+(?i:and\s+a\s+half)|\s+(?i:hundred|thousand))?"
       r"|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)")
UNIT = rf"(?i:(?:{_alt(UNITS)})s?|centuries)\b"
MOD = (r"(?i:(?:the\s+)?(?:very\s+)?(?:end|start|beginning|middle|close|turn)\s+of\s+(?:the\s+)?"
       r"|(?:early|late|earlier|later)(?:\s+in)?\s+|mid-\s*|mid\s+)")
YEAR_PREPS = _ci(["in", "since", "until", "till", "by", "of", "from", "during", "before",
                  "after", "through", "throughout", "between", "for", "around", "circa",
                  "to", "and", "or", "year", "the year", "in the year", "fiscal",
                  "fiscal year", "calendar", "calendar year", "model year", "FY", "ca.",
                  "by the year", "post-", "pre-"])
_COUNT = _alt(COUNT_NOUNS)
NOT_COUNT = rf"(?!\s+(?i:{_COUNT})\b)"
TZ = _alt(TIMEZONES)
HOLIDAY = _ci(HOLIDAYS)
ORDINAL = _ci(ORDINALS)
PERIODICAL = r"(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|People|Independent|Star|Sport|Night\s+Live|Morning\s+Post)\b"
_MID_WORDS = (r"(?i:consecutive|straight|successive|trading|business|working|calendar|full|"
              r"more|long|additional|further|extra|whole|solid|short|separate)")
_HOUR_WORD = _ci(["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                  "eleven", "twelve"])

# (rule name, pattern). Group names are local to a rule; the builder prefixes them.
RULES: list[tuple[str, str]] = [
    ("date_mdy",
     rf"(?:(?P<wd>{WEEKDAY_ANY}),?\s+)?(?P<mod>{MOD})?(?P<month>{MONTH})"
     rf"(?:\s*(?P<day>{DAY})|\s+(?:(?i:the)\s+)?(?P<dword>{DAY_WORD}))"
     rf"(?:(?:,\s*|\s+)(?P<year>{YEAR4})|(?:,\s*|\s+)['’](?P<yy>\d\d)\b)?"),
    ("date_dmy",
     rf"(?:(?P<wd>{WEEKDAY_ANY}),?\s+)?(?:(?i:the)\s+)?(?:(?P<day>{DAY})|(?P<dword>{DAY_WORD}))"
     rf"(?:\s+(?i:of))?\s+(?P<month>{MONTH})(?:,?\s+(?P<year>{YEAR4}))?"),
    ("date_iso",
     r"(?<![\d-])(?P<y>1[6-9]\d\d|20\d\d)(?P<sep>[-/])(?P<m>0[1-9]|1[0-2])(?P=sep)"
     r"(?P<d>0[1-9]|[12]\d|3[01])(?:T(?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d))?(?![\d-])"),
    ("date_us",
     r"(?<![\d/.])(?P<m>0?[1-9]|1[0-2])/(?P<d>0?[1-9]|[12]\d|3[01])/(?P<y>(?:19|20)\d\d|\d\d)(?![\d/])"),
    ("week_of",
     rf"(?:(?i:the)\s+)?(?:(?P<ord>(?i:first|second|third|fourth|last|final))\s+)?(?i:week)\s+(?i:of)\s+"
     rf"(?P<month>{MONTH})(?:\s*(?P<day>{DAY}))?(?:,?\s+(?P<year>{YEAR4}))?"),
    ("month_year",
     rf"(?P<mod>{MOD})?(?P<month>{MONTH})(?:(?:,?\s+|\s+(?i:of)\s+)(?P<year>{YEAR4})"
     rf"|\s+(?:(?i:of)\s+)?(?P<rel>(?i:this|last|next|that|the\s+same|the\s+following|the\s+previous))\s+(?i:year)\b"
     rf"|,?\s+(?P<syear>{SPOKEN_YEAR}))"),
    ("year_span",
     r"(?:(?P<prep>(?i:fiscal|in|from|during|for|of|since|by|the))\s+)?(?P<y1>1[6-9]\d\d|20\d\d)"
     r"\s*[-–/]\s*(?P<y2>1[6-9]\d\d|20\d\d|\d\d)(?![\w%]|[.,]\d|[-–/]\d)"),
    ("half_quarter",
     rf"(?P<mod>{MOD})?(?:(?i:the)\s+)?"
     rf"(?:(?P<py>{YEAR4})(?:['’]s)?\s+|(?P<prel>(?i:this|last|next))\s+(?i:year)['’]s\s+"
     r"|(?P<ago>(?i:year-ago|year-earlier|year-before|prior-year|comparable|comparable\s+year-ago))\s+)?"
     rf"(?:(?i:fiscal|calendar)[-\s]+)?(?P<ord>{_ci(['first', 'second', 'third', 'fourth', 'final', '1st', '2nd', '3rd', '4th', 'last'])})"
     r"(?:\s+(?i:two))?[-\s]+(?P<kind>(?i:quarters?|half))\b(?!\s+(?i:of)\s+(?:a|an|the|its|his|her|their|this)\b(?!\s+(?i:year)))"
     rf"(?:(?:\s+(?i:of))?\s+(?:(?i:fiscal\s+)?(?P<qy>{YEAR4})|(?P<qrel>(?i:this|last|next|the))\s+(?i:year)))?"),
    ("q_code",
     rf"(?<![\w-])(?P<q>Q[1-4]|H[12])(?:\s+(?P<qy>{YEAR4})|['’](?P<yy>\d\d))?\b"),
    ("same_period",
     r"(?P<det>(?i:the\s+same|the\s+comparable|the\s+corresponding|the\s+year-ago|the\s+year-earlier|"
     r"the\s+prior-year|the\s+year\s+earlier|the\s+year\s+ago))\s+"
     r"(?P<unit>(?i:period|month|quarter|week|time))\b"
     r"(?:\s+(?P<ago>(?i:(?:of\s+)?(?:the\s+)?(?:last|previous|prior)\s+year|a\s+year\s+(?:ago|earlier|before)|"
     r"(?:of\s+)?the\s+year\s+before|last\s+year)))?\b"),
    ("quarter_anchor",
     rf"(?i:the)\s+(?:(?P<y>{YEAR4})\s+)?(?:(?P<rel>(?i:latest|current|most\s+recent|year-ago|year-earlier|previous|"
     r"prior|just-ended|just\s+ended|same|comparable|corresponding|year-before))\s+)?(?:(?i:fiscal)\s+)?"
     r"(?P<unit>(?i:quarter|period))\b"
     r"(?!\s+(?i:of)\b|-)"),
    ("year_adj",
     r"(?P<adj>(?i:year-earlier|year-ago|year-before|prior-year))(?=\s+[a-z])"),
    ("season_year",
     rf"(?P<mod>{MOD})?(?:(?i:the)\s+)?(?P<season>{SEASON})(?:\s+(?i:of))?\s+(?:(?P<year>{YEAR4})|(?P<syear>{SPOKEN_YEAR}))"),
    ("pod_rel",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:last|this|yesterday|tomorrow|today))\s+(?P<pod>{POD})"
     r"|(?P<tonight>(?i:tonight))\b"),
    ("pod_trading",
     r"(?i:in|during)\s+(?:(?i:early|late)\s+)?(?P<pod>(?i:morning|afternoon|evening|overnight))\s+"
     r"(?i:trading|trade|dealings|deals|session|hours)\b"),
    ("rel_named",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:the\s+previous|this\s+past|this\s+coming|this\s+last|last|this|next|past|coming))\s+"
     rf"(?:(?P<month>{MONTH_FULL})|(?P<wd>{WEEKDAY})(?:\s+(?P<pod>{POD}))?|(?P<season>{SEASON})"
     rf"|(?P<hol>{HOLIDAY})\b)"),
    ("rel_unit",
     rf"(?P<mod>{MOD})?(?P<rel>(?i:this\s+past|this\s+coming|last|this|next|the\s+past|the\s+previous|"
     r"the\s+preceding|the\s+coming|the\s+next|the\s+current|the\s+last|past|previous|coming|current|that|"
     r"the\s+same|that\s+same|the\s+following|the\s+prior))\s+"
     r"(?P<unit>(?i:weekend|week|month|year|quarter|decade|century|fiscal\s+year|day|morning|afternoon|"
     r"evening|night|time))\b(?!-)"),
    ("the_unit",
     r"(?P<pre>(?i:the\s+day|the\s+year|the\s+week|the\s+month))\s+(?P<post>(?i:before|after|previous|prior|"
     r"earlier|later))\b(?=\s*[,.;:!?)]|\s*$)"
     rf"|(?P<mod>{MOD})(?P<unit>(?i:the\s+(?:day|week|month|year|quarter|decade|century)))\b(?!-)"
     r"|(?P<ctxw>(?i:ended|closed|finished|started|began|opened|end|close|finish|start|begin|ends|closes|"
     r"for|during|throughout|all))\s+(?P<tday>(?i:the\s+day))\b(?![-'’]|\s+(?i:of|when|that|after|before|in\s+which)\b)"
     r"|(?P<yend>(?i:year-end|year['’]s\s+end|month-end|mid-year|midyear|month['’]s\s+end))\b"),
    ("the_weekend", r"(?i:the\s+weekend)\b"),
    ("streak",
     rf"(?:(?P<det>(?i:a|the|its|their|his|her))\s+)?(?P<ord>{ORDINAL})\s+"
     r"(?i:straight|consecutive|successive)\s+(?:(?i:trading)\s+)?"
     r"(?P<unit>(?i:session|day|week|month|quarter|year))\b"),
    ("race_time",
     r"(?<![\d:.,$])(?P<h>\d{1,2}):(?P<mi>[0-5]\d):(?P<s>[0-5]\d)(?:\.(?P<frac>\d{1,3}))?(?![\d:])"),
    ("dur_between",
     rf"(?i:between)\s+(?P<n1>{NUM})\s+(?i:and)\s+(?P<n2>{NUM})(?P<sep>[-\s]+)(?P<unit>{UNIT})"),
    ("duration",
     rf"(?:(?P<prep>(?i:in|within|for|over|after|during|about|nearly|almost|more\s+than|less\s+than))\s+)?"
     rf"(?P<mod>{MOD})?(?:(?P<the>(?i:the))\s+)?"
     rf"(?:(?P<adj>(?i:past|last|next|first|coming|previous|following|final|initial|latest|recent|"
     r"preceding|remaining|entire|whole|full|same|additional|further|other))\s+)?"
     rf"(?P<num>{NUM})(?:\s*(?:-|–|(?i:to|or))\s*(?P<num2>{NUM}))?(?P<sep>[-\s]+)"
     rf"(?:(?P<mid>{_MID_WORDS})[-\s]+(?:{_MID_WORDS}[-\s]+)?)?(?P<unit>{UNIT})"
     r"(?P<half>\s+(?i:and\s+a\s+half))?"
     r"(?!-)(?:\s+(?P<dir>(?i:ago|earlier|from\s+now|hence|back)))?"),
    ("dur_adj",
     r"(?P<vu>(?i:decades|years|months|weeks|days|hours|centuries))-long\b"
     r"|(?P<one>(?i:single-day|intraday|intra-day))\b"),
    ("vague_unit",
     r"(?P<prep>(?i:for|over|in|within|after|take|takes|took|taking|lasted|lasting|over\s+the))\s+"
     r"(?P<unit>(?i:years|months|weeks|days|decades|hours|minutes|centuries|quarters))\b"
     r"(?!\s+(?i:of\s+(?:age|the)|old|ago|earlier|later|before|after)\b)"),
    ("set_rule",
     rf"(?P<q>(?i:every|each|per))\s+(?:(?i:other|single)\s+)?(?:(?P<num>{NUM})\s+)?"
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
     rf"(?:(?P<prep>(?i:in|since|until|till|by|from|during|before|after|through|to|of|throughout|"
     r"between|and|or|early|late))\s+)?"
     rf"(?P<mod>{MOD})?(?P<month>{MONTH_FULL})(?!\s*\d|-)"
     r"(?!\s+(?:(?i:of)\s+)?(?i:this|last|next|that|the\s+same|the\s+following|the\s+previous)\s+(?i:year)\b)"
     rf"(?!,?\s+(?:(?i:of)\s+)?(?:{YEAR4}|{SPOKEN_YEAR}))"),
    ("season_bare",
     rf"(?:(?P<prep>(?i:in|during|over|since|until|till|by|through|throughout|for|into|before|after|"
     r"from|this|last|next))\s+)?(?:(?P<the>(?i:the))\s+)?(?P<mod>(?i:early|late|mid-?))?\s*"
     rf"(?P<season>{SEASON})(?![-\w])(?!\s+(?:(?i:of)\s+)?(?:{YEAR4}|{SPOKEN_YEAR}))"),
    ("decade",
     rf"(?:(?P<the>(?i:the))\s+)?(?P<mod>{MOD})?(?:(?P<dec>1[0-9]\d0|20\d0)['’]?s|['’](?P<dd>\d0)['’]?s"
     rf"|(?P<bd>[1-9]0)s|['’]?(?P<sd>{_ci(SPOKEN_DECADES)}))\b"),
    ("century",
     rf"(?:(?i:the)\s+)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL})[-\s]+(?i:century)\b"),
    ("year",
     rf"(?:(?P<prep>{YEAR_PREPS})\s*(?:(?i:the)\s+)?|(?P<open>\())?(?P<mod>{MOD})?"
     rf"(?:(?P<year>{YEAR4})(?!\s*[-–]\s*\d\d(?!\d))|(?P<syear>{SPOKEN_YEAR}))(?P<poss>['’]s)?{NOT_COUNT}"
     r"(?!\s+(?i:(?:fiscal\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+(?:quarter|half)|quarter|period)\b)"),
    ("year_period",
     r"(?P<lead>(?i:for|of|in|during|throughout))\s+"
     r"(?P<yr>(?i:the\s+(?:full\s+|fiscal\s+|calendar\s+|entire\s+|whole\s+)?year))\b(?![-'’])"
     r"(?!\s+(?i:before|after|earlier|later|ago|previous|prior|of|in\s+which|when|that)\b)"
     r"(?P<ended>\s+(?i:ended|ending|ends|that\s+ended|which\s+ended|to\s+date|through|to(?=\s+(?:\d|[A-Z]))))?"),
    ("clock",
     r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>(?i:a\.m\.?|p\.m\.?|am|pm))(?![A-Za-z])"
     rf"|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?=\s+(?:GMT|UTC|BST|{TZ})\b"
     rf"|\s*(?:-|–|(?i:to|and|until))\s*(?:[01]\d|2[0-3])[0-5]\d\s+(?:GMT|UTC|BST|{TZ})\b)"
     r"|(?<![\d:.,$])(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])"
     rf"|(?P<hn>1[0-2]|[1-9]|{_HOUR_WORD})(?:[:.](?P<mn>[0-5]\d))?\s+(?:(?i:o['’]clock)\s+)?"
     r"(?:(?i:in\s+the\s+(?P<ipod>morning|afternoon|evening))|(?i:at\s+(?P<inight>night)))\b"
     rf"|(?P<hw>{_ci(list(NUMBER_WORDS)[1:13])}|1[0-2]|[1-9])\s+(?i:o['’]clock)"
     r"|(?P<noon>(?i:noon|midnight|midday))\b)"
     rf"(?:\s+(?:\((?P<tzp>{TZ})\)|(?P<tz>{TZ})))?(?![\w])"),
    ("ref",
     r"(?P<ref>(?i:right\s+now|just\s+now|now|currently|at\s+present|presently|nowadays|these\s+days|"
     r"the\s+present\s+day|the\s+present|more\s+recently|most\s+recently|recently|lately|the\s+recent\s+past|"
     r"the\s+past|the\s+near\s+future|the\s+distant\s+future|the\s+foreseeable\s+future|the\s+future|"
     r"in\s+recent\s+(?:years|months|weeks|days|decades|quarters)|recent\s+(?:years|months|weeks|days|times|decades|quarters)|"
     r"the\s+coming\s+(?:years|months|weeks|days|decades)|the\s+years\s+ahead|the\s+months\s+ahead|"
     r"the\s+weeks\s+ahead|the\s+days\s+ahead|future\s+(?:years|months|weeks|quarters|generations)|"
     r"coming\s+(?:months|weeks|years|quarters)|very\s+soon|as\s+soon\s+as\s+possible|soon|"
     r"then[-\s]+current|current|recent|"
     r"for\s+the\s+time\s+being|at\s+the\s+time|(?:in|over|for)\s+the\s+(?:near|short|long)\s+term|"
     r"(?:at|on|until|to)\s+a\s+later\s+(?:date|time|stage|point)|later\s+on|"
     r"(?:(?<=['’]s )|(?<=\bhis )|(?<=\bher )|(?<=\bits )|(?<=\bour )|(?<=\btheir )|(?<=\bmy )|(?<=\byour ))"
     r"future(?=\s*[,.;:!?)\"']|\s+(?:away|is|was|will|would|could|may|lies|looks|remains|depends|hangs|"
     r"in|at|of|on|for|with|and|or|but|as|to|after|before|until|by|next|this|last|now|remain)\b)))\b(?!-)"),
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
_HOLIDAY_TOKENS = [TOKEN.findall(h) for h in HOLIDAYS]
ANCHOR_WORDS = frozenset(
    list(MONTHS) + list(MONTH_ABBR) + list(WEEKDAYS) + [w + "s" for w in WEEKDAYS]
    + list(WEEKDAY_ABBR) + list(SEASONS) + list(PARTS_OF_DAY) + _UNIT_WORDS
    + list(SPOKEN_DECADES) + [t[-1] for t in _HOLIDAY_TOKENS if t]
    + """tonight half halves yesterday today tomorrow now currently present presently
    nowadays recently lately past future recent ahead daily weekly monthly
    yearly annually hourly nightly biweekly fortnightly semiannually bimonthly
    noon midnight midday clock christmas valentine halloween easter thanksgiving
    current soon time term date stage point period periods session sessions quarters
    nineteen eighteen seventeen sixteen thousand intraday midyear
    """.split()
)
# Anchors that never begin a match themselves, only end a prefix chain ("at the time",
# "a later date", "the latest period"): they do not become candidate starts on their own.
WEAK_ANCHORS = frozenset("time term date stage point period periods session sessions "
                         "quarters thousand".split())
PREFIX_WORDS = frozenset(
    [w for k in NUMBER_WORDS for w in k.split()] + list(ORDINALS)
    + [w.lower() for t in _HOLIDAY_TOKENS for w in t]
    + [w for k in DAY_ORDINAL_WORDS for w in TOKEN.findall(k)]
    + """the a an very end start beginning middle close turn of early late earlier later in
    mid on at by since until till from during before after through throughout between for
    around circa ca to and or fiscal calendar model fy within over about nearly almost more
    less than last next coming previous following final initial latest preceding remaining
    entire whole full same additional further other this that current every each per once
    twice times several few some many numerous dozens dozen couple hundred right just these
    near o s q h st nd rd th most prior ended new year good independence labor memorial
    veterans boxing day his her its their our my your then as very consecutive straight
    successive trading business working long extra solid short separate single intra
    comparable corresponding distant foreseeable recent oh pre post into ended closed
    finished started began opened close finish begin ends closes all take takes took taking
    lasted lasting""".split()
)
