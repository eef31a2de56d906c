"""Booking, reservation and confirmation codes: a value with a digit, introduced by its keyword."""

from __future__ import annotations

from support_curation.redaction.recognizers._reference import not_a_reference, reference_patterns
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class BookingReferenceRecognizer(ValuePatternRecognizer):
    ENTITY = "BOOKING_ID"
    NEEDS_DIGIT = True
    PATTERNS = reference_patterns(
        r"booking|reservation|confirmation|pnr|itinerary|record locator|flight booking"
    )
    CONTEXT = [
        w
        for w in [
            r"booking",
            r"reservation",
            r"confirmation",
            r"pnr",
            r"itinerary",
            r"record locator",
            r"flight booking",
        ]
        if w.isalpha()
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        return not_a_reference(pattern_text)
