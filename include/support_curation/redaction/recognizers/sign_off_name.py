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


# a word of every closing above, for ASCII text lower-cased (where that is the pattern's IGNORECASE)
_CLOSING_WORDS = ("thank", "thx", "cheers", "regards", "best", "sincerely", "yours", "love", "bye", "talk")


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

    def can_match(self, text: str) -> bool:
        """ASCII text without a closing word holds no sign-off: skipped with a substring test (most chat
        turns). Other text and other patterns: as the base class."""
        if text.isascii() and self.patterns == self.PATTERNS:
            lowered = text.lower()
            if not any(word in lowered for word in _CLOSING_WORDS):
                return False
        return super().can_match(text)
