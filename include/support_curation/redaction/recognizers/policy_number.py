"""Insurance policy numbers: a value with a digit, introduced by its keyword."""

from __future__ import annotations

from support_curation.redaction.recognizers._reference import not_a_reference, reference_patterns
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class PolicyNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "POLICY_ID"
    NEEDS_DIGIT = True
    PATTERNS = reference_patterns(r"policy|insurance|coverage|plan")
    CONTEXT = [w for w in [r"policy", r"insurance", r"coverage", r"plan"] if w.isalpha()]

    def invalidate_result(self, pattern_text: str) -> bool:
        return not_a_reference(pattern_text)
