"""Forum author labels at line starts ("jane_doe wrote:", "Posted by u/jane"), several languages."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._social import _POSTED, _WROTE, AUTHOR_POSTED, AUTHOR_WROTE
from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class AuthorLabelRecognizer(ValuePatternRecognizer):
    """The author a forum names before a quote or post."""

    ENTITY = "USERNAME"
    TRIGGER = rf"{_WROTE}|{_POSTED}"
    PATTERNS = [Pattern("wrote", AUTHOR_WROTE, 0.8), Pattern("posted", AUTHOR_POSTED, 0.8)]
