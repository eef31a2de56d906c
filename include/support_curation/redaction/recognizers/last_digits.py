"""Card, SSN and account numbers given as their last four (or so) digits."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import SPELLED_DIGIT
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_DIGITS = rf"(?:\d{{3,6}}|(?:{SPELLED_DIGIT}|\d)(?:[\s\-]+(?:{SPELLED_DIGIT}|\d)){{2,5}})"


class LastDigitsRecognizer(ValuePatternRecognizer):
    ENTITY = "LAST_DIGITS"
    PATTERNS = [
        Pattern(
            "last_n",
            rf"\b(?:last|final)\s+(?:four|4|five|5|six|6|three|3)\b(?:\W+\w+){{0,6}}?\W+(?P<value>{_DIGITS})\b",
            0.8,
        ),
        Pattern("ending_in", rf"\bend(?:s|ing)?\s+(?:in|with)\s+(?P<value>{_DIGITS})\b", 0.8),
        Pattern(
            "ssn",
            rf"\b(?:ssn|social security(?:\s+number)?|social)\b(?:\s+(?:number|no|is|was|it's|:))*\s*(?P<value>{_DIGITS})\b",  # noqa: E501 (a regex reads best whole)
            0.8,
        ),
    ]
    CONTEXT = ["last", "ending", "ssn", "card", "account"]
    WORDS = ("last", "final", "end", "ssn", "social")  # each pattern's cue
