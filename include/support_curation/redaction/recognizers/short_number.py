"""Numbers of three to five digits that are not amounts, times or quantities.

In customer-service text these are last-four digits, PINs, zip codes, house and flight numbers
given as answers ("its 4417", "new york 10001"): a bare number identifies far more often than it
informs, so the policy redacts it unless a unit or currency says what it measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

_UNITS = (
    r"dollars?|bucks|usd|eur|euros?|pounds?|gbp|rupees?|rs|inr|cents?|pence|percent|per\s*cent|%|"
    r"am|pm|a\.m|p\.m|hrs?|hours?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|yrs?|"
    r"mb|gb|tb|kb|mbps|gbps|mhz|ghz|kg|kgs|g|lbs?|oz|km|kms|miles?|mi|m|cm|mm|ft|feet|inch(?:es)?|"
    r"calories|cal|kcal|mg|ml|l|litres?|liters?|points?|pts|people|persons?|pieces?|pcs|items?|units?|"
    r"times|x|dpi|px|w|watts?|v|volts?|mah|rpm"
)


# what a number means when these words stand before it: a quantity, a year, a code of a product or
# an error ("about 2500", "in 1066", "error code 404", "build 19045", "version 1803")
_BEFORE = regex.compile(
    r"\b(?:about|around|approx(?:imately)?|over|under|nearly|almost|than|up\s+to|at\s+least|only"
    r"|error(?:\s+code)?|status(?:\s+code)?|http|version|build|release|firmware|model|series|page|pages"
    r"|chapter|section|figure|table|windows|route|interstate|highway|channel|level|score|rank(?:ed)?"
    r"|dial|call)\W*$",
    regex.IGNORECASE,
)
_YEAR_BEFORE = regex.compile(
    r"\b(?:in|by|from|since|until|till|before|after|during|of|year|circa|early|late|mid|the|between|and"
    r"|to|spring|summer|autumn|fall|winter|january|february|march|april|may|june|july|august|september"
    r"|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\W*$",
    regex.IGNORECASE,
)
_NEXT_WORD = regex.compile(r"^\s+([a-z]+)\b")


class ShortNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "bare_number",
            rf"(?<![\w$£€₹.,/:#\-])(?P<value>\d{{3,5}})(?![\w%.,:/\-]\d|[\w%])(?!\s*(?:{_UNITS})\b)",
            0.5,
        ),
    ]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        return [
            r
            for r in super().analyze(text, entities, nlp_artifacts, regex_flags)
            if not _informs(text, r.start, r.end)
        ]


def _informs(text: str, start: int, end: int) -> bool:
    """The number says how many, which year or which product or error, not whose."""
    before = text[max(0, start - 30) : start]
    if _BEFORE.search(before):
        return True
    value = text[start:end]
    if len(value) == 4 and 1000 <= int(value) <= 2099 and _YEAR_BEFORE.search(before):
        return True
    following = _NEXT_WORD.match(text[end : end + 30])
    if following:
        word = following.group(1)
        # "268 manors", "1500 tickets": a count of something, when the word is a known word
        return len(word) > 3 and word.endswith("s") and word_frequency(word) >= ZIPF.unknown
    return False
