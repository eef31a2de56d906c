"""Codes that mix letters and digits ("A7K29Q", "ord-883412", "xj4k2m"): references, serials, booking codes."""  # noqa: E501 (a regex reads best whole)

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

# ordinals, times, sizes and versions are letter-digit mixes that identify nobody
_HARMLESS = regex.compile(
    r"^(?:\d+(?:st|nd|rd|th|am|pm|h|hrs?|mins?|s|k|kg|g|gb|mb|tb|mm|cm|km|m|x|p|mph|kph|lbs?|oz|ml|l|gbps|mbps|hz|ghz)"
    r"|[a-z]\d|v\d+(?:\.\d+)*|(?:mp|h|ps|xbox|iphone|galaxy|pixel|windows|covid)\d+)$",
    regex.IGNORECASE,
)


class AlphanumericIdRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "mixed",
            r"(?<![\w\-@.])(?P<value>(?=[A-Z0-9\-]*\d)(?=[0-9\-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)*)(?![\w\-@])",
            0.5,
        ),
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = sum(c.isdigit() for c in pattern_text)
        return len(pattern_text) < 5 or digits < 2 or bool(_HARMLESS.match(pattern_text))
