"""The redactor reads disguised values (#14 item 5): detection on a normalised view, replacement in the
original text, zero-width characters and all; plain turns are untouched by the view."""

from __future__ import annotations

import pytest

from support_curation.redaction.analysis import Span
from support_curation.redaction.normalise import View, view

ZW = "\u200b"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"write to ja{ZW}ne.doe@exa{ZW}mple.com please", "write to <EMAIL_1> please"),
        ("mail jane dot doe at example dot com today", "mail <EMAIL_1> today"),
        (f"card {_fullwidth('5174 3915 0008 0637')} thanks", "card <CREDIT_CARD_1> thanks"),
        ("My name is J\u043ehn Sm\u0456th.", "My name is <PERSON_1>."),
        (f"call me on +44 20 7946 {ZW}0000", "call me on <PHONE_1>"),
    ],
)
def test_disguised_values_are_redacted_in_the_original(redactor, text: str, expected: str) -> None:
    result = redactor.redact_conversation([{"role": "customer", "content": text}])
    assert result.messages[0]["content"] == expected


@pytest.mark.parametrize(
    "text",
    ["plain ascii: call 020 7946 0000", "Grüße aus München, Straße 5", "Привет", "", "tab\tand\nnewline"],
)
def test_a_plain_turn_is_its_own_view(text: str) -> None:
    assert view(text) == View(text, text)


def test_spans_map_back_onto_the_original_characters() -> None:
    original = f"mail ja{ZW}ne dot doe at example dot com now"
    seen = view(original)
    start = seen.text.index("jane.doe@")
    end = seen.text.index(".com") + 4
    (mapped,) = seen.to_original([Span(start, end, "EMAIL_ADDRESS", 1.0)])
    assert original[mapped.start : mapped.end] == f"ja{ZW}ne dot doe at example dot com"
    assert seen.to_original([Span(0, 4, "X", 1.0)]) == [Span(0, 4, "X", 1.0)]
