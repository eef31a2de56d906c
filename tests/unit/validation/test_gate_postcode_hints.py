"""``count_postcodes`` runs a postcode pattern only where a piece every match of it holds is found: a
text it skips must be one the pattern finds nothing in, and the count must be that of every pattern."""

from __future__ import annotations

import random

import pytest

from support_curation.validation import places

from .phrases_in_filler import phrases_in_filler

CODES = [
    "SW1A 1AA", "sw1a1aa", "M1 1AE", "GIR 0AA", "EC1A 1BB", "CA 94105", "NY, 10001-1234", "TX 73301",
    "94105-1234", "D-10115", "NL 1012 AB", "1012AB Amsterdam", "75008 Paris", "00-950", "1000-001",
    "10115 Berlin", "zip 94105", "postcode is sw1a1aa", "PLZ: 10115", "code postal 75008", "cap 00184",
    "CP 28013", "Zip Code: 30301", "postal code M5V 3L9", "ſw1a 1aa", "3 items", "order 12345 shipped",
]  # fmt: skip
FILLER = ["please", "send", "it", "to", "the", "office", "near", "Main", "Street", "ok", "thanks", "é"]
PAIRS = [
    (places._UK_HINT, places._UK_POSTCODE),
    (places._US_ZIP_HINT, places._US_ZIP),
    (places._ZIP_PLUS4_HINT, places._ZIP_PLUS4),
    (places._EU_HINT, places._EU_POSTCODE),
]


def _texts() -> list[str]:
    return phrases_in_filler(random.Random(4), CODES, FILLER, repeats=4, cases=(str, str.upper, str.lower))


def _every_pattern(text: str) -> int:
    spans = [m.span() for _, pattern in PAIRS for m in pattern.finditer(text)]
    spans += [m.span("code") for m in places._POSTCODE_CUE.finditer(text)]
    return places.count_mentions(spans)


@pytest.mark.parametrize("text", _texts())
def test_hints_skip_only_texts_without_a_match(text: str) -> None:
    for hint, pattern in PAIRS:
        assert hint.search(text) or not pattern.search(text), pattern.pattern[:40]
    assert places.count_postcodes(text) == _every_pattern(text)


def test_the_table_exercises_every_pattern() -> None:
    texts = _texts()
    for _, pattern in [*PAIRS, (None, places._POSTCODE_CUE)]:
        assert any(pattern.search(t) for t in texts), pattern.pattern[:40]
