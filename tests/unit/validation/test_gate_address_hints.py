"""``count_addresses`` runs the titled-street and PO-box patterns only where a piece all their matches
hold is found: a text it skips must be one those patterns find nothing in."""

from __future__ import annotations

import random

import pytest

from support_curation.validation import places

from .phrases_in_filler import phrases_in_filler

ADDRESSES = [
    "12 Main Street", "12a, Baker Street", "1600 Pennsylvania Avenue", "221B Baker St", "7\tOld Mill Lane",
    "PO Box 123", "p.o. box 77", "P O BOX 9", "po box 12", "Hauptstraße 5", "12 rue de la Paix",
    "Via Roma 10", "my address is 5 Elm Grove", "3 items", "order 12345 shipped", "10 Downing Street",
]  # fmt: skip
FILLER = ["please", "send", "it", "to", "the", "office", "near", "ok", "thanks", "é", "Box", "5"]


def _texts() -> list[str]:
    return phrases_in_filler(
        random.Random(6), ADDRESSES, FILLER, repeats=4, cases=(str, str.upper, str.lower)
    )


def _every_pattern(text: str) -> int:
    patterns = (places._EN_STREET, places._EN_STREET_TITLED, places._COMPOUND_STREET, places._ROMANCE_STREET)
    spans = [m.span() for pattern in (*patterns, places._PO_BOX) for m in pattern.finditer(text)]
    spans += [m.span() for m in places._ADDRESS_CUE.finditer(text) if not places._UNITS.match(text, m.end())]
    spans += [
        m.span()
        for m in places._AMBIGUOUS_COMPOUND.finditer(text)
        if places.zipf(m.group("word").lower()) < places.ORDINARY_ZIPF
    ]
    return places.count_mentions(spans)


@pytest.mark.parametrize("text", _texts())
def test_hints_skip_only_texts_without_a_match(text: str) -> None:
    assert places._EN_STREET_TITLED_HINT.search(text) or not places._EN_STREET_TITLED.search(text)
    assert places.count_addresses(text) == _every_pattern(text)


def test_the_table_exercises_both_patterns() -> None:
    texts = _texts()
    assert sum(1 for t in texts if places._EN_STREET_TITLED.search(t)) > 10
    assert sum(1 for t in texts if places._PO_BOX.search(t)) > 10
