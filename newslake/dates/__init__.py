"""Rule-based (HeidelTime-style) temporal tagger for English news.

`tag_dates(text, dct)` finds TIMEX3 expressions and normalises them against the
document creation time; `TIMEX3_VALUE` is the value grammar every emitted value obeys.
"""
from .model import TIMEX3_TYPES, TIMEX3_VALUE, DateMention
from .tagger import coerce_dct, tag_dates

__all__ = ["DateMention", "TIMEX3_TYPES", "TIMEX3_VALUE", "coerce_dct", "tag_dates"]
