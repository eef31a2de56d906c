"""Phone numbers through Presidio's phonenumbers-based recognizer, only where a phone number can be.

The phonenumbers matcher runs once per region over the whole text and was the costliest recognizer
of the analyzer (a fifth of its time on support chats), though most turns hold no run of 7+ digits.
It now sees only the runs of 7+ close digits (with a few characters around them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers
import regex
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

SCORE = 0.6  # a number phonenumbers validates for a region is a phone number, context or not
# seven digits close together (separators, brackets, a "+" between them), anywhere in the text
_CANDIDATE = regex.compile(r"\d(?:[\s().\-/+]{0,3}\d){6,}")
SLACK = 3  # characters either side of a candidate: a leading "+" or "(" and the word boundaries


class PhoneNumberRecognizer(PhoneRecognizer):
    CONTEXT = ["phone", "number", "telephone", "cell", "mobile", "call", "contact", "whatsapp", "fax"]

    def __init__(self) -> None:
        super().__init__(context=self.CONTEXT, name="PhoneNumberRecognizer")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for candidate in _CANDIDATE.finditer(text):
            # the matcher scans its whole input once per region: give it the number, not the turn
            start = max(0, candidate.start() - SLACK)
            for result in self._first_region(text[start : candidate.end() + SLACK], nlp_artifacts):
                result.start += start
                result.end += start
                result.score = max(result.score, SCORE)
                results.append(result)
        return results

    def _first_region(self, snippet: str, nlp_artifacts: NlpArtifacts | None) -> list[RecognizerResult]:
        """Matches in the first region (policy order) that has any: the regions agree on most numbers,
        and trying all of them was most of this recognizer's time."""
        for region in self.supported_regions:
            matches = list(phonenumbers.PhoneNumberMatcher(snippet, region, leniency=self.leniency))
            if matches:
                return [self._get_recognizer_result(m, snippet, region, nlp_artifacts) for m in matches]
        return []
