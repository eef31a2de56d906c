"""Indirect identifiers: the customer's job title ("I work as a night nurse")."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer
from support_curation.redaction.recognizers.employer import _WORDS


class JobTitleRecognizer(ValuePatternRecognizer):
    ENTITY = "JOB_TITLE"
    PATTERNS = [
        Pattern(
            "works_as",
            rf"\b(?:i|we)\s+(?:work|worked|am working|'m working)\s+as\s+(?:an?\s+|the\s+)?(?P<value>{_WORDS})",  # noqa: E501 (a regex reads best whole)
            0.7,
        ),
    ]
    CONTEXT = ["work", "job"]
    WORDS = ("work",)
