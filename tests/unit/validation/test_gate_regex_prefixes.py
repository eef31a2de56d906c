"""Lookaheads on a match's first character make the gate's slowest patterns cheaper, not different.

Each prefixed pattern must find exactly the spans the same pattern without its lookahead finds.
"""

from __future__ import annotations

import re

import pytest

from support_curation.validation import birth_dates, places

TEXTS = [
    "I was born on 3rd of April 1985, and my birthday is APRIL 3",
    "03/04/1985 is my date of birth; 1985-04-03 too. DOB 4.3.85",
    "Sept 9, 1990 - that's my birth date. dec 25 is my bday",
    "the order from 12 May arrived, my date of birth: 1 feb 2001",
    "I live at 12 rue de la Paix, or Via Roma 10, or Calle de Marisol Salvà 21",
    "Strada Bruscantini, 9 and PIAZZA Navona 3; 5 Avenue des Champs, travessa do Carmo 7",
    "plain text with no street or date at all: route planning, via email, largo",
]
PLAIN_AFTER = re.compile(
    rf"(?<!\w)(?P<date>{birth_dates._DATE})(?!\w)(?:\W+\w+){{0,3}}?\W+(?:{birth_dates._CUE})(?!\w)",
    re.IGNORECASE,
)
PLAIN_ROMANCE = re.compile(
    rf"(?<![\w/.-])\d{{1,4}}(?:\s*(?:bis|ter|[a-z]))?,?[ \t]+(?i:{places._ROMANCE_TYPES})[ \t]+"
    rf"{places._ROMANCE_NAME}"
    rf"|\b(?i:{places._ROMANCE_TYPES})[ \t]+{places._ROMANCE_NAME},?[ \t]+(?:n\.?\s*[º°o]?\s*)?\d{{1,4}}\b"
)


@pytest.mark.parametrize("text", [*TEXTS, *(t.upper() for t in TEXTS), *(t.lower() for t in TEXTS)])
def test_prefixed_patterns_find_the_same_spans(text: str) -> None:
    assert [m.span() for m in birth_dates._AFTER.finditer(text)] == [
        m.span() for m in PLAIN_AFTER.finditer(text)
    ]
    assert [m.span() for m in places._ROMANCE_STREET.finditer(text)] == [
        m.span() for m in PLAIN_ROMANCE.finditer(text)
    ]


def test_the_table_exercises_both_patterns() -> None:
    assert sum(len(PLAIN_AFTER.findall(t)) for t in TEXTS) >= 3
    assert sum(len(PLAIN_ROMANCE.findall(t)) for t in TEXTS) >= 4
