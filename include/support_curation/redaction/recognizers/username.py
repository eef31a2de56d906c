"""Usernames, logins and handles."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers._shared import is_common_word
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_KEYWORD = r"(?:user\s*name|username|user\s*id|userid|login(?:\s+id|\s+name)?|screen\s*name|gamertag)"
# a made-up identifier: letters with a digit, "_" or "." inside, not ending on the sentence's full stop,
# not an e-mail's local part
_MADE_UP = r"@?(?=[\w.\-]*[\d_.][\w.\-]*[A-Za-z0-9_])[A-Za-z0-9_][\w.\-]{1,38}[A-Za-z0-9_](?![@\w])"


class UsernameRecognizer(ValuePatternRecognizer):
    ENTITY = "USERNAME"
    PATTERNS = [
        Pattern(
            "keyword",
            # after a link word ("username is ...", "login: ...") any value; right after the keyword
            # only a made-up one ("username jdoe_84", not "username handy")
            rf"\b(?:{_KEYWORD}|handle)\b(?:(?:\s+(?:is|was|=|it's|its))+\s*[:=]?|\s*[:=])\s*[\"']?"
            r"(?P<value>@?[\w.\-]{3,40})",
            0.8,
        ),
        Pattern("keyword_value", rf"\b(?:{_KEYWORD}|handle)\s+[\"']?(?P<value>{_MADE_UP})", 0.8),
        # words between the cue and the value: "my username on the Customer Portal is jdoe_84"; the
        # value must then look made up (a digit, "_" or "." inside), as ordinary words follow such cues
        Pattern(
            "keyword_words_between",
            rf"\b{_KEYWORD}\b(?:[ \t]+[\w'’\-]+){{1,6}}?[ \t]+(?:is|was|=|:)[ \t]*[\"']?"
            rf"(?P<value>{_MADE_UP})",
            0.75,
        ),
        Pattern(
            "sign_in_as",
            rf"\b(?:sign(?:ed|ing)?|log(?:ged|ging)?)[ \t]*(?:in|on)[ \t]+(?:as|with)[ \t]+"
            rf"(?P<value>{_MADE_UP})",
            0.75,
        ),
    ]
    CONTEXT = ["username", "login", "user"]
    # the keywords' words and "sign in" / "log in"
    WORDS = ("user", "log", "screen", "gamertag", "handle", "sign")

    def invalidate_result(self, pattern_text: str) -> bool:
        return is_common_word(pattern_text.lower().strip("."), threshold=4.0)
