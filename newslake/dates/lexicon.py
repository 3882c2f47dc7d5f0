"""Word lists. Kept apart from the regexes so vocabulary fixes never touch rule logic."""
from __future__ import annotations

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
MONTH_ABBR = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
WEEKDAY_ABBR = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
}

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_ONES)}
NUMBER_WORDS.update(_TENS)
NUMBER_WORDS.update({"a": 1, "an": 1, "a dozen": 12, "dozen": 12, "a couple of": 2,
                     "couple of": 2, "a couple": 2, "a hundred": 100, "one hundred": 100})
VAGUE_NUMBERS = ("a few", "few", "several", "some", "many", "numerous", "dozens of")

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
    "final": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}

# unit word -> (TIMEX3 duration unit, multiplier, is clock unit)
UNITS = {
    "second": ("S", 1, True), "minute": ("M", 1, True), "min": ("M", 1, True),
    "hour": ("H", 1, True), "hr": ("H", 1, True),
    "day": ("D", 1, False), "week": ("W", 1, False), "fortnight": ("W", 2, False),
    "month": ("M", 1, False), "quarter": ("M", 3, False), "year": ("Y", 1, False),
    "yr": ("Y", 1, False), "decade": ("Y", 10, False), "century": ("Y", 100, False),
    "session": ("D", 1, False),  # a trading session; only with "consecutive", "past"...
}

# Words that make a following four-digit number a count, not a year ("in 2000 homes").
COUNT_NOUNS = (
    "people persons men women children kids troops soldiers jobs units homes houses votes "
    "shares dollars euros pounds yen yuan tons tonnes barrels miles kilometers kilometres km "
    "meters metres feet foot inches degrees cars vehicles employees workers students members "
    "points cases deaths acres hectares pages words copies visitors residents delegates seats "
    "years days hours minutes runs yards goals games times others more new additional "
    "companies firms stores flights passengers patients beds rooms signatures protesters "
    "gmt utc bst hrs"
).split()

TIMEZONES = ("EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "GMT", "UTC", "BST",
             "CET", "CEST", "ET", "PT", "CT", "local time", "Eastern time", "Pacific time")

FIXED_HOLIDAYS = {
    "new year's day": (1, 1), "new year's eve": (12, 31), "valentine's day": (2, 14),
    "independence day": (7, 4), "halloween": (10, 31), "veterans day": (11, 11),
    "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
    "boxing day": (12, 26), "new year's": (1, 1),
}

# --- holidays with computed dates ------------------------------------------------------
# name -> rule: ("fixed", month, day) | ("easter", offset days) | ("nth", month, weekday,
# n[, offset days]) with n = -1 for the last one | ("after", other holiday, offset days).
HOLIDAYS: dict[str, tuple] = {name: ("fixed", m, d) for name, (m, d) in FIXED_HOLIDAYS.items()}
HOLIDAYS.update({
    "new year's": ("fixed", 1, 1),
    "st patrick's day": ("fixed", 3, 17), "st. patrick's day": ("fixed", 3, 17),
    "april fools' day": ("fixed", 4, 1), "may day": ("fixed", 5, 1),
    "bastille day": ("fixed", 7, 14), "canada day": ("fixed", 7, 1),
    "the fourth of july": ("fixed", 7, 4), "fourth of july": ("fixed", 7, 4),
    "july fourth": ("fixed", 7, 4), "guy fawkes night": ("fixed", 11, 5),
    "armistice day": ("fixed", 11, 11), "remembrance day": ("fixed", 11, 11),
    "all saints' day": ("fixed", 11, 1), "christmas eve": ("fixed", 12, 24),
    "easter sunday": ("easter", 0), "easter": ("easter", 0), "easter monday": ("easter", 1),
    "good friday": ("easter", -2), "holy saturday": ("easter", -1),
    "maundy thursday": ("easter", -3), "palm sunday": ("easter", -7),
    "ash wednesday": ("easter", -46), "shrove tuesday": ("easter", -47),
    "mardi gras": ("easter", -47), "ascension day": ("easter", 39),
    "pentecost": ("easter", 49), "whit monday": ("easter", 50),
    "martin luther king day": ("nth", 1, 0, 3), "martin luther king jr. day": ("nth", 1, 0, 3),
    "presidents' day": ("nth", 2, 0, 3), "presidents day": ("nth", 2, 0, 3),
    "mother's day": ("nth", 5, 6, 2), "father's day": ("nth", 6, 6, 3),
    "memorial day": ("nth", 5, 0, -1), "labor day": ("nth", 9, 0, 1),
    "labour day": ("nth", 9, 0, 1), "columbus day": ("nth", 10, 0, 2),
    "thanksgiving day": ("nth", 11, 3, 4), "thanksgiving": ("nth", 11, 3, 4),
    "black friday": ("after", "thanksgiving", 1), "cyber monday": ("after", "thanksgiving", 4),
    "election day": ("nth", 11, 0, 1, 1),  # the Tuesday after the first Monday
})
# holiday words that are something else when followed by these ("Good Friday Agreement",
# "Christmas tree"): the whole phrase is then not a date.
HOLIDAY_NOUNS = (
    "tree trees card cards gift gifts light lights market markets carol carols decoration "
    "decorations present presents spirit music song songs island shopping season rising "
    "message address agreement accord accords deal peace party parties special edition "
    "bonus bonuses pudding dinner lunch menu movie film album parade egg eggs "
    "bunny offensive uprising"
).split()

