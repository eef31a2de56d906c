"""``normalise`` turns an ASCII text away from the spelled-email scan by substring searches first: a
text it turns away must be one the case-insensitive hint pattern finds nothing in."""

from __future__ import annotations

import random

import pytest

from support_curation.validation import normalise

PIECES = [
    "jane dot doe at example dot com", "JANE DOT DOE AT EXAMPLE DOT COM", "jane (at) example (dot) org",
    "jane[at]example[dot]net", "bob { AT } mail.de", "jane @ example.com", "jane@ example.com",
    "x @y", "dotted line", "a.dot", "<PERSON_1> at <ORG_1>", "meet me at the office", "<at>", "( at)",
    "Dot.", "ordinary words only", "thanks <PERSON_2>, see you", "at\t(at\t)",
]  # fmt: skip


def _texts() -> list[str]:
    rng = random.Random(2)
    texts = list(PIECES)
    for _ in range(300):
        texts.append(rng.choice([" ", "\n", ", "]).join(rng.sample(PIECES, rng.randint(1, 4))))
    return texts


@pytest.mark.parametrize("text", _texts())
def test_precheck_turns_away_only_texts_without_a_hint(text: str) -> None:
    hinted = normalise._SPELLED_HINT.search(text) is not None
    assert normalise._ascii_may_be_spelled(text) or not hinted
    reference = text if text.isascii() and not hinted else normalise.normalise_with_offsets(text)[0]
    assert normalise.normalise(text) == reference


def test_the_table_holds_hints_and_texts_without() -> None:
    found = [normalise._SPELLED_HINT.search(t) is not None for t in PIECES]
    assert 0 < sum(found) < len(found)
    assert normalise.normalise("jane dot doe at example dot com") == "jane.doe@example.com"
