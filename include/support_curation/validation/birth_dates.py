"""Residual dates of birth: a date counts only with birth named near it, before or after.

Why: most dates in support conversations are order, delivery or appointment dates and carry no
identity; a date of birth is one of the three values (with a name and a postcode) that single out
most people. The gate reads the date in every written form (numeric with any separator, ISO, day and
month names in either order, ordinals), on normalised text, and needs a birth cue within a few
words. Counts only.
"""

from __future__ import annotations

import re

from support_curation.validation.detectors import count_mentions

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"(?:{_DAY}[./\- ](?:0?[1-9]|1[0-2])[./\- ](?:{_YEAR}|\d{{2}})"  # 03/04/1985, 3.4.85
    rf"|(?:0?[1-9]|1[0-2])[./\-]{_DAY}[./\-](?:{_YEAR}|\d{{2}})"  # 04-03-1985 (US order)
    rf"|{_YEAR}[./\-](?:0?[1-9]|1[0-2])[./\-](?:0?[1-9]|[12]\d|3[01])"  # 1985-04-03
    rf"|{_DAY}(?:\s+of)?\s+(?:{_MONTHS})\.?,?\s+(?:{_YEAR}|'?\d{{2}})"  # 3rd of April 1985
    rf"|(?:{_MONTHS})\.?\s+{_DAY},?\s+(?:{_YEAR}|'?\d{{2}})"  # April 3, 1985
    rf"|{_DAY}(?:\s+of)?\s+(?:{_MONTHS})|(?:{_MONTHS})\s+{_DAY})"  # a birthday without a year
)
_CUE = (
    r"born|birth|dob|d\.o\.b\.?|birthday|birthdate|bday|b-day|geboren|geburtsdatum|né|née|"
    r"naissance|nacido|nacida|nato|nata|fecha\s+de\s+nacimiento"
)
# cue, at most five words, the date; or the date, at most three words, the cue
_BEFORE = re.compile(rf"(?<!\w)(?:{_CUE})(?!\w)(?:\W+\w+){{0,5}}?\W+(?P<date>{_DATE})(?!\w)", re.IGNORECASE)
# Every date form starts with a digit or a month's initial: this lookahead turns other positions away
# at once, where the engine would try each form (same matches, a quarter of the time).
_DATE_START = "(?=[\\d" + "".join(sorted({month[0] for month in _MONTHS.split("|")})) + "])"
_AFTER = re.compile(
    rf"(?<!\w){_DATE_START}(?P<date>{_DATE})(?!\w)(?:\W+\w+){{0,3}}?\W+(?:{_CUE})(?!\w)", re.IGNORECASE
)
_HINT = re.compile(rf"(?<!\w)(?:{_CUE})(?!\w)", re.IGNORECASE)
# A piece of every cue written in ASCII: an ASCII text whose lower-cased form holds none of them has no
# cue, found by substring searches instead of a case-insensitive scan that tries every position (on
# ASCII text IGNORECASE is plain ASCII case folding; "né" and "née" cannot occur in ASCII text).
_ASCII_CUE_PARTS = (
    "born", "birth", "dob", "d.o.b", "bday", "b-day", "geboren", "geburtsdatum", "naissance", "nacid",
    "nato", "nata", "fecha",
)  # fmt: skip
_DIGIT = re.compile(r"\d")  # every date form needs one; a search is cheaper than a loop over characters


def _has_cue(text: str) -> bool:
    if text.isascii():
        lowered = text.lower()
        if not any(part in lowered for part in _ASCII_CUE_PARTS):
            return False
    return _HINT.search(text) is not None


def count_birth_dates(text: str) -> int:
    """Dates with a birth cue near them; one date counts once, whichever side its cue is on."""
    if not _DIGIT.search(text) or not _has_cue(text):
        return 0
    spans = {m.span("date") for m in _BEFORE.finditer(text)}
    spans |= {m.span("date") for m in _AFTER.finditer(text)}
    return count_mentions(spans)
