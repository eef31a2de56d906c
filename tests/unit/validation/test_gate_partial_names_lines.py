"""``count_partial_names`` reads placeholder neighbours line by line and speaker prefixes by their line
break: the count must be that of the two patterns over the whole text."""

from __future__ import annotations

import random

import pytest

from support_curation.validation import gate, names

LINES = [
    "Sarah: hi, my parcel is late",
    "Customer: it was sent to <PERSON_1> Whitfield",
    "Kónya, <PERSON_2> and <PERSON_3> signed",
    "Thanks <PERSON_1>, Daniel will call",
    "<PERSON> & Margaret are both on the account",
    "Agent: noted. Emily: ok",
    "Smith and",
    "<PERSON_4> or Jones, and Olivia",
    "Will: yes",
    "nothing here at all",
    "Élodie: bonjour <PERSON_5>",
]


def _reference(text: str) -> int:
    """Both patterns over the whole text, as the count read them before."""
    count = 0
    if "<PERSON" in text:
        for match in names._NEXT_TO_PERSON.finditer(text):
            count += 1 if names._name_like(match.group("after") or match.group("before")) else 0
    for match in names._SPEAKER.finditer(text):
        word = match.group("name")
        count += 1 if names._is_first(word) and names._name_like(word, ordinary=names.SPEAKER_ZIPF) else 0
    return count


def _texts() -> list[str]:
    rng = random.Random(9)
    texts = []
    for _ in range(200):
        lines = rng.sample(LINES, rng.randint(1, 6))
        texts.append(rng.choice(["\n", " ", "\n\n", "\r\n"]).join(lines))
    return [gate.normalise(t) for t in texts]


@pytest.mark.parametrize("text", _texts())
def test_counts_as_over_the_whole_text(text: str) -> None:
    assert names.count_partial_names(text) == _reference(text)


def test_the_table_counts_both_ways() -> None:
    assert names.count_partial_names("Sarah: hi") == 1  # a speaker on the first line
    assert names.count_partial_names("ok\nSarah: hi") == 1
    assert names.count_partial_names("sent to <PERSON_1> Johnson") == 1
    assert sum(map(_reference, _texts())) > 200
