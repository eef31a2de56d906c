"""Social-media and forum identifiers: @handles and mentions, ``u/name``, profile URLs, hashtags that are
a person's name, and the author labels forums put at line starts ("jane_doe wrote:", "Posted by u/jane").

Language-neutral patterns; the hashtag and author-label checks read the name gazetteer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import regex
from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult

from support_curation.redaction.names import is_first_name, is_last_name, is_name
from support_curation.redaction.recognizers.base import (
    FLAGS,
    Gated,
    ValuePatternRecognizer,
    make_result,
)

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# a handle: not glued to a word before (an e-mail's local part is), 2-30 handle characters
HANDLE = r"(?<![\w@.＠/])[@＠](?P<value>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@])"
# reddit-style users (subreddits, r/..., are places, not people)
REDDIT_USER = r"(?<![\w/])/?u/(?P<value>[A-Za-z0-9_\-]{2,30})\b"
_SOCIAL_HOSTS = (
    r"(?:twitter|x|instagram|facebook|fb|linkedin|tiktok|github|gitlab|reddit|youtube|threads|pinterest"
    r"|snapchat|medium|twitch|vk|xing|tumblr|bsky|mastodon\.social|t\.me|wa\.me)"
)
# a profile link: the path's first segment (after /in/, /u/, /user/, /@) names the account
PROFILE_URL = (
    rf"(?P<value>(?:https?://)?(?:[\w-]+\.)?{_SOCIAL_HOSTS}(?:\.com|\.net|\.app|\.me)?"
    r"/(?:in/|u/|user/|users/|profile/|pub/|channel/|c/|@)?[@\w.\-%]{2,60}/?(?:\?[\w=&%.\-]*)?)"
    r"(?![\w/])"
)
# any URL whose path holds a user segment (forums, shops' community pages)
USER_PATH_URL = (
    r"(?P<value>https?://[\w.\-]+/(?:[\w.\-]+/)*(?:u|user|users|profile|member|members|@)[/]?[\w.\-]{2,40})"
)
# forum author labels, several languages: "jane_doe wrote:", "Posted by u/jane"
_WROTE = r"(?:wrote|said|replied|a écrit|schrieb|hat geschrieben|escribió|ha scritto|scrive|schreef)"
_POSTED = (
    r"(?:posted\s+by|reply\s+from|replied\s+by|publié\s+par|posté\s+par|gepostet\s+von|geschrieben\s+von"
    r"|publicado\s+por|escrito\s+por|pubblicato\s+da|scritto\s+da|geplaatst\s+door|geschreven\s+door)"
)
AUTHOR_WROTE = rf"(?m)^[ \t>]*(?:on\s+.{{3,40}}?,\s*)?(?P<value>@?[\w.\-]{{2,30}}(?:[ \t][\w.\-]{{2,30}})?)[ \t]+{_WROTE}\s*:"  # noqa: E501
AUTHOR_POSTED = rf"(?m){_POSTED}[ \t]+(?:u/|@)?(?P<value>[\w.\-]{{2,30}}(?:[ \t]\p{{Lu}}[\w.\-]{{1,30}})?)"
HASHTAG = regex.compile(r"(?<![\w#])#(?P<value>\p{L}[\p{L}\d_]{2,40})", regex.V1)
_CAMEL = regex.compile(r"\p{Lu}\p{Ll}+|\p{Ll}+")


class SocialHandleRecognizer(ValuePatternRecognizer):
    """@handles and u/names: the account is the person."""

    ENTITY = "USERNAME"
    TRIGGER = r"[@＠]|\bu/"
    PATTERNS = [Pattern("handle", HANDLE, 0.8), Pattern("reddit_user", REDDIT_USER, 0.8)]


class ProfileUrlRecognizer(ValuePatternRecognizer):
    """Links to a person's profile: the whole link goes (it names the account)."""

    ENTITY = "URL"
    TRIGGER = r"/"
    PATTERNS = [Pattern("profile", PROFILE_URL, 0.85), Pattern("user_path", USER_PATH_URL, 0.85)]


class AuthorLabelRecognizer(ValuePatternRecognizer):
    """The author a forum names before a quote or post."""

    ENTITY = "USERNAME"
    TRIGGER = rf"{_WROTE}|{_POSTED}"
    PATTERNS = [Pattern("wrote", AUTHOR_WROTE, 0.8), Pattern("posted", AUTHOR_POSTED, 0.8)]


def hashtag_is_name(tag: str) -> bool:
    """#JaneDoe, #janedoe2019, #TeamMarta: a first name with a last name, or a first name the lists know
    and ordinary words do not use much."""
    from support_curation.redaction.frequency import ZIPF, word_frequency

    parts = [p for p in _CAMEL.findall(tag) if len(p) >= 2]
    if len(parts) >= 2:
        firsts = [
            i
            for i, p in enumerate(parts)
            if is_first_name(p) and word_frequency(p.lower()) < ZIPF.common_name
        ]
        return any(i + 1 < len(parts) and is_last_name(parts[i + 1]) for i in firsts) or (
            len(parts) == 2
            and bool(firsts)
            and firsts[-1] == 1
            and word_frequency(parts[0].lower()) >= ZIPF.rare_word
        )
    word = regex.sub(r"[\d_]+$", "", tag)
    return is_name(word) and is_first_name(word) and word_frequency(word.lower()) < ZIPF.uncommon


class NameHashtagRecognizer(Gated, EntityRecognizer):
    """Hashtags that name a person (#JaneDoe); topical ones (#fail, #BlackFriday) stay."""

    TRIGGER: ClassVar[str | None] = r"#"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=["PERSON"], name=type(self).__name__, supported_language=supported_language
        )

    def load(self) -> None:  # nothing to load
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not self.can_match(text):
            return []
        return [
            make_result(self, "PERSON", m.start(), m.end(), 0.8, "name_hashtag")
            for m in HASHTAG.finditer(text)
            if hashtag_is_name(m["value"])
        ]


__all__ = [
    "FLAGS",
    "AuthorLabelRecognizer",
    "NameHashtagRecognizer",
    "ProfileUrlRecognizer",
    "SocialHandleRecognizer",
]
