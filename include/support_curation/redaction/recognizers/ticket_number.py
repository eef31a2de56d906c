"""Helpdesk ticket and case numbers: ``TCK-123456``, "case #48213", "ticket number 5521893"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import ID_VALUE, LINK, NUMBER_WORD
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class TicketNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "TICKET_ID"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("prefixed", r"\b(?P<value>(?:TCK|TKT|CASE|INC|REQ|SR)-?\d{4,})\b", 0.9),
        Pattern(
            "keyword",
            rf"\b(?:ticket|case|incident|request|reference){NUMBER_WORD}{LINK}(?P<value>{ID_VALUE})",
            0.8,
        ),
        Pattern("hash", r"(?<![\w#])#(?P<value>\d{5,})\b", 0.6),
    ]
    CONTEXT = ["ticket", "case", "incident", "reference"]
    # a prefix ("incident" and "request" hold theirs), a keyword, or the "#"
    WORDS = ("tck", "tkt", "case", "inc", "req", "sr", "ticket", "reference", "#")
