"""Indirect identifiers: the customer's employer ("I work at Acme", "my employer is ...")."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_STOP = r"(?!(?:and|but|as|in|for|since|on|so|now|the|a|an|my|because|which|who|where|when|from|to|until)\b)"
_WORDS = rf"{_STOP}[\w&'.\-]+(?:\s+{_STOP}[\w&'.\-]+){{0,2}}"


class EmployerRecognizer(ValuePatternRecognizer):
    ENTITY = "ORGANIZATION"
    PATTERNS = [
        Pattern(
            "works_at",
            rf"\b(?:i|we)\s+(?:work|worked|am working|'m working|am employed|was employed)\s+(?:at|for|with)\s+(?:the\s+)?(?P<value>{_WORDS})",  # noqa: E501 (a regex reads best whole)
            0.7,
        ),
        Pattern(
            "employer_is", rf"\b(?:my\s+)?(?:employer|company)\s+is\s+(?:the\s+)?(?P<value>{_WORDS})", 0.7
        ),
    ]
    CONTEXT = ["work", "employer", "company"]
    WORDS = ("work", "employ", "company")
