"""Internal system data: ``INT-ABC-123`` codes, agent and employee ids, multi-part system references."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class InternalCodeRecognizer(ValuePatternRecognizer):
    ENTITY = "INTERNAL_CODE"
    PATTERNS = [
        Pattern("internal_prefix", r"\b(?P<value>INT-[A-Z0-9]{2,6}-[A-Z0-9]{2,8})\b", 0.9),
        Pattern(
            "staff_id",
            r"\b(?:agent|employee|emp|staff|operator)\s*(?:id|no\.?|number|#)\s*[:#]?\s*(?P<value>[A-Z0-9\-]{3,})",
            0.8,
        ),
        # three-part system references like ABC-1234-X9: letters, then a part with digits
        Pattern(
            "system_ref",
            r"(?<![\w-])(?P<value>(?-i:[A-Z]{2,6})-(?=[A-Z0-9]*\d)[A-Z0-9]{2,8}-[A-Z0-9]{1,8})(?![\w-])",
            0.6,
        ),
    ]
    CONTEXT = ["internal", "agent", "employee", "system"]
    # a staff keyword, or the dash of "INT-..." and of a three-part reference
    WORDS = ("-", "agent", "emp", "staff", "operator")
