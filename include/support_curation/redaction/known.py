"""Known identifiers: the values the source system already holds for a conversation (the customer's
name, email, account number), each type as an ad-hoc deny-list recognizer over the whole conversation.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from presidio_analyzer import EntityRecognizer, RecognizerResult

from support_curation.redaction.analysis import Span
from support_curation.redaction.values import (
    MATCHED_DIGITS,
    SEARCH_DIGITS,
    flexible,
    flexible_starts,
    leftmost_first,
    mostly_digits,
)

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
        # each value's pattern and what its mention must contain (``_Text.may_hold``), worked out once;
        # the regex is compiled per text from only the values that can occur there (most occur nowhere)
        self._values = [(v, flexible(v), _needle(v)) for v in deny_list]

    def load(self) -> None:  # nothing to load: the pattern is built per text, from the values it can hold
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return self.analyze_text(_Text(text))

    def analyze_text(self, text: _Text) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        return [RecognizerResult(entity, start, end, KNOWN_SCORE) for start, end in self.mentions(text)]

    def mentions(self, text: _Text) -> list[tuple[int, int]]:
        """The spans the alternation of every value's ``flexible`` pattern finds in the text (re.IGNORECASE).

        A value whose pattern matches nowhere in the text never takes part in the alternation's matches
        (at each position it fails and the next alternative is tried), so leaving it out changes none;
        ``may_hold`` is false only for such values. On ASCII text with ASCII values, re.IGNORECASE
        matches exactly what the lower-cased pattern matches case-sensitively in the lower-cased text
        (same offsets), which ``values.flexible_starts`` finds without a regex to compile.
        """
        kept = [(value, pattern) for value, pattern, needle in self._values if text.may_hold(needle)]
        if not kept:
            return []
        if text.text.isascii() and all(value.isascii() for value, _ in kept):
            # that case-sensitive pattern read without compiling it (``values.flexible_starts``)
            starts = [flexible_starts(text.lowered, value.lower()) for value, _ in kept]
            return leftmost_first([found or {} for found in starts])
        patterns = tuple(dict.fromkeys(pattern for _, pattern in kept))
        return [m.span() for m in _alternation(patterns, re.IGNORECASE).finditer(text.text)]


# non-ASCII characters that re.IGNORECASE matches to an ASCII letter, as that letter (the test checks
# the list against every code point): a text folded by it holds, lower-cased, every ASCII value's mention
_ASCII_EQUIVALENTS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_NON_DIGITS = re.compile(r"\D+")


def _needle(value: str) -> tuple[str, tuple[str, ...]] | None:
    """What every mention of the value contains: a number's matched digits (in the text's digits
    alone: only separators stand between them) or an ASCII value's lower-cased words (in the folded,
    lower-cased text); None where no cheap test is sure (non-ASCII words: the value is always searched)."""
    digits = mostly_digits(value, SEARCH_DIGITS)
    if digits is not None:
        return ("digits", (digits[-MATCHED_DIGITS:],))
    if value.isascii():
        return ("words", tuple(part.lower() for part in value.split()))
    return None


class _Text:
    """A text with what the values' tests read in it, each made once when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None
        self._folded: str | None = None
        self._digits: str | None = None

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def may_hold(self, needle: tuple[str, tuple[str, ...]] | None) -> bool:
        """False only when the value's pattern cannot match anywhere in the text."""
        if needle is None:
            return True
        kind, parts = needle
        if kind == "digits":
            if self._digits is None:
                self._digits = _NON_DIGITS.sub("", self.text)
            return parts[0] in self._digits
        if self._folded is None:
            self._folded = (
                self.lowered if self.text.isascii() else self.text.translate(_ASCII_EQUIVALENTS).lower()
            )
        return all(part in self._folded for part in parts)


# the same values recur (agents' names, a customer's several conversations): their pattern compiled once
@lru_cache(maxsize=2048)
def _alternation(patterns: tuple[str, ...], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(patterns), flags)


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
        for i, text in enumerate(texts):
            prepared = _Text(text)
            for recognizer in recognizers:
                found[i] += [_span(r, 0) for r in recognizer.analyze_text(prepared)]
        return found
    joined = _Text(_TURN_BREAK.join(texts))  # its lower-cased and digit-only forms made once for all types
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    for recognizer in recognizers:
        for result in recognizer.analyze_text(joined):
            i = bisect_right(starts, result.start) - 1
            found[i].append(_span(result, starts[i]))
    return found


def _span(result: RecognizerResult, offset: int) -> Span:
    return Span(result.start - offset, result.end - offset, result.entity_type, result.score)
