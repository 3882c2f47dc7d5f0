"""Rule name -> handler, one per entry of patterns.RULES."""
from __future__ import annotations

from . import rules_absolute, rules_relative
from .patterns import RULES

HANDLERS = {
    name: getattr(rules_absolute, name, None) or getattr(rules_relative, name)
    for name, _ in RULES
}
