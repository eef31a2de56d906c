"""A PatternRecognizer whose patterns may mark the value inside a match with a ``(?P<value>...)`` group.

Context belongs in the pattern itself ("order number is 12345": the words are required, only the
number is the entity), which is both more precise and cheaper than scoring context afterwards.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, ClassVar, cast

import regex
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

FLAGS = regex.IGNORECASE | regex.MULTILINE
_DIGIT = regex.compile(r"\d")


@cache
def _trigger(expr: str) -> regex.Pattern[str]:
    return regex.compile(expr, FLAGS)


class Gated:
    """Mixin for a recognizer that can tell, cheaply, that a text holds no match: most chat turns have
    no digit, no "@", no street word, and are skipped before any costly pattern runs."""

    # True when every pattern needs a digit in the text
    NEEDS_DIGIT: ClassVar[bool] = False
    # a cheap pattern that every match needs somewhere in the text (an "@", a street word). It must
    # never be narrower than the patterns.
    TRIGGER: ClassVar[str | None] = None
    # lower-case ASCII strings, one of which every match holds (a keyword: "order", "user", "work").
    # Tested with ``in`` on the lower-cased text, far cheaper than a regex; only on ASCII text, where
    # lower-casing is exactly the patterns' IGNORECASE (other text runs the patterns as before)
    WORDS: ClassVar[tuple[str, ...]] = ()

    def can_match(self, text: str) -> bool:
        words = self.__dict__.get("_words", self.WORDS)  # none where the instance has other patterns
        if words and text.isascii():
            lowered = text.lower()
            if not any(word in lowered for word in words):
                return False
        if self.NEEDS_DIGIT and not _DIGIT.search(text):
            return False
        return self.TRIGGER is None or _trigger(self.TRIGGER).search(text) is not None


class GatedPatternRecognizer(Gated, PatternRecognizer):
    """A Presidio pattern recognizer (its own ``analyze``) behind the gate."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.can_match(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)


class ValuePatternRecognizer(Gated, PatternRecognizer):
    """Subclasses set ENTITY, PATTERNS (``Pattern`` constants) and CONTEXT; the constructor is Presidio's,
    so a policy or a test may pass other patterns, context or entity name."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    patterns: list[Pattern]  # the instance's, set by PatternRecognizer
    CONTEXT: ClassVar[list[str]] = []
    # per pattern name, what WORDS is for the whole recognizer: lower-case ASCII strings one of which
    # every match of that pattern holds; on ASCII text holding none, that pattern is not run
    PATTERN_WORDS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(
        self,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        supported_language: str = "en",
        supported_entity: str | None = None,
    ) -> None:
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            name=type(self).__name__,
            patterns=list(patterns or self.PATTERNS),
            context=list(context or self.CONTEXT),
            supported_language=supported_language,
            global_regex_flags=FLAGS,
        )
        own = patterns is None or list(patterns) == list(self.PATTERNS)
        if not own:
            self._words: tuple[str, ...] = ()  # the class's WORDS hold for the class's PATTERNS only
        # per pattern: compiled, whether it marks a value group, its words (the class's patterns only)
        self._compiled: list[tuple[Pattern, regex.Pattern[str], bool, tuple[str, ...]]] = []
        for pattern in self.patterns:
            compiled = regex.compile(pattern.regex, FLAGS)
            words = self.PATTERN_WORDS.get(pattern.name, ()) if own else ()
            self._compiled.append((pattern, compiled, "value" in compiled.groupindex, words))
        self._any_pattern_words = any(words for *_, words in self._compiled)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.can_match(text):
            return []
        entity = self.supported_entities[0]
        results = []
        lowered = text.lower() if self._any_pattern_words and text.isascii() else None
        for pattern, compiled, has_value, words in self._compiled:
            if words and lowered is not None and not any(word in lowered for word in words):
                continue
            for match in compiled.finditer(text, timeout=2.0):
                start, end = match.span("value") if has_value else match.span()
                if start < 0 or start == end:
                    continue
                value = text[start:end]
                score = pattern.score
                valid = self.validate_result(value)
                if valid is not None:
                    score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
                if self.invalidate_result(value):
                    score = EntityRecognizer.MIN_SCORE
                if score > EntityRecognizer.MIN_SCORE:
                    results.append(make_result(self, entity, start, end, score, pattern.name))
        return results


def make_result(
    recognizer: EntityRecognizer,
    entity: str,
    start: int,
    end: int,
    score: float,
    pattern_name: str | None = None,
) -> RecognizerResult:
    """A result that names the recognizer (and pattern) that found it, as Presidio's own results do."""
    name = type(recognizer).__name__  # the project's recognizers are named after their class
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        # Presidio's own results carry a None pattern name when none applies, despite its type hint
        analysis_explanation=AnalysisExplanation(name, score, cast("str", pattern_name)),
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )
