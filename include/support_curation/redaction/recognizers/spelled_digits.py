"""Numbers read out digit by digit ("four one five five five ..."), as in call transcripts."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import SPELLED_DIGIT
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class SpelledDigitsRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    PATTERNS = [
        Pattern(
            "digit_words",
            rf"\b(?P<value>(?:{SPELLED_DIGIT}|\d)(?:[\s,\-]+(?:{SPELLED_DIGIT}|double\s+{SPELLED_DIGIT}|\d)){{4,}})\b",
            0.7,
        ),
    ]
    CONTEXT = ["number", "phone", "account"]

    def invalidate_result(self, pattern_text: str) -> bool:
        # at least three spelled digits: "1 2 3 4 5" is left to the numeric recognizers
        return sum(not token.isdigit() for token in pattern_text.split()) < 3
