"""Known identifiers: the values the source system already holds for a conversation (the customer's
name, email, account number), each type as an ad-hoc deny-list recognizer over the whole conversation.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from presidio_analyzer import EntityRecognizer, RecognizerResult

from support_curation.redaction.analysis import Span
from support_curation.redaction.values import flexible

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from presidio_analyzer.nlp_engine import NlpArtifacts

KNOWN_SCORE = 1.0
MIN_LENGTH = 2
_NAME_PREFIX = "Known"


class _QuietAdHocLoads(logging.Filter):
    """Presidio logs "Loaded recognizer" for every recognizer it constructs: right for a registry built
    once, noise for the ad-hoc ones built per conversation (a line per conversation in task logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.msg == "Loaded recognizer: %s"
            and isinstance(record.args, tuple)
            and str(record.args[0]).startswith(_NAME_PREFIX)
        )


@cache
def _quiet_presidio() -> None:
    logging.getLogger("presidio-analyzer").addFilter(_QuietAdHocLoads())


class KnownIdentifierRecognizer(EntityRecognizer):
    """Presidio's ad-hoc deny-list recognizer (``PatternRecognizer(deny_list=...)``) with two changes.

    Each value is found in any case and spacing, and numbers with any separators (``values.flexible``):
    "415 555 0134" is the listed "4155550134". And the pattern is compiled by the standard library's
    ``re``, not by the ``regex`` module PatternRecognizer uses: the pattern is new for every
    conversation, and ``regex``'s compiler (twice per recognizer there: a validation, then the match)
    took about 8 ms, most of the known-identifier step and a tenth of a conversation's redaction.
    """

    def __init__(self, supported_entity: str, deny_list: list[str]) -> None:
        super().__init__(
            supported_entities=[supported_entity],
            name=f"{_NAME_PREFIX}{supported_entity.title().replace('_', '')}Recognizer",
            supported_language="en",
        )
        self.deny_list = deny_list
        self._pattern = re.compile("|".join(flexible(v) for v in deny_list), re.IGNORECASE)

    def load(self) -> None:  # nothing to load: the pattern is built in the constructor
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        return [
            RecognizerResult(entity, m.start(), m.end(), KNOWN_SCORE) for m in self._pattern.finditer(text)
        ]


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
    _quiet_presidio()
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


# joins the turns for one pass per recognizer: no value pattern matches it (it is neither a word
# character, a space nor a number separator), so no match spans two turns and every turn's edges
# read as they do alone
_TURN_BREAK = "\x00"


def known_spans(recognizers: Sequence[KnownIdentifierRecognizer], texts: Sequence[str]) -> list[list[Span]]:
    """Per text, the mentions of every known identifier."""
    found: list[list[Span]] = [[] for _ in texts]
    if not recognizers:
        return found
    if any(_TURN_BREAK in text for text in texts):  # cannot join safely: one pass per turn
        for recognizer in recognizers:
            for i, text in enumerate(texts):
                found[i] += [_span(r, 0) for r in recognizer.analyze(text, recognizer.supported_entities)]
        return found
    joined = _TURN_BREAK.join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    for recognizer in recognizers:
        for result in recognizer.analyze(joined, recognizer.supported_entities):
            i = bisect_right(starts, result.start) - 1
            found[i].append(_span(result, starts[i]))
    return found


def _span(result: RecognizerResult, offset: int) -> Span:
    return Span(result.start - offset, result.end - offset, result.entity_type, result.score)