# --- tense cues (see tense.py) ---------------------------------------------------------
PAST_VERBS = frozenset("""
was were had did said told made took came went met gave began saw held left won lost fell
rose sold bought paid ran put set cut hit got found brought thought spoke wrote became
knew grew drew threw flew led fled fought caught taught sent spent built stood sat meant
kept slept felt dealt sought struck stuck swore tore wore woke broke chose froze stole
rode drove shook forgot hid bit lit shot quit split spread bore became overcame withdrew
undertook overtook forecast rebuilt reopened sank sang rang swam began shut slid spun
arose beat bled bred clung dug fed fled hung laid lay leapt lent mistook overheard
overran overthrew paid proved read rid sank slew sped strove swept swung underwent
upheld wept wound wrung
""".split())
# -ed words that are not past verbs, or that look forward ("expected", "scheduled")
NOT_PAST_ED = frozenset("""
need feed speed proceed exceed succeed indeed bed red shed seed weed breed greed
creed bleed hundred united limited based expected scheduled slated proposed
supposed intended anticipated due advanced interested concerned related detailed
sophisticated unlimited unexpected alleged so-called embed reed steed heed
fabled famed storied preferred listed unsecured secured subordinated
diluted combined adjusted restated so-called red-hot
""".split())
FUTURE_WORDS = frozenset("""
will 'll shall won't wont would could might may should must can going expected expects
expect scheduled slated due upcoming plans plan intends intend aims aim hopes
hope
""".split())
# tokens that end the search for a governing verb (a new clause starts)
CLAUSE_WORDS = frozenset("""
that which who whom whose because while although though if unless whereas but and or
when where after before since until as so than
""".split())
FUNCTION_WORDS = frozenset("""
the a an this that these those its his her their our my your on in at by of for to from
with about around until since during before after last next early late mid also then
just only again still already not n't no further more most than as into over under
""".split())

# --- numbers written out -----------------------------------------------------------------
DAY_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
for _t, _v in (("twenty", 20), ("thirty", 30)):
    for _o, _ov in (("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5),
                    ("sixth", 6), ("seventh", 7), ("eighth", 8), ("ninth", 9)):
        if _v + _ov <= 31:
            DAY_ORDINAL_WORDS[f"{_t}-{_o}"] = _v + _ov
            DAY_ORDINAL_WORDS[f"{_t} {_o}"] = _v + _ov
SPOKEN_CENTURY = {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
SPOKEN_DECADES = {"nineties": 9, "eighties": 8, "seventies": 7, "sixties": 6, "fifties": 5,
                  "forties": 4, "thirties": 3, "twenties": 2}
SCALE_WORDS = {"hundred": 100, "thousand": 1000}

# --- precision guards ----------------------------------------------------------------------
STREET_SUFFIXES = (
    "Avenue Ave Street St Road Rd Boulevard Blvd Lane Ln Drive Dr Way Place Pl Court Ct "
    "Square Sq Highway Hwy Parkway Pkwy Terrace Plaza Circle Broadway"
).split()
# a year right after these names an edition ("WWDC 2005", "Conference 2010")
EVENT_NOUNS = (
    "Conference Summit Games Olympics Cup Expo Festival Championship Championships Awards "
    "Open Election Elections Census Congress Convention Forum Fair Show Week WWDC CES "
    "Budget Tour Prix Classic Marathon Paralympics Biennale Exposition Symposium Games"
).split()
COMPARATIVES = "faster slower quicker clear".split()
