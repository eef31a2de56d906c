"""Any run of six or more digits (phone, account, card, order, member numbers) that is not a date or amount.

In support conversations such a number is almost always an identifier; which one matters less than
that it does not reach a training set.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_DATE_OR_AMOUNT = regex.compile(
    r"^(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}|\d{4}[./\-]\d{1,2}[./\-]\d{1,2}|\d+\.\d{2}|\d{1,2}:\d{2}(?::\d{2})?)$"
)


# a run that a time follows ("12/03/2026 14:02", "2 March 2026 09:12") ends before the hour: a mail
# header's date, not a number (the lookahead ``:\d``)
class LongNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("digits", r"(?<![\w$£€.,/:])(?P<value>\+?\(?\d(?:[\s\-.()/]{0,2}\d){5,})(?![\w%]|:\d)", 0.6),
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        return bool(_DATE_OR_AMOUNT.match(pattern_text.strip()))
