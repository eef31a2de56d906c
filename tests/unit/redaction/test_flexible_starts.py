"""``values.flexible_starts`` reads ``flexible``'s pattern without compiling it: at every position it must
find exactly the match ``re`` finds (case-sensitively, as on lower-cased text), and ``leftmost_first``
must give what ``finditer`` of the alternation gives."""

from __future__ import annotations

import random
import re

import pytest

from support_curation.redaction.propagation import _mentions
from support_curation.redaction.values import flexible, flexible_search, flexible_starts, leftmost_first

VALUES = [
    "jane doe",
    "jane",
    "doe",
    "jane  doe",
    "a-a",
    "jane.doe@example.org",
    "cminh730@email.com",
    "4155550134",
    "+1 (415) 555-0134",
    "a/c 4417 5521",
    "ab-1234",
    "x_y",
    "müller",
    "o'neil",
    "٤١٥٥٥٥٠١٣٤",
]
PIECES = [
    "jane",
    "doe",
    "jane doe",
    "jane\t\n doe",
    "janedoe",
    "jane_doe",
    "xjane",
    "a-a-a",
    "jane.doe@example.org",
    "cminh730@email.com",
    "415 555 0134",
    "+1-415-555-0134",
    "(415) 555-0134",
    "1 415 555 0134",
    "415 -- 555 .. 0134",
    "415 ---- 555 0134",
    "415+555+0134",
    "415)(555/0134",
    "44155501345",
    "4417 5521",
    "ab-1234",
    "x_y",
    "müller",
    "mülleré",
    "o'neil",
    "٤١٥٥٥٥٠١٣٤",
    "4155550134٤",
    "\x00",
    "\u00a0",
    "\u2028",
    "_",
    ".",
    ",",
    "!",
    " ",
    "  ",
]


def _texts(n: int) -> list[str]:
    rng = random.Random(3)
    texts = ["", "jane", "4155550134"]
    for _ in range(n):
        texts.append("".join(rng.choice(PIECES) + rng.choice(["", " ", "", "\x00"]) for _ in range(8)))
    return texts


TEXTS = _texts(150)


@pytest.mark.parametrize("value", VALUES)
def test_every_start_is_the_pattern_match_there(value: str) -> None:
    pattern = re.compile(flexible(value))
    for text in TEXTS:
        expected = {}
        for position in range(len(text)):
            match = pattern.match(text, position)  # lookbehinds still read the text before position
            if match is not None:
                expected[position] = match.end()
        assert flexible_starts(text, value) == expected


def test_leftmost_first_is_finditer_of_the_alternation() -> None:
    rng = random.Random(5)
    for _ in range(400):
        values = rng.sample(VALUES, rng.randint(1, 5))
        pattern = re.compile("|".join(flexible(v) for v in values))
        text = rng.choice(TEXTS)
        starts = [flexible_starts(text, v) or {} for v in values]
        assert leftmost_first(starts) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("value", [v for v in VALUES if " " in v or any(c.isdigit() for c in v)])
def test_propagation_mentions_are_the_compiled_search(value: str) -> None:
    pattern = re.compile(flexible_search(value.lower()))
    for text in TEXTS:
        lowered = text.lower()
        if len(lowered) == len(text):
            assert _mentions(value, lowered, text, same_offsets=True) == [
                m.span() for m in pattern.finditer(lowered)
            ]


def test_a_value_without_characters_has_no_starts() -> None:
    assert flexible_starts("jane", " ") is None
