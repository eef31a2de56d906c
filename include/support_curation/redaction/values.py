"""How one value is keyed and searched for across a conversation, however its mentions are spaced."""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"\D")
_NON_WORD = re.compile(r"\W")
# of a number's characters, this many may be letters ("a/c 4417 55") and it is still read as a number
_LETTERS_IN_NUMBER = 2
KEY_DIGITS = 5  # a number this long is keyed by its digits alone
SEARCH_DIGITS = 7  # and this long, searched for with any separators between its digits
MATCHED_DIGITS = 10  # the last digits that identify a long number (a country code may come or go)


def mostly_digits(value: str, minimum: int) -> str | None:
    """The value's digits, when it is a number of at least ``minimum`` digits however punctuated."""
    digits = _NON_DIGIT.sub("", value)
    if len(digits) >= minimum and len(digits) >= len(_NON_WORD.sub("", value)) - _LETTERS_IN_NUMBER:
        return digits
    return None


def normalise(value: str) -> str:
    """The key under which mentions of one value share a placeholder."""
    digits = mostly_digits(value, KEY_DIGITS)
    if digits is not None:
        return digits  # a number, however it was spaced or punctuated
    return " ".join(value.lower().split())


def flexible(value: str) -> str:
    """A pattern for a value in any case and spacing; numbers also with any separators."""
    digits = mostly_digits(value, SEARCH_DIGITS)
    if digits is not None:
        return r"(?<!\d)" + r"[\s().\-/+]{0,3}".join(digits[-MATCHED_DIGITS:]) + r"(?!\d)"
    body = r"\s+".join(re.escape(part) for part in value.split())
    return rf"(?<!\w){body}(?!\w)"
