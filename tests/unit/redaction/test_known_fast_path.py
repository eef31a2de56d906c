"""Known identifiers: the pattern built per text from the values that can occur there (and lower-cased on
ASCII text) finds exactly what the whole deny list compiled with re.IGNORECASE finds."""

from __future__ import annotations

import random
import re
import sys

import pytest

from support_curation.redaction.known import _ASCII_EQUIVALENTS, KnownIdentifierRecognizer, _Text
from support_curation.redaction.values import flexible

VALUES = [
    "Jane Doe",
    "jane",
    "JANE",
    "Doe",
    "4155550134",
    "+1 (415) 555-0134",
    "a/c 4417 5521",
    "AB-1234",
    "jane.doe@example.org",
    "Müller",
    "straße",
    "Kirk",
    "Silas",
    "Ivan",
    "kk",
    "x.y",
]
TEXTS = [
    "Hi, I'm Jane Doe (JANE   doe), call 415 555 0134 or +1-415-555-0134; janet is someone else",
    "account a/c 4417-5521, ref ab-1234 and AB 1234, mail JANE.DOE@EXAMPLE.ORG",
    "Herr MÜLLER und müller, STRASSE straße",
    "\u212airk and \u017filas and \u0130van and \u0131van: dotted, dotless, long s and the Kelvin sign",
    "kk KK \u212a\u212a x.y xxy",
    "nothing known here at all",
    "",
    "jane\x00doe 4155\x00550134",
    "٤١٥٥٥٥٠١٣٤ 4155550134٤",
]


def reference(values: list[str], text: str) -> list[tuple[int, int]]:
    """The pattern as it was: every value, re.IGNORECASE, on the text itself."""
    pattern = re.compile("|".join(flexible(v) for v in values), re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def _cases() -> list[tuple[list[str], str]]:
    rng = random.Random(7)
    cases = [(VALUES, text) for text in TEXTS]
    for _ in range(300):
        values = rng.sample(VALUES, rng.randint(1, 5))
        values.sort(key=len, reverse=True)
        text = " ".join(rng.sample(TEXTS, 2))
        cases.append((values, text))
    return cases


@pytest.mark.parametrize(("values", "text"), _cases())
def test_mentions_match_the_whole_ignorecase_pattern(values: list[str], text: str) -> None:
    recognizer = KnownIdentifierRecognizer("PERSON", values)
    assert recognizer.mentions(_Text(text)) == reference(values, text)
    results = recognizer.analyze(text, ["PERSON"])
    assert [(r.start, r.end) for r in results] == reference(values, text)


def test_every_non_ascii_equivalent_of_an_ascii_character_is_folded() -> None:
    """The prefilter folds these before its substring test: one missing would hide a mention."""
    everything = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    found = {}
    for c in range(128):
        for m in re.finditer(re.escape(chr(c)), everything, re.IGNORECASE):
            found[m.group()] = chr(c).lower()
    assert found == {chr(k): v for k, v in _ASCII_EQUIVALENTS.items()}
