"""Phone numbers through Presidio's phonenumbers-based recognizer, only where a phone number can be.

The phonenumbers matcher runs once per region over the whole text and was the costliest recognizer
of the analyzer (a fifth of its time on support chats), though most turns hold no run of 7+ digits.
It now sees only the runs of 7+ close digits, and tries a plain parse of each run before the matcher.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers
import regex
from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

SCORE = 0.6  # a number phonenumbers validates for a region is a phone number, context or not
# seven digits close together (separators, brackets, a "+" between them), anywhere in the text
_CANDIDATE = regex.compile(r"\d(?:[\s().\-/+]{0,3}\d){6,}")
_CONTEXT = regex.compile(
    r"\b(?:phone|tel|telephone|cell|mobile|call|calls|ring|text|sms|contact|whatsapp|fax|landline)\b",
    regex.IGNORECASE,
)
_TIME_AFTER = regex.compile(r":\d\d")
_HOUR = regex.compile(r"[\sT,]+\d{1,2}$")
FULL_DIGITS = 10
MAX_DIGITS = 15  # the longest phone number (E.164); a longer run may be two numbers side by side
SLACK = 3
CONTEXT_CHARS = 40  # characters either side of a candidate: a leading "+" or "(" and the word boundaries


# The phonenumbers calls below are pure functions of their strings, memoised: a number comes back in a
# conversation (read back by the agent, quoted in a later turn), and the matcher is the costly part
# (a 16-digit card number runs it in every region). Results are rebuilt at each call's own offsets.
CACHED_NUMBERS = 4096


@lru_cache(maxsize=CACHED_NUMBERS)
def _valid_region(number: str, regions: tuple[str, ...]) -> str | None:
    """The first region in which the number parses as a valid phone number."""
    for region in regions:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return region
    return None


@lru_cache(maxsize=CACHED_NUMBERS)
def _matched(snippet: str, regions: tuple[str, ...], leniency: int) -> tuple[tuple[int, int, str], ...]:
    """The phonenumbers matcher's finds in the snippet (start, end, region), for the first region with any."""
    for region in regions:
        matches = list(phonenumbers.PhoneNumberMatcher(snippet, region, leniency=leniency))
        if matches:
            return tuple((m.start, m.end, region) for m in matches)
    return ()


class PhoneNumberRecognizer(PhoneRecognizer):
    CONTEXT = ["phone", "number", "telephone", "cell", "mobile", "call", "contact", "whatsapp", "fax"]

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for candidate in _CANDIDATE.finditer(text):
            start, end = candidate.span()
            if _TIME_AFTER.match(text, end):  # "12/03/2026 14:02": a date and the hour of a time
                hour = _HOUR.search(text, start, end)
                end = hour.start() if hour else end
                if sum(c.isdigit() for c in text[start:end]) < 7:
                    continue
            while start > 0 and text[start - 1] in "+(":
                start -= 1
            results += self._find(text[start:end], text, start, end)
        return results

    def _find(self, number: str, text: str, start: int, end: int) -> list[RecognizerResult]:
        """The candidate as one valid number of some region (a cheap parse), else the phonenumbers
        matcher over the candidate and a few characters around it, in the first region with a match."""
        # a full number (10+ digits or international): shorter runs are as often order or account numbers
        full = number.startswith("+") or sum(c.isdigit() for c in number) >= FULL_DIGITS
        regions = tuple(self.supported_regions)
        if full:
            region = _valid_region(number, regions)
            if region is not None:
                return [self._result(start, end, region)]
        if full and sum(c.isdigit() for c in number) <= MAX_DIGITS:
            return []  # one number that is not valid: the matcher, validating the same way, finds none
        if not full and not _CONTEXT.search(text[max(0, start - CONTEXT_CHARS) : start]):
            # a 7-9 digit run with no phone word before it: an order or account number far more
            # often (and the long-number recognizer redacts it either way)
            return []
        lo = max(0, start - SLACK)
        snippet = text[lo : end + SLACK]
        return [
            self._result(lo + m_start, lo + m_end, region)
            for m_start, m_end, region in _matched(snippet, regions, self._leniency)
        ]

    @property
    def _leniency(self) -> int:
        # PhoneRecognizer's constructor sets 1 (valid numbers); None is phonenumbers' default, the same
        return phonenumbers.Leniency.VALID if self.leniency is None else self.leniency

    def _result(self, start: int, end: int, region: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=max(self.SCORE, SCORE),
            analysis_explanation=self._get_analysis_explanation(region),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,  # Presidio's default name
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
