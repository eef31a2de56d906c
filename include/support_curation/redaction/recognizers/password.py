"""Passwords, PINs and security answers given in the conversation."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.frequency import word_frequency
from support_curation.redaction.recognizers._shared import is_common_word
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

STATE_WORD = 2.5
# what a password "is" or "was" when the sentence is about the password, not giving it
_STATES = {"reset", "sent", "lost", "stolen", "forgotten", "hacked", "invalid", "compromised", "weak"}
_NOT_SECRETS = {"not", "wrong", "incorrect", "expired", "locked", "the", "my", "a", "your", "correct", "same"}


class PasswordRecognizer(ValuePatternRecognizer):
    ENTITY = "PASSWORD"
    PATTERNS = [
        Pattern(
            "keyword",
            r"\b(?:password|passcode|pass word|passwd|pwd|pin(?:\s+code)?|security answer|secret word|memorable word)\b(?:\s+(?:is|was|would be|should be|it's|its|=))*\s*[:=]?\s*[\"']?(?P<value>[^\s\"',]{2,39}[^\s\"',.!?])",  # noqa: E501 (a regex reads best whole)
            0.8,
        ),
    ]
    CONTEXT = ["password", "pin", "passcode"]
    WORDS = ("pass", "pwd", "pin", "security", "secret", "memorable")  # the keyword's words

    def invalidate_result(self, pattern_text: str) -> bool:
        value = pattern_text.lower().strip(".!?")
        if value in _NOT_SECRETS or value in _STATES or is_common_word(value, threshold=4.0):
            return True
        # "my password was reset", "the pin is blocking": a state of the password, not the password
        return value.isalpha() and value.endswith(("ed", "ing")) and word_frequency(value) >= STATE_WORD
