"""Propagation: every value found anywhere in a conversation is redacted at all its mentions.

A customer's name found once by a cue ("my name is Jane") must also go where it stands bare ("thanks
jane"); a phone number read out in groups must go where it is typed with dashes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from support_curation.redaction.analysis import Span
from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import is_name
from support_curation.redaction.values import (
    MATCHED_DIGITS,
    SEARCH_DIGITS,
    flexible_search,
    flexible_starts,
    leftmost_first,
    mostly_digits,
)

PROPAGATED_SCORE = 0.9
MIN_VALUE = 3  # shorter values ("jo", "42") would match all over the conversation
# joins a conversation's turns for one search per value: no part of a ``flexible`` pattern matches it
# (it is neither a word character, a digit, whitespace nor a separator of digits), so a turn's edges
# read as a text's own start and end
SEPARATOR = "\x00"


def propagate(texts: list[str], spans: list[list[Span]]) -> None:
    """Redact every mention of every value found anywhere in the conversation (in place)."""
    values: dict[str, str] = {}
    for text, text_spans in zip(texts, spans, strict=True):
        for span in text_spans:
            value = text[span.start : span.end].strip()
            if _worth_propagating(value, span.entity):
                values.setdefault(value.lower(), span.entity)
            if span.entity == "PERSON":
                for part in value.split():
                    if (
                        part.isalpha()
                        and len(part) >= MIN_VALUE
                        and (word_frequency(part.lower()) < ZIPF.common_name or is_name(part))
                    ):
                        values.setdefault(part.lower(), "PERSON")
    # most values are mentioned once: search only those with a second possible mention (a cheap
    # substring count over-approximates the pattern), which spares compiling a pattern per conversation
    joined = "\n".join(texts).lower()
    all_digits = re.sub(r"\D+", "", joined)
    values = {v: kind for v, kind in values.items() if _mentioned_again(v, joined, all_digits)}
    if not values:
        return
    # one cached pattern per value (agents' names and macros' values recur across conversations);
    # overlapping mentions ("jane doe" and "jane") are joined by merge() afterwards
    lowered = [text.lower() for text in texts]
    same_offsets = all(len(low) == len(text) for low, text in zip(lowered, texts, strict=True))
    if any(SEPARATOR in text for text in texts):
        _search_each(texts, lowered, spans, values, same_offsets=same_offsets)
        return
    # every value searched once in the whole conversation, not once per turn: the turns joined by a
    # character that no pattern (nor a plain word search) can match or read as a word character, so
    # that each turn's edges answer as a text's start and end do and no mention spans two turns
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    joined_lowered = SEPARATOR.join(lowered)
    joined_texts = joined_lowered if same_offsets else SEPARATOR.join(texts)
    for value, kind in values.items():
        for start, end in _mentions(value, joined_lowered, joined_texts, same_offsets=same_offsets):
            i = bisect_right(starts, start) - 1
            spans[i].append(Span(start - starts[i], end - starts[i], kind, PROPAGATED_SCORE))


def _mentions(value: str, lowered: str, text: str, *, same_offsets: bool) -> list[tuple[int, int]]:
    """Where the value is mentioned in the text (``lowered``: the text lower-cased, used where its
    offsets are the text's)."""
    if same_offsets and _is_word(value):  # most values: a plain search, no pattern to compile
        return _word_mentions(lowered, value)
    if same_offsets:  # on lower-cased text the pattern is a case-sensitive one, read without compiling it
        starts = flexible_starts(lowered, value.lower())
        if starts is not None:
            return leftmost_first([starts])
        return [m.span() for m in _value_pattern(value.lower(), 0).finditer(lowered)]
    return [m.span() for m in _value_pattern(value, re.IGNORECASE).finditer(text)]


def _search_each(
    texts: list[str],
    lowered: list[str],
    spans: list[list[Span]],
    values: dict[str, str],
    *,
    same_offsets: bool,
) -> None:
    """Each value searched turn by turn (texts holding the separator ``propagate`` joins them by)."""
    for value, kind in values.items():
        for i, (text, low) in enumerate(zip(texts, lowered, strict=True)):
            spans[i] += [
                Span(start, end, kind, PROPAGATED_SCORE)
                for start, end in _mentions(value, low, text, same_offsets=same_offsets)
            ]


def _is_word(value: str) -> bool:
    """One token without digits: its mentions are its case-insensitive occurrences between non-word
    characters (what ``flexible`` would match), found without a regex."""
    return bool(value) and value == value.lower() and not any(c.isspace() or c.isdigit() for c in value)


def _word_mentions(lowered: str, value: str) -> list[tuple[int, int]]:
    found = []
    start = lowered.find(value)
    while start >= 0:
        end = start + len(value)
        before = lowered[start - 1] if start else " "
        after = lowered[end] if end < len(lowered) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            found.append((start, end))
        start = lowered.find(value, start + 1)
    return found


@lru_cache(maxsize=4096)  # values rarely recur beyond agents' names: a small cache keeps memory flat
def _value_pattern(value: str, flags: int) -> re.Pattern[str]:
    return re.compile(flexible_search(value), flags)


def _mentioned_again(value: str, joined_lower: str, all_digits: str) -> bool:
    """False only when the value cannot occur twice in the conversation (see ``flexible``)."""
    digits = mostly_digits(value, SEARCH_DIGITS)
    if digits is not None:
        return all_digits.count(digits[-MATCHED_DIGITS:]) >= 2
    words = value.lower().split()
    return bool(words) and joined_lower.count(words[0]) >= 2


def _worth_propagating(value: str, entity: str) -> bool:
    if len(value) < MIN_VALUE:
        return False
    if entity == "PERSON":
        return True
    if value.isalpha():  # a single ordinary word found once is not searched for everywhere
        return word_frequency(value.lower()) < ZIPF.rare_word
    return True
