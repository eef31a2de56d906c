"""Bare numbers given as a short reply ("1234", "its 5665", "<name> 2564"): in a support chat such a
turn answers a request for the last digits of a card, SSN or account, a zip code, an OTP or a PIN.

Only turns of a few words: in longer text a bare number is usually a quantity, price or model, and
the context-bound recognizers handle identifiers there.
"""

from __future__ import annotations

from itertools import islice

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

MAX_WORDS = 6
_WORD = regex.compile(r"\w+")
# what follows a quantity or an amount, not an identifier
_AFTER = regex.compile(
    r"^\s*(?:%|percent|dollars?|bucks|euros?|pounds?|rupees?|rs|usd|inr|gbp|eur|k|kg|g|lbs?|km|miles?|mins?|"
    r"minutes?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|times?|items?|people|persons?|pcs|pieces?|gb|mb|"
    r"am|pm|seats?|tickets?|nights?|rooms?|bags?|x)\b",
    regex.IGNORECASE,
)
_BEFORE = regex.compile(
    r"(?:[$£€₹]|\b(?:rs|usd|inr|eur|gbp|at|by|before|after|until|till|since)\s*)$", regex.I
)


class ShortAnswerNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("bare_number", r"(?<![\w$£€₹.,:/\-])(?P<value>\d{3,6})(?![\w.,:/\-]\d|\w)", 0.6)]
    CONTEXT = ["last", "digits", "ssn", "card", "account", "zip", "pin", "otp", "code"]

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # noqa: D102
        # the digit gate first, and words counted no further than one past the limit (long texts)
        if not self.can_match(text) or next(islice(_WORD.finditer(text), MAX_WORDS, None), None):
            return []
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if not _AFTER.match(text[r.end :]) and not _BEFORE.search(text[: r.start])]
