"""The shortcuts taken for speed must not change what is redacted (pure functions, no spaCy)."""

from __future__ import annotations

import re

import pytest

from support_curation.redaction.analysis import Span, ambiguous_capital
from support_curation.redaction.placeholders import merge
from support_curation.redaction.propagation import _mentioned_again, _word_mentions
from support_curation.redaction.values import flexible


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Jane said: jane, JANE! (jane) janet jane_x xjane jane.", "jane"),
        ("mail a.b@example.com or A.B@EXAMPLE.COM, not xa.b@example.com", "a.b@example.com"),
        ("", "jane"),
        ("jane", "jane"),
    ],
)
def test_plain_word_search_matches_the_pattern(text: str, value: str) -> None:
    pattern = re.compile(flexible(value), re.IGNORECASE)
    assert _word_mentions(text.lower(), value) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("value", "texts", "again"),
    [
        ("jane", ["hi jane", "bye"], False),
        ("jane", ["hi jane", "JANE again"], True),
        ("4155550134", ["call 415 555 0134", "or 415-555-0134"], True),
        ("4155550134", ["call 415 555 0134", "thanks"], False),
    ],
)
def test_mentioned_again_never_misses_a_second_mention(value: str, texts: list[str], again: bool) -> None:
    joined = "\n".join(texts).lower()
    assert _mentioned_again(value, joined, re.sub(r"\D", "", joined)) is again


@pytest.mark.parametrize(
    ("word", "ambiguous"),
    [("Will", True), ("Grant", True), ("Sumarlidason", True), ("Monday", False), ("Windows", False)],
)
def test_ner_gate_words(word: str, ambiguous: bool) -> None:
    assert ambiguous_capital(word) is ambiguous


def test_overlapping_mentions_merge_into_one_span() -> None:
    spans = [Span(0, 8, "PERSON", 0.9), Span(0, 4, "PERSON", 0.9), Span(5, 8, "PERSON", 0.9)]
    assert merge(spans) == [Span(0, 8, "PERSON", 0.9)]
