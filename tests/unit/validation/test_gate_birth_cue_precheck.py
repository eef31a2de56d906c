"""The birth-date count looks for its cue by ASCII substrings first on ASCII text: a text it turns away
must be one the case-insensitive cue pattern finds nothing in, in any case and in every language."""

from __future__ import annotations

import random

import pytest

from support_curation.validation import birth_dates

from .phrases_in_filler import phrases_in_filler

CUES = [
    "born", "birth", "dob", "d.o.b", "D.O.B.", "birthday", "birthdate", "bday", "b-day", "geboren",
    "geburtsdatum", "né", "née", "naissance", "nacido", "nacida", "nato", "nata", "fecha de nacimiento",
    "fecha  de\\tnacimiento",
]  # fmt: skip
FILLER = ["my", "date", "is", "3rd", "of", "April", "1985", "order", "12/03/2020", ",", "national", "donate"]


def _texts() -> list[str]:
    rng = random.Random(7)
    cues = [cue.replace("\\t", "\t") for cue in CUES]
    cases = (str, str.upper, str.title, str.swapcase)
    return phrases_in_filler(rng, cues, FILLER, repeats=6, cases=cases) + [
        " ".join(rng.sample(FILLER, 6)) for _ in range(50)
    ]


@pytest.mark.parametrize("text", _texts())
def test_precheck_turns_away_only_texts_without_a_cue(text: str) -> None:
    assert birth_dates._has_cue(text) == (birth_dates._HINT.search(text) is not None)


def test_the_table_holds_cues_and_texts_without() -> None:
    found = [birth_dates._HINT.search(t) is not None for t in _texts()]
    assert 0 < sum(found) < len(found)
    assert birth_dates.count_birth_dates("FECHA DE NACIMIENTO: 3/4/1985") == 1
