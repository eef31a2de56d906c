"""Hashtags that name a person (#JaneDoe); topical ones (#fail, #BlackFriday) stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

from support_curation.redaction.recognizers._social import HASHTAG, hashtag_is_name
from support_curation.redaction.recognizers.base import Gated, make_result

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts


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
