"""The redactor's parts on their own (pure functions, no spaCy): value keys, known identifiers as
deny-list recognizers, placeholders, topics and the shared frequency table."""

from __future__ import annotations

import pytest

from support_curation.redaction.analysis import Span
from support_curation.redaction.frequency import ZIPF
from support_curation.redaction.known import known_recognizers, known_spans
from support_curation.redaction.placeholders import replace
from support_curation.redaction.policy import Topic
from support_curation.redaction.topics import TopicFlagger
from support_curation.redaction.values import mostly_digits, normalise


@pytest.mark.parametrize(
    ("value", "minimum", "digits"),
    [
        ("415-555-0134", 7, "4155550134"),
        ("(415) 555 0134", 7, "4155550134"),
        ("a/c 4417 5521", 7, "44175521"),  # two letters may stand in a number
        ("acct 4417 5521", 7, None),  # four may not
        ("12345", 7, None),
        ("12345", 5, "12345"),
        ("jane doe", 5, None),
    ],
)
def test_mostly_digits(value: str, minimum: int, digits: str | None) -> None:
    assert mostly_digits(value, minimum) == digits


@pytest.mark.parametrize(
    ("value", "key"),
    [("415 555 0134", "4155550134"), ("Jane  DOE", "jane doe"), ("AB-12", "ab-12")],
)
def test_normalise_keys_a_value_however_written(value: str, key: str) -> None:
    assert normalise(value) == key


@pytest.mark.parametrize(
    ("known", "text", "found"),
    [
        ({"PHONE": ["4155550134"]}, "call 415 555 0134 or (415) 555-0134", ["415 555 0134", "415) 555-0134"]),
        ({"PERSON": ["Jane Doe"]}, "JANE   doe called; janet did not", ["JANE   doe"]),
        (["jane@example.org", "Jane Doe", "AB-1234"], "jane@example.org, jane doe, ab-1234", None),
        ({"PERSON": ["x", ""]}, "x marks the spot", []),  # too short to search for
    ],
)
def test_known_identifiers_are_deny_list_recognizers(known, text: str, found: list[str] | None) -> None:
    recognizers = known_recognizers(known)
    (spans,) = known_spans(recognizers, [text])
    values = [text[s.start : s.end] for s in sorted(spans, key=lambda s: s.start)]
    if found is None:  # a plain list is typed by the look of each value
        assert values == ["jane@example.org", "jane doe", "ab-1234"]
        assert [s.entity for s in sorted(spans, key=lambda s: s.start)] == ["EMAIL", "PERSON", "ID_NUMBER"]
    else:
        assert values == found
    assert all(s.score == 1.0 for s in spans)


def test_placeholders_number_values_in_reading_order_across_turns() -> None:
    texts = ["I'm Jane Doe, 415 555 0134", "jane again: 415-555-0134", "mail x@y.org"]
    spans = [
        [Span(4, 12, "PERSON", 0.9), Span(14, 26, "PHONE_NUMBER", 0.9)],
        [Span(0, 4, "PERSON", 0.9), Span(12, 24, "PHONE_NUMBER", 0.9)],
        [Span(5, 12, "EMAIL_ADDRESS", 0.9)],
    ]
    out, counts = replace(texts, spans, {"PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL"})
    assert out == ["I'm <PERSON_1>, <PHONE_1>", "<PERSON_1> again: <PHONE_1>", "mail <EMAIL_1>"]
    assert counts == {"PERSON": 2, "PHONE": 2, "EMAIL": 1}


def test_topics_flag_whole_words_and_take_the_strictest_action() -> None:
    flag = TopicFlagger(
        {
            "health": Topic(action="keep", keywords=["surgery"]),
            "vulnerability": Topic(action="review", keywords=["funeral"]),
        }
    )
    assert flag(["after my surgery", "the funeral was"]) == (["health", "vulnerability"], "review")
    assert flag(["surgeryish words"]) == ([], "keep")


def test_frequency_table_is_ordered() -> None:
    """The cut-offs are read as a scale: each stricter than the next."""
    values = list(vars(ZIPF).values())
    assert values == sorted(values)
    assert len(set(values)) == len(values)
