"""Reference codes whose punctuation was lost in chat or transcription: "abc 123", "a 4 b 4 c 3", "889 e 14".

A run of short letter groups and digit groups is read as one code when it has two or more digit
groups, or a rare 2-4 letter prefix before 3+ digits. Letter groups must be single letters, rare
two-letter strings or rare words (word frequency), so "at 5 pm", "top 10 and 20" and "3 persons"
stay text. Ordinary words at either end of a run are trimmed off rather than sinking the match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.recognizers.base import ValuePatternRecognizer, make_result

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

_PART = r"(?:[a-z]{1,4}|\d{1,6})"
RUN = regex.compile(rf"(?<![\w@.\-'’])(?:{_PART}[ \-]){{1,9}}{_PART}(?![\w@\-])", regex.IGNORECASE)
TOKEN = regex.compile(r"[a-z]+|\d+", regex.IGNORECASE)
# after a number these make it a quantity, time or ordinal, not a code
UNITS = frozenset(
    [
        "am",
        "pm",
        "st",
        "nd",
        "rd",
        "th",
        "kg",
        "mg",
        "km",
        "gb",
        "mb",
        "tb",
        "hr",
        "hrs",
        "min",
        "mins",
        "sec",
        "usd",
        "eur",
        "gbp",
        "inr",
        "rs",
        "x",
        "k",
        "m",
        "p",
        "s",
    ]
)
CURRENCIES = frozenset(["rs", "usd", "eur", "gbp", "inr", "aud", "cad"])
# letter groups rarer than ZIPF.uncommon are not English words ("kum", "hgy"; "new", "fab" are); two-letter
# groups need only be below ZIPF.common_name: abbreviations ("dh", "gt") pass, "at", "to", "is" do not


def _code_letters(part: str) -> bool:
    low = part.lower()
    if len(low) == 1:
        return low not in {"a", "i"}
    return word_frequency(low) < (ZIPF.common_name if len(low) == 2 else ZIPF.uncommon)


class SpacedCodeRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    SCORE = 0.6
    PATTERNS = [Pattern("spaced_code", RUN.pattern, SCORE)]
    CONTEXT = ["number", "code", "confirmation", "booking", "claim", "policy", "order"]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # a code needs a digit group (``\d``): the gate's digit search, not a character loop in Python
        if not self.can_match(text):
            return []
        results = []
        for match in RUN.finditer(text):
            parts = list(TOKEN.finditer(match.group()))
            # trim ordinary words (and units) from both ends
            while parts and parts[0].group().isalpha() and not _code_letters(parts[0].group()):
                parts.pop(0)
            while (
                parts
                and parts[-1].group().isalpha()
                and (not _code_letters(parts[-1].group()) or parts[-1].group().lower() in UNITS)
            ):
                parts.pop()
            if not self._is_code([p.group().lower() for p in parts]):
                continue
            start, end = match.start() + parts[0].start(), match.start() + parts[-1].end()
            results.append(
                make_result(self, self.supported_entities[0], start, end, self.SCORE, "spaced_code")
            )
        return results

    @staticmethod
    def _is_code(parts: list[str]) -> bool:
        digits = [p for p in parts if p.isdigit()]
        letters = [p for p in parts if p.isalpha()]
        inner = parts[1:-1]
        if not digits or not letters or parts[0] in CURRENCIES:
            return False
        # a single "a" or "i" inside a run of digits is a letter of the code ("q 5 i 3 e 1")
        if not all(_code_letters(p) or (p in {"a", "i"} and p in inner) for p in letters):
            return False
        if len(digits) >= 2:
            return sum(map(len, digits)) >= 3 or len(letters) >= 2
        # one digit group: a rare 2-4 letter prefix and 3+ digits ("kum 587")
        return len(parts) == 2 and parts[0].isalpha() and len(parts[0]) >= 2 and len(parts[1]) >= 3
