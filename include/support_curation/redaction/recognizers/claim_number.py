"""Insurance and warranty claim numbers: a value with a digit, introduced by its keyword."""

from __future__ import annotations

from support_curation.redaction.recognizers._reference import not_a_reference, reference_patterns
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class ClaimNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "CLAIM_ID"
    NEEDS_DIGIT = True
    PATTERNS = reference_patterns(r"claim")
    CONTEXT = [w for w in [r"claim"] if w.isalpha()]

    def invalidate_result(self, pattern_text: str) -> bool:
        return not_a_reference(pattern_text)
