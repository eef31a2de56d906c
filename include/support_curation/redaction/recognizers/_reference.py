"""Builds the patterns of the business-reference recognizers (order, claim, policy, booking, account)."""

from __future__ import annotations

from support_curation.redaction.recognizers._shared import ID_VALUE, LINK, NUMBER_WORD, is_common_word


def reference_patterns(keywords: str) -> list[tuple[str, str, float]]:
    return [
        # "order number is 12345", "order # ORD-1234567"
        ("keyword", rf"\b(?:{keywords}){NUMBER_WORD}{LINK}(?P<value>{ID_VALUE})", 0.85),
        # "my order from last week, number 12345": a few words between keyword and value
        (
            "nearby",
            rf"\b(?:{keywords})\b(?:\W+[a-z]+){{1,4}}?\W+(?:number|no|#)\W*(?P<value>{ID_VALUE})",
            0.7,
        ),
    ]


def not_a_reference(value: str) -> bool:
    return is_common_word(value)
