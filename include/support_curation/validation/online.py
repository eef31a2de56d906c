"""Residual online identifiers: @handles, profile URLs, and URLs whose query carries a personal value.

Why: a social handle or a profile link names a person as surely as their name, and a link copied from
an email ("...?email=jane%40example.com&name=Jane") carries values no text detector reads, because
they are percent-encoded. The gate decodes each query and looks at its keys and values. Email
addresses themselves are the email detector's; a handle here is an "@" word that is not part of one.
Counts only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_plus

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# "@jane_doe": not inside an email or a word, not a price or a time ("@ 5pm", "@5"), not a decorator
# at the start of a code line.
_HANDLE = re.compile(
    r"(?<![\w.@/])@(?=[A-Za-z0-9_.]*[A-Za-z])[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}[A-Za-z0-9_])(?![\w@])"
)
_PROFILE_SITES = (
    r"(?:twitter|x|facebook|fb|instagram|tiktok|github|gitlab|reddit|youtube|medium|pinterest|"
    r"threads|snapchat|twitch|soundcloud|vimeo|flickr|tumblr|behance|dribbble|t)\.(?:com|net|me|tv)"
    r"|linkedin\.com/in|linkedin\.com/pub|mastodon\.\w+|bsky\.app/profile|wa\.me|m\.me"
)
_PROFILE = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www\.|m\.|mobile\.)?(?:{_PROFILE_SITES})/"
    r"(?:u/|user/|users/|in/|@|c/|add/|profile/)?(?P<name>[A-Za-z0-9_.+-]{2,64})",
    re.IGNORECASE,
)
# Paths on those sites that are pages, not people.
_SITE_PAGES = frozenset(
    {"home", "help", "login", "signup", "settings", "about", "privacy", "terms", "search", "explore",
     "share", "sharer", "intent", "hashtag", "watch", "pages", "groups", "company", "events", "jobs",
     "policies", "legal", "support", "business", "notifications", "messages", "i", "status", "feed",
     "hc", "en", "en-us", "en-gb", "developers", "features", "pricing", "marketplace", "topics",
     "trending", "r", "results", "shorts", "embed", "plugins", "dialog", "tr", "p", "reel", "stories",
     "photo", "photos", "video", "videos", "download", "apps", "contact", "security", "blog", "docs"}
)  # fmt: skip
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
# Query keys whose value is a person's: email, name, phone, address, birth date, user name, national id.
_PERSONAL_KEYS = re.compile(
    r"^(?:e?-?mail|email_?address|to|recipient|name|full_?name|first_?name|last_?name|given_?name|"
    r"family_?name|surname|fname|lname|first|last|phone|phone_?number|tel|mobile|cell|msisdn|"
    r"address|street|addr|zip|zip_?code|post_?code|postal_?code|dob|birth_?date|date_?of_?birth|"
    r"birthday|user|username|user_?name|login|customer_?name|ssn|nin|passport)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"^<[A-Z][A-Z0-9_]*>$")
_DIGITS = re.compile(r"\d")


def count_handles(text: str) -> int:
    """@handles outside email addresses, and links to a person's profile on a social site."""
    hits = 0
    if "/" in text:
        for match in _PROFILE.finditer(text):
            if match.group("name").lower().strip(".") not in _SITE_PAGES:
                hits += 1
        text = _PROFILE.sub(" ", text)
    if "@" in text:
        hits += len(_HANDLE.findall(_EMAIL.sub(" ", _URL.sub(" ", text))))
    return hits


def _personal_value(key: str, value: str) -> bool:
    value = value.strip()
    if not value or _PLACEHOLDER.match(value):
        return False
    if _EMAIL.search(value):
        return True
    if _PERSONAL_KEYS.match(key.strip()):
        # a flag ("name=1") or an opaque token is no value; letters or a phone-length number are
        return any(ch.isalpha() for ch in value) or len(_DIGITS.findall(value)) >= 7
    digits = len(_DIGITS.findall(value))
    return digits >= 9 and value.lstrip("+").replace(" ", "").replace("-", "").isdigit() and digits <= 15


def count_url_values(text: str) -> int:
    """URLs with at least one personal value in their query or fragment (decoded first)."""
    if "?" not in text and "#" not in text:
        return 0
    hits = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?)")
        _, _, rest = url.partition("?")
        query = rest.replace("#", "&") if rest else url.partition("#")[2]
        if not query:
            continue
        pairs = parse_qsl(query, keep_blank_values=False)
        if any(_personal_value(unquote_plus(k), v) for k, v in pairs):
            hits += 1
    return hits
