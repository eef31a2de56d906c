"""Usernames, logins and handles."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import is_common_word
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class UsernameRecognizer(ValuePatternRecognizer):
    ENTITY = "USERNAME"
    PATTERNS = [
        Pattern(
            "keyword",
            r"\b(?:user\s*name|username|user\s*id|userid|login(?:\s+id|\s+name)?|handle|screen\s*name|gamertag)\b(?:\s+(?:is|was|=|it's|its))*\s*[:=]?\s*[\"']?(?P<value>@?[\w.\-]{3,40})",
            0.8,
        ),
    ]
    CONTEXT = ["username", "login", "user"]

    def invalidate_result(self, pattern_text: str) -> bool:
        return is_common_word(pattern_text.lower().strip("."), threshold=4.0)
