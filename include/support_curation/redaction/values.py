"""How one value is keyed and searched for across a conversation, however its mentions are spaced."""

from __future__ import annotations

import re
from functools import lru_cache

# runs of characters rather than each one: the same text removed, a fraction of the substitutions
_NON_DIGIT = re.compile(r"\D+")
_NON_WORD = re.compile(r"\W+")
# of a number's characters, this many may be letters ("a/c 4417 55") and it is still read as a number
_LETTERS_IN_NUMBER = 2
KEY_DIGITS = 5  # a number this long is keyed by its digits alone
SEARCH_DIGITS = 7  # and this long, searched for with any separators between its digits
MATCHED_DIGITS = 10  # the last digits that identify a long number (a country code may come or go)
_SEPARATORS = r"[\s().\-/+]{0,3}"  # what may stand between a searched number's digits


# a conversation's values are keyed and tested several times over (propagation, full names, placeholders)
# and agents' names recur across conversations: cached, like the other per-word look-ups
@lru_cache(maxsize=65536)
def mostly_digits(value: str, minimum: int) -> str | None:
    """The value's digits, when it is a number of at least ``minimum`` digits however punctuated."""
    digits = _NON_DIGIT.sub("", value)
    if len(digits) >= minimum and len(digits) >= len(_NON_WORD.sub("", value)) - _LETTERS_IN_NUMBER:
        return digits
    return None


@lru_cache(maxsize=65536)
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
        return r"(?<!\d)" + _SEPARATORS.join(digits[-MATCHED_DIGITS:]) + r"(?!\d)"
    body = r"\s+".join(re.escape(part) for part in value.split())
    return rf"(?<!\w){body}(?!\w)"


def flexible_search(value: str) -> str:
    """``flexible``'s pattern written to open with the value's first character, for searching.

    A pattern that opens with a lookbehind makes ``re`` try a match at every position of the text; one
    that opens with a literal lets it skip ahead to that character (tens of times faster on long text).
    ``X(?<!\\wX)`` matches exactly where ``(?<!\\w)X`` does: the lookbehind re-reads the ``X`` just
    matched, so it fails only where a word character stands before it (and at the text's start, with no
    character before, it cannot fail). Same matches, same spans.
    """
    digits = mostly_digits(value, SEARCH_DIGITS)
    if digits is not None:
        matched = digits[-MATCHED_DIGITS:]
        first = matched[0]
        return rf"{first}(?<!\d{first})" + "".join(_SEPARATORS + d for d in matched[1:]) + r"(?!\d)"
    if not value.split():
        return flexible(value)  # no character to open with
    first_part, *parts = value.split()
    first = re.escape(first_part[0])
    body = r"\s+".join([re.escape(first_part[1:]), *(re.escape(part) for part in parts)])
    return rf"{first}(?<!\w{first}){body}(?!\w)"
