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
MOVABLE_HOLIDAYS = ("easter sunday", "easter", "good friday", "thanksgiving day",
                    "thanksgiving", "labor day", "memorial day")
