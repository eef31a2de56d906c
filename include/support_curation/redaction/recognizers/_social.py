"""Patterns shared by the social-media and forum recognizers: @handles and ``u/name``, profile links,
forum author labels ("jane_doe wrote:", "Posted by u/jane"), hashtags that are a person's name."""

from __future__ import annotations

import regex

from support_curation.redaction.names import is_first_name, is_last_name, is_name

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
        # a first name then a last name: the pair says name even when the first name is also a word
        # ("#RichardWilkins", "#GraceHopper")
        paired = [
            i
            for i, p in enumerate(parts)
            if is_first_name(p) and word_frequency(p.lower()) < ZIPF.cued_name and p[:1].isupper()
        ]
        return any(
            i + 1 < len(parts)
            and (
                # a listed surname; after a common first name one that is no everyday word ("#JamesWoods";
                # "#ChristmasEve" stays)
                is_last_name(parts[i + 1])
                and (i in firsts or word_frequency(parts[i + 1].lower()) < ZIPF.common_name)
                # or a word English does not know ("#AlexandriaOKeefe")
                or word_frequency(parts[i + 1].lower()) < ZIPF.uncommon
            )
            for i in paired
        ) or (
            len(parts) == 2
            and bool(firsts)
            and firsts[-1] == 1
            and word_frequency(parts[0].lower()) >= ZIPF.rare_word
        )
    word = regex.sub(r"[\d_]+$", "", tag)
    return is_name(word) and is_first_name(word) and word_frequency(word.lower()) < ZIPF.uncommon
