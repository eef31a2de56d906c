"""@handles and u/names on social media and forums: the account is the person, unless it is the brand's
own care account (the policy's ``brand`` settings: listed handles, and handles built from a care word)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.names import is_first_name
from support_curation.redaction.recognizers._social import HANDLE, REDDIT_USER
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from support_curation.redaction.policy import RedactionPolicy

_PARTS = regex.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


class SocialHandleRecognizer(ValuePatternRecognizer):
    """@handles and u/names: the account is the person."""

    ENTITY = "USERNAME"
    TRIGGER = r"[@＠]|\bu/"
    PATTERNS = [Pattern("handle", HANDLE, 0.8), Pattern("reddit_user", REDDIT_USER, 0.8)]

    def __init__(
        self, *args: Any, brand_handles: Iterable[str] = (), brand_words: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.brand_handles = frozenset(h.lstrip("@").lower() for h in brand_handles)
        self.brand_words = tuple(sorted({w.lower() for w in brand_words}, key=len, reverse=True))

    @classmethod
    def from_policy(cls, policy: RedactionPolicy) -> SocialHandleRecognizer:
        return cls(brand_handles=policy.brand.handles, brand_words=policy.brand.handle_words)

    def invalidate_result(self, pattern_text: str) -> bool:
        return self.is_brand(pattern_text)

    def is_brand(self, handle: str) -> bool:
        """A listed brand handle, or a care word joined to a part that is not a first name: "AcmeCare",
        "Uber_Support", "sprintcare", "AskPayPal" (not "JaneHelps", "team_marta")."""
        low = handle.lstrip("@").lower()
        if low in self.brand_handles:
            return True
        if not self.brand_words:
            return False
        parts = [p.lower() for p in _PARTS.findall(handle)]
        rest = "".join(p for p in parts if not p.isdigit())
        for word in self.brand_words:
            if rest == word:
                continue  # "@support" alone names no brand: could be anyone's
            if rest.endswith(word) or rest.startswith(word):
                other = rest.removesuffix(word) if rest.endswith(word) else rest.removeprefix(word)
                if len(other) >= 2 and not any(is_first_name(p) for p in (other, *parts) if p not in (word,)):
                    return True
        return False
