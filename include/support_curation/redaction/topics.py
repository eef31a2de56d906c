"""Sensitive topics: which of the policy's topics a conversation touches, and the strictest action."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from support_curation.redaction.policy import ACTION_ORDER

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from support_curation.redaction.policy import Topic


class TopicFlagger:
    """One whole-word, case-insensitive pattern per topic, compiled once per policy."""

    def __init__(self, topics: Mapping[str, Topic]) -> None:
        self._topics = [
            (
                name,
                topic.action,
                re.compile(r"\b(?:" + "|".join(map(re.escape, topic.keywords)) + r")\b", re.I),
            )
            for name, topic in sorted(topics.items())
        ]

    def __call__(self, texts: Sequence[str]) -> tuple[list[str], str]:
        """(sorted names of the topics found, the strictest of their actions or "keep")."""
        joined = "\n".join(texts)
        found = [(name, action) for name, action, pattern in self._topics if pattern.search(joined)]
        action = max((a for _, a in found), key=ACTION_ORDER.__getitem__, default="keep")
        return sorted(name for name, _ in found), action
