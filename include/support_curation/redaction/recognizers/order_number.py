"""Orders, invoices and shipment tracking numbers: a value with a digit, introduced by its keyword."""

from __future__ import annotations

from support_curation.redaction.recognizers._reference import not_a_reference, reference_patterns
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class OrderNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ORDER_ID"
    NEEDS_DIGIT = True
    PATTERNS = reference_patterns(r"order|purchase|invoice|receipt|tracking|shipment|package|parcel")
    CONTEXT = [
        w
        for w in [
            r"order",
            r"purchase",
            r"invoice",
            r"receipt",
            r"tracking",
            r"shipment",
            r"package",
            r"parcel",
        ]
        if w.isalpha()
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        return not_a_reference(pattern_text)
