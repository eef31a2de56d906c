"""Forum author labels at line starts ("jane_doe wrote:", "Posted by u/jane"), several languages."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._social import _POSTED, _WROTE, AUTHOR_POSTED, AUTHOR_WROTE
from support_curation.redaction.recognizers.base import FLAGS, ValuePatternRecognizer


def _needles(group: str) -> tuple[str, ...]:
    """The literal start of each alternative of a ``(?:wrote|posted\\s+by|...)`` group that ASCII text
    can match: where a match starts, the lower-cased text starts with it. Accented alternatives
    ("a écrit") cannot match ASCII text."""
    alternatives = group.removeprefix("(?:").removesuffix(")").split("|")
    return tuple(dict.fromkeys(a.split("\\")[0] for a in alternatives if a.isascii()))


# what each pattern holds, matched where its words start: "wrote" and a colon ("jane wrote:"), and the
# whole "posted by" label
_LABELS = (
    (_needles(_WROTE), regex.compile(rf"{_WROTE}\s*:", FLAGS)),
    (_needles(_POSTED), regex.compile(AUTHOR_POSTED, FLAGS)),
)


class AuthorLabelRecognizer(ValuePatternRecognizer):
    """The author a forum names before a quote or post."""

    ENTITY = "USERNAME"
    TRIGGER = rf"{_WROTE}|{_POSTED}"
    PATTERNS = [Pattern("wrote", AUTHOR_WROTE, 0.8), Pattern("posted", AUTHOR_POSTED, 0.8)]

    def can_match(self, text: str) -> bool:
        """ASCII text (lower-casing is the patterns' IGNORECASE there): a label's words found with
        ``str.find`` and the label matched right there, instead of the trigger read over the whole text
        ("reply" and "said" are common in e-mails, a label is not). Other text: the trigger."""
        if not text.isascii() or self.patterns != self.PATTERNS:
            return super().can_match(text)
        lowered = text.lower()
        for needles, label in _LABELS:
            for needle in needles:
                at = lowered.find(needle)
                while at >= 0:
                    if label.match(text, at):
                        return True
                    at = lowered.find(needle, at + 1)
        return False
