"""Dates of birth: a date only counts when birth is mentioned (most dates in support chats are not PII)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import DATE_VALUE
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class DateOfBirthRecognizer(ValuePatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        Pattern(
            "birth_context",
            rf"\b(?:born|birth|dob|d\.o\.b\.?|birthday|birthdate|bday)\b(?:\W+\w+){{0,4}}?\W+(?P<value>{DATE_VALUE})",
            0.85,
        ),
        Pattern(
            "date_then_birth",
            rf"(?P<value>{DATE_VALUE})\W+(?:\w+\W+){{0,2}}(?:is\s+)?(?:my\s+)?(?:date of birth|birthday|dob)\b",  # noqa: E501 (a regex reads best whole)
            0.8,
        ),
    ]
    CONTEXT = ["born", "birth", "dob", "birthday"]
    TRIGGER = r"born|birth|dob|d\.o\.b|bday"  # every pattern names the birth
