"""Pattern recognizers on windows of long texts (``redaction.windows``): where the windows lie, and that
a recognizer finds on them exactly what it finds on the whole text, at the whole text's offsets."""

from __future__ import annotations

import pytest
from faker import Faker

from support_curation.redaction import windows as w
from support_curation.redaction.analysis import analyze
from support_curation.redaction.recognizers.email_address import EmailAddressRecognizer
from support_curation.redaction.recognizers.reference_numbers import OrderNumberRecognizer
from support_curation.redaction.recognizers.short_number import ShortNumberRecognizer

FILLER = "We have reviewed the matter with the Customer Experience Team and will write again soon. "


def long_text(*middle: str, repeat: int = 12) -> str:
    return FILLER * repeat + " ".join(middle) + " " + FILLER * repeat


def found(recognizer: object, text: str, *, windowed: bool) -> list[tuple[int, int, str, float]]:
    spans = analyze([recognizer], text, 0.0, windowed=windowed)
    return sorted((s.start, s.end, s.entity, s.score) for s in spans)


def test_a_text_without_digits_has_no_digit_window() -> None:
    text = long_text("Nothing numeric here at all.")
    assert w.windows(text, w.DIGIT) == []
    assert w.plan(text, w.DIGIT) == []  # long, no anchor: the recognizer has nothing to read
    assert found(OrderNumberRecognizer(), text, windowed=True) == []


def test_windows_start_and_end_at_whitespace_and_cover_the_margin() -> None:
    text = long_text("Your order number is 4417-2231 as agreed.")
    ((start, end),) = w.windows(text, w.DIGIT)
    at = text.index("4417")
    assert start <= at - w.MARGIN and end >= text.index("2231") + 4 + w.MARGIN
    assert start == 0 or text[start - 1].isspace()
    assert end == len(text) or text[end].isspace()


def test_overlapping_windows_are_joined_and_distant_ones_kept_apart() -> None:
    near = long_text("order 12345 and order 67890 went out.")
    assert len(w.windows(near, w.DIGIT)) == 1
    far = FILLER * 10 + "order 12345. " + FILLER * 10 + "order 67890. " + FILLER * 10
    spans = w.windows(far, w.DIGIT)
    assert len(spans) == 2 and spans[0][1] < spans[1][0]


def test_a_match_at_a_window_edge_is_found_at_the_text_offset() -> None:
    # a margin of a few characters puts the cue words at the window's very edge
    text = long_text("order number 55501234 shipped")
    spans = w.windows(text, w.DIGIT, margin=1)
    window = text[spans[0][0] : spans[0][1]]
    assert window.startswith("number") or window.startswith("55501234")  # the cue is cut off
    recognizer = OrderNumberRecognizer()
    whole = found(recognizer, text, windowed=False)
    assert [text[s:e] for s, e, _, _ in whole] == ["55501234"]
    assert found(recognizer, text, windowed=True) == whole  # the real margin keeps the cue


def test_context_words_before_the_value_still_boost_it() -> None:
    """The context boost reads the whole text before the value, whichever window found it."""
    text = long_text("Please check the order, reference 4417 arrived damaged.")
    recognizer = ShortNumberRecognizer()
    assert found(recognizer, text, windowed=True) == found(recognizer, text, windowed=False)


def test_short_texts_and_windows_covering_most_of_the_text_run_whole() -> None:
    assert w.plan("order 12345, thanks", w.DIGIT) is None
    dense = " ".join(f"item {i} costs {i * 7} dollars." for i in range(200))
    assert len(dense) >= w.MIN_CHARS and w.plan(dense, w.DIGIT) is None


@pytest.mark.parametrize("seed", range(4))
def test_windowed_recognizers_find_what_they_find_on_the_whole_text(seed: int) -> None:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    values = [
        f"my email is {fake.email()}",
        f"reach me at {fake.user_name()} at gmail dot com",
        f"order number {fake.numerify('########')}",
        f"call {fake.numerify('(###) ###-####')}",
        f"I live at {fake.street_address()}, {fake.city()} {fake.postcode()}",
        f"account no. {fake.bothify('AC-#######')}",
        f"the login came from {fake.ipv4()} and then {fake.ipv6()}",
    ]
    paragraphs = [fake.paragraph(nb_sentences=6) for _ in range(30)]
    for i, value in enumerate(values):
        paragraphs.insert(5 * i + 2, value + ".")
    text = "\n\n".join(paragraphs)
    assert w.plan(text, w.DIGIT), "the text should be windowed, or this test compares nothing"
    from support_curation.redaction.engine import project_recognizers

    available = project_recognizers()
    names = [n for n in w.WINDOWED if n in available]
    assert EmailAddressRecognizer.__name__ in names
    hits = set()
    for name in names:
        recognizer = available[name]()
        assert w.anchor_of(recognizer) is not None, name
        whole = found(recognizer, text, windowed=False)
        assert found(recognizer, text, windowed=True) == whole, name
        hits |= {name} if any(score >= 0.45 for *_, score in whole) else set()
    # the planted values were found, so the comparison compared something
    assert {"EmailAddressRecognizer", "OrderNumberRecognizer", "IpAddressRecognizer"} <= hits
