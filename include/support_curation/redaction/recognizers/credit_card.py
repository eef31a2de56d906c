"""Payment card numbers: 13-19 digits, grouped by spaces or dashes as people write them, Luhn-checked.

Presidio's own recognizer knows only some issuer prefixes and groupings; this one takes any grouping
and lets the checksum decide, so order numbers of the same length are not taken for cards.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class CreditCardNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "CREDIT_CARD"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("card_number", r"(?<![\w\-])(?P<value>\d(?:[ \-]?\d){12,18})(?![\w\-])", 0.5),
    ]
    CONTEXT = ["card", "credit", "debit", "visa", "mastercard", "amex", "cc"]

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = "".join(c for c in pattern_text if c.isdigit())
        return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits)
