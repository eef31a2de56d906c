"""Address, postcode and birth-date counts skip texts without a decimal digit by one regex search.

Every pattern of theirs needs a ``\\d``; characters ``str.isdigit`` accepts but ``\\d`` does not
(superscripts, circled numbers) can never make a match, so the shortcut changes no count.
"""

from __future__ import annotations

import pytest

from support_curation.validation.birth_dates import count_birth_dates
from support_curation.validation.places import count_addresses, count_postcodes


@pytest.mark.parametrize(
    ("text", "addresses", "postcodes", "birth_dates"),
    [
        ("I live at 12 rue de la Paix, 75002 Paris", 1, 1, 0),
        ("Send it to Hauptstraße 5, D-10115 Berlin", 1, 1, 0),
        ("my date of birth is 3rd of April 1985", 0, 0, 1),
        ("no digits here, only words: rue de la Paix, born in April", 0, 0, 0),
        ("superscripts are no digits: flat \u00b2 rue de la Paix, born on \u2464 May", 0, 0, 0),
    ],
)
def test_counts_with_and_without_decimal_digits(
    text: str, addresses: int, postcodes: int, birth_dates: int
) -> None:
    assert (count_addresses(text), count_postcodes(text), count_birth_dates(text)) == (
        addresses,
        postcodes,
        birth_dates,
    )
