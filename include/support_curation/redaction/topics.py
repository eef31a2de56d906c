"""Sensitive topics: which of the policy's topics a conversation touches, and the strictest action."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from support_curation.redaction.policy import ACTION_ORDER

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from support_curation.redaction.policy import Topic


class TopicFlagger:
    """One whole-word, case-insensitive pattern per topic, compiled once per policy.

    Most conversations touch no topic, and a case-insensitive alternation of thirty keywords scans
    slowly (Python's ``re`` can skip ahead to no literal under ``re.I``). So on ASCII text a topic's
    pattern runs only where one of its keywords occurs as a substring of the lower-cased text: under
    ``re.I`` an ASCII keyword matches ASCII text exactly where its lower-cased form stands in the
    lower-cased text, so the substring test is a necessary condition and the pattern still decides
    (whole words). Text with any non-ASCII character ("ſ", the Kelvin sign "K" and "İ" match ASCII
    letters under ``re.I``), and topics with non-ASCII keywords, always run the pattern.
    """

    def __init__(self, topics: Mapping[str, Topic]) -> None:
        self._topics = [
            (
                name,
                topic.action,
                re.compile(r"\b(?:" + "|".join(map(re.escape, topic.keywords)) + r")\b", re.I),
                _substrings(topic.keywords),
            )
            for name, topic in sorted(topics.items())
        ]

    def __call__(self, texts: Sequence[str]) -> tuple[list[str], str]:
        """(sorted names of the topics found, the strictest of their actions or "keep")."""
        joined = "\n".join(texts)
        lowered = joined.lower() if joined.isascii() else None
        found = [
            (name, action)
            for name, action, pattern, keywords in self._topics
            if (lowered is None or keywords is None or any(map(lowered.__contains__, keywords)))
            and pattern.search(joined)
        ]
        action = max((a for _, a in found), key=ACTION_ORDER.__getitem__, default="keep")
        return sorted(name for name, _ in found), action


def _substrings(keywords: Sequence[str]) -> tuple[str, ...] | None:
    """The lower-cased keywords one of which a match must hold; None where that pre-test would not be
    exact: a non-ASCII keyword, or none at all (an empty alternation matches at every word boundary)."""
    if not keywords or not all(k.isascii() for k in keywords):
        return None
    return tuple(k.lower() for k in keywords)
