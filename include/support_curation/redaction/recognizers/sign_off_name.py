"""A name signing off a message ("Thanks, Will", "Regards,\\nMark Baker"), also when the name is a common
word: at the very end of a message, after a closing formula, a capitalised word is the writer's name.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_CLOSING = (
    r"(?:thanks|many\s+thanks|thank\s+you|thx|cheers|regards|kind\s+regards|best\s+regards|best|"
    r"best\s+wishes|sincerely|yours\s+(?:sincerely|faithfully|truly)|warm\s+regards|love|bye|talk\s+soon)"
)


class SignOffNameRecognizer(ValuePatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "sign_off",
            rf"\b{_CLOSING}\s*[,!.\-]?\s*(?P<value>(?-i:\p{{Lu}}[\p{{Ll}}'’\-]+(?:\s+\p{{Lu}}\.?)?"
            rf"(?:\s+\p{{Lu}}[\p{{Ll}}'’\-]+)?))\s*[.!]?\s*$",
            0.8,
        ),
    ]
    CONTEXT = ["thanks", "regards", "cheers", "sincerely"]
