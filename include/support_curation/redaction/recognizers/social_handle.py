"""@handles and u/names on social media and forums: the account is the person."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._social import HANDLE, REDDIT_USER
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class SocialHandleRecognizer(ValuePatternRecognizer):
    """@handles and u/names: the account is the person."""

    ENTITY = "USERNAME"
    TRIGGER = r"[@＠]|\bu/"
    PATTERNS = [Pattern("handle", HANDLE, 0.8), Pattern("reddit_user", REDDIT_USER, 0.8)]
