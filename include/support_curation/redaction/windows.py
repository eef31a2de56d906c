"""Pattern recognizers run on windows of a long text: only the stretches where they can match.

A recognizer's patterns scan the whole text, while on a long email or ticket its matches need an
anchor that stands in a few places only: a digit for the reference numbers, codes, postcodes and
addresses (``NEEDS_DIGIT``), an "@", a spoken " dot " or a mail provider for the email recognizer
(its ``TRIGGER``). Each such recognizer runs on the anchors' surroundings instead: ``MARGIN``
characters either side of every anchor, widened to whitespace, overlapping windows joined; its results
are offset back into the text.

Why the results are the same as on the whole text: every match of a recognizer listed in ``WINDOWED``
holds its anchor and stays, with the text it reads around itself (lookarounds, a cue word before a
number, Presidio's validation of the value), well inside ``MARGIN`` characters of it; and a window
begins and ends at whitespace, where the patterns' edge tests (``(?<![\\w.])``, ``\\b``) answer as
they do in the whole text. Recognizers that read the whole message (a message that is only a name or a
number, a sign-off at the end, a line-start author label) are not listed and run as before. Short texts
and texts whose windows would cover most of them run whole too: no gain there, and chat turns stay on
the path they always took. ``tests/unit/redaction/test_recognizer_windows.py`` holds the edge cases;
``bench/window_check.py`` compares every listed recognizer's results windowed and whole on the corpora.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import regex

if TYPE_CHECKING:
    from collections.abc import Sequence

    from presidio_analyzer import RecognizerResult

# recognizers (class names) whose matches hold their anchor (a digit, or their trigger) and read no more
# than a few words around it; "digit": NEEDS_DIGIT, "trigger": the recognizer's own TRIGGER pattern
WINDOWED: dict[str, str] = {
    "UsSsnRecognizer": "digit",
    "CreditCardNumberRecognizer": "digit",
    "IbanCodeRecognizer": "digit",
    "TicketNumberRecognizer": "digit",
    "OrderNumberRecognizer": "digit",
    "ClaimNumberRecognizer": "digit",
    "PolicyNumberRecognizer": "digit",
    "BookingReferenceRecognizer": "digit",
    "AccountNumberRecognizer": "digit",
    "StreetAddressRecognizer": "digit",
    "EuropeanAddressRecognizer": "digit",
    "PostalCodeRecognizer": "digit",
    "LongNumberRecognizer": "digit",
    "ShortNumberRecognizer": "digit",
    "SpacedCodeRecognizer": "digit",
    "AlphanumericIdRecognizer": "digit",
    "EmailAddressRecognizer": "trigger",
    "IpAddressRecognizer": "trigger",  # a dotted quad's "1.2", an IPv6 group's ":"
}
# characters of text kept either side of an anchor: the longest match with its cue words ("order
# number for the replacement is 12345", a street name before its number) reads under half of it
# (bench/window_check.py --force --margin 30 finds no difference on any corpus)
MARGIN = 100
# texts shorter than this run whole: a chat turn's windows would be most of the turn
MIN_CHARS = 800
# windows covering more than this share of the text: run it whole (slicing would only add work)
MAX_COVER = 0.8
DIGIT = regex.compile(r"\d+")
FLAGS = regex.IGNORECASE | regex.MULTILINE  # the recognizers' own (recognizers.base.FLAGS)


@cache
def _compiled(expr: str) -> regex.Pattern[str]:
    return regex.compile(expr, FLAGS)


def anchor_of(recognizer: Any) -> regex.Pattern[str] | None:
    """The pattern of the recognizer's anchors, None when it is not run on windows."""
    kind = WINDOWED.get(type(recognizer).__name__)
    if kind == "digit" and getattr(recognizer, "NEEDS_DIGIT", False):
        return DIGIT
    if kind == "trigger" and getattr(recognizer, "TRIGGER", None):
        return _compiled(recognizer.TRIGGER)
    return None


def windows(text: str, anchor: regex.Pattern[str], margin: int = MARGIN) -> list[tuple[int, int]]:
    """The stretches of text within ``margin`` characters of an anchor, widened to whitespace (a window
    starts at the text's start or after a whitespace character, ends at its end or before one), joined
    where they overlap or touch. Empty when the text holds no anchor."""
    out: list[tuple[int, int]] = []
    size = len(text)
    for match in anchor.finditer(text):
        low, high = match.start() - margin, match.end() + margin
        if out and low <= out[-1][1]:  # reaches into the previous window: extend it
            if high > out[-1][1]:
                out[-1] = (out[-1][0], _end(text, high, size))
            continue
        out.append((_start(text, low), _end(text, high, size)))
    return out


def _start(text: str, low: int) -> int:
    if low <= 0:
        return 0
    while low > 0 and not text[low - 1].isspace():
        low -= 1
    return low


def _end(text: str, high: int, size: int) -> int:
    if high >= size:
        return size
    while high < size and not text[high].isspace():
        high += 1
    return high


def plan(text: str, anchor: regex.Pattern[str]) -> list[tuple[int, int]] | None:
    """Where to run a recognizer with this anchor: its windows, or None for the whole text (short text,
    or windows covering most of it)."""
    if len(text) < MIN_CHARS:
        return None
    found = windows(text, anchor)
    if sum(end - start for start, end in found) > MAX_COVER * len(text):
        return None
    return found


def analyze_windows(
    recognizer: Any, text: str, spans: Sequence[tuple[int, int]]
) -> list[tuple[int, RecognizerResult]]:
    """The recognizer's results on each window, with the window's offset into the text."""
    entities = recognizer.supported_entities
    return [
        (start, result)
        for start, end in spans
        for result in recognizer.analyze(text[start:end], entities, None)
    ]
