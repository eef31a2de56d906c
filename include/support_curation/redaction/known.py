"""Known identifiers: the values the source system already holds for a conversation (the customer's
name, email, account number), each type as an ad-hoc deny-list recognizer over the whole conversation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from presidio_analyzer import Pattern, PatternRecognizer

from support_curation.redaction.analysis import Span
from support_curation.redaction.values import flexible

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

KNOWN_SCORE = 1.0
MIN_LENGTH = 2


class KnownIdentifierRecognizer(PatternRecognizer):
    """Presidio's deny-list recognizer, with each value found in any case and spacing, and numbers
    with any separators (``values.flexible``): "415 555 0134" is the listed "4155550134"."""

    def __init__(self, supported_entity: str, deny_list: list[str]) -> None:
        super().__init__(
            supported_entity=supported_entity,
            name=f"Known{supported_entity.title().replace('_', '')}Recognizer",
            deny_list=deny_list,
            deny_list_score=KNOWN_SCORE,
        )

    def _deny_list_to_regex(self, deny_list: list[str]) -> Pattern:
        return Pattern(name="deny_list", regex="|".join(flexible(v) for v in deny_list), score=KNOWN_SCORE)


def _guess_kind(value: str) -> str:
    if "@" in value:
        return "EMAIL"
    return "PERSON" if value.replace(" ", "").isalpha() else "ID_NUMBER"


def known_recognizers(
    known: Mapping[str, Sequence[str]] | Sequence[str] | None,
) -> list[KnownIdentifierRecognizer]:
    """One recognizer per identifier type; a plain list of values is typed by their look."""
    if not known:
        return []
    if not isinstance(known, dict):
        grouped: dict[str, list[str]] = {}
        for value in known:
            grouped.setdefault(_guess_kind(str(value)), []).append(str(value))
        known = grouped
    recognizers = []
    for kind, values in sorted(known.items()):
        # longest first: "jane doe" is found whole before "jane" could take its first half
        usable = sorted(
            {v.strip() for v in values if v and len(v.strip()) >= MIN_LENGTH}, key=len, reverse=True
        )
        if usable:
            recognizers.append(KnownIdentifierRecognizer(kind, usable))
    return recognizers


def known_spans(recognizers: Sequence[KnownIdentifierRecognizer], texts: Sequence[str]) -> list[list[Span]]:
    """Per text, the mentions of every known identifier."""
    found: list[list[Span]] = [[] for _ in texts]
    for recognizer in recognizers:
        for i, text in enumerate(texts):
            found[i] += [
                Span(r.start, r.end, r.entity_type, r.score)
                for r in recognizer.analyze(text, recognizer.supported_entities)
            ]
    return found
