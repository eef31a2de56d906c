"""Account, membership and customer numbers: a value with a digit, introduced by its keyword."""

from __future__ import annotations

from support_curation.redaction.recognizers._reference import not_a_reference, reference_patterns
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_KEYWORDS = r"account|acct|a/c|member(?:ship)?|customer|loyalty|subscriber|routing|sort code"


class AccountNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ACCOUNT_ID"
    NEEDS_DIGIT = True
    PATTERNS = reference_patterns(_KEYWORDS)
    CONTEXT = ["account", "member", "membership", "customer", "loyalty", "subscriber"]

    def invalidate_result(self, pattern_text: str) -> bool:
        return not_a_reference(pattern_text)
