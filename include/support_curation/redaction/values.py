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


def _is_word_char(c: str) -> bool:  # re's \w on str patterns
    return c.isalnum() or c == "_"


def _is_separator(c: str) -> bool:  # a character of ``_SEPARATORS``
    return c.isspace() or c in "()./-+"


def flexible_starts(text: str, value: str) -> dict[int, int] | None:
    """Every position where ``flexible(value)`` matches the text case-sensitively, with the match's end;
    None for a value without a character (no such pattern is searched for).

    The pattern, read without ``re``: its parts are literals, the runs between them (``\\s+``, a number's
    separators) can never take a character the next literal starts with, so each start has one match,
    the one its greedy runs give. The boundaries are ``re``'s own classes: ``\\w`` is ``isalnum()`` or
    "_", ``\\s`` is ``isspace()`` and ``\\d`` is ``isdecimal()``.
    """
    digits = mostly_digits(value, SEARCH_DIGITS)
    found: dict[int, int] = {}
    if digits is not None:
        matched = digits[-MATCHED_DIGITS:]
        start = text.find(matched[0])
        while start >= 0:
            end = _number_end(text, start, matched)
            if end is not None:
                found[start] = end
            start = text.find(matched[0], start + 1)
        return found
    parts = value.split()
    if not parts:
        return None
    first = parts[0]
    start = text.find(first)
    while start >= 0:
        end = _words_end(text, start, parts)
        if end is not None:
            found[start] = end
        start = text.find(first, start + 1)
    return found


def _words_end(text: str, start: int, parts: list[str]) -> int | None:
    if start and _is_word_char(text[start - 1]):
        return None
    end = start + len(parts[0])
    for part in parts[1:]:
        gap = end
        while gap < len(text) and text[gap].isspace():
            gap += 1
        if gap == end or not text.startswith(part, gap):
            return None
        end = gap + len(part)
    if end < len(text) and _is_word_char(text[end]):
        return None
    return end


def _number_end(text: str, start: int, digits: str) -> int | None:
    if start and text[start - 1].isdecimal():
        return None
    end = start + 1
    for digit in digits[1:]:
        gap = end
        while gap - end < 3 and gap < len(text) and _is_separator(text[gap]):  # {0,3}, greedy
            gap += 1
        if gap == len(text) or text[gap] != digit:
            return None
        end = gap + 1
    if end < len(text) and text[end].isdecimal():
        return None
    return end


def leftmost_first(starts: list[dict[int, int]]) -> list[tuple[int, int]]:
    """What ``finditer`` of the alternation of patterns returns, given each one's ``flexible_starts``
    (in the alternation's order): from the scan position, the leftmost start any pattern matches at,
    with the first pattern's match there; the scan then resumes at its end."""
    first: dict[int, int] = {}
    for found in starts:
        for start, end in found.items():
            first.setdefault(start, end)
    spans = []
    position = 0
    for start in sorted(first):
        if start >= position:
            spans.append((start, first[start]))
            position = first[start]
    return spans
