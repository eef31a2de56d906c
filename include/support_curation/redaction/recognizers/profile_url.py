"""Links to a person's social-media or forum profile."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._social import PROFILE_URL, USER_PATH_URL
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class ProfileUrlRecognizer(ValuePatternRecognizer):
    """Links to a person's profile: the whole link goes (it names the account)."""

    ENTITY = "URL"
    TRIGGER = r"/"
    PATTERNS = [Pattern("profile", PROFILE_URL, 0.85), Pattern("user_path", USER_PATH_URL, 0.85)]
