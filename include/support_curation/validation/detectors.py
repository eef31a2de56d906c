"""Residual-PII detectors for redacted text, independent of the redactor.

They are deliberately a second, different implementation (regexes, checksums and ``phonenumbers``,
never Presidio or ``support_curation.redaction``), so one bug cannot hide a leak in both. They return
counts only, so the values they find never leave this module. Precision matters as much as recall:
a false alarm quarantines a whole batch, so placeholders, dates, times, prices, quantities and order
numbers must not trip them. Every pattern is compiled once at import; the hot path is a tight loop.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DETECTORS: tuple[str, ...] = ("email", "phone", "card", "iban", "ssn")

# Redactor output such as <EMAIL_1> or <PERSON>; masked first so its digits never join a number.
_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
# US SSN with consistent separators; bare 9-digit runs are far more often order or account numbers.
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
# Case-insensitive because call transcripts are lower case; the exact per-country length and
# mod-97 keep precision (a trailing word swallowed by the pattern is cut off by the length).
_IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}", re.IGNORECASE)
# Dates and clock times look like phone numbers to a digit scanner (2024-01-02 10 is ten digits).
_DATE_TIME = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)"
)
# A maximal run of digits joined by at most two separator characters (possessive: no backtracking),
# with a phone extension ("x596", "ext. 12") allowed at its end.
_DIGIT_RUN = re.compile(
    r"(?<![\w+])\+?\d(?:[ \t().-]{0,2}\d)*+(?P<ext>[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?(?!\w)",
    re.IGNORECASE,
)
# "+44 (0)20 ...": the trunk zero some write after the country code is not dialled.
_TRUNK_IN_BRACKETS = re.compile(r"\(0\)")
# Words that say the next number is a phone or a card number: then a bare digit string counts too.
_PHONE_CUE = re.compile(
    r"(?:phone|mobile|cell|tel|telephone|call|ring|text|whatsapp|number|reach|contact)\b[^\d\n]{0,20}$",
    re.IGNORECASE,
)
_CARD_CUE = re.compile(
    r"(?:card|visa|mastercard|maestro|amex|debit|credit|jcb|discover)\b[^\d\n]{0,20}$", re.IGNORECASE
)
_GROUP = re.compile(r"\+?\d+")
_PHONE_LIKE = re.compile(r"[+\d\s().-]+")
_NON_DIGIT = re.compile(r"\D")
_DIGIT = re.compile(r"\d")
# Every date and time form holds a digit, one of "-/.:" and a digit in a row: a text without that has
# none, found by a search that skips to digits (the patterns' lookbehinds make the engine try each
# character). Same for an SSN: a digit, a separator, two digits, a separator, a digit.
_DATE_TIME_HINT = re.compile(r"\d[-/.:]\d")
_SSN_HINT = re.compile(r"\d[- ]\d\d[- ]\d")

# ISO 13616 lengths; an unknown country code is not an IBAN (guessing lengths costs precision).
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29,
    "VG": 24, "XK": 20,
}  # fmt: skip
# National formats (trunk prefix 0) tried for numbers written without a country code.
_TRUNK_REGIONS: tuple[str, ...] = ("GB", "DE", "FR", "IT", "NL", "BE", "AT", "CH", "IE")


def count_mentions(spans: Iterable[tuple[int, int]]) -> int:
    """Mentions among character spans: overlapping spans (two detectors' views of one value) count once."""
    count, end = 0, -1
    for start, stop in sorted(spans):
        if start >= end:
            count += 1
        end = max(end, stop)
    return count


def luhn_valid(digits: str) -> bool:
    """ISO/IEC 7812 check digit (``digits`` holds digits only)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(compact: str) -> bool:
    """Known country, its exact length, and the mod-97 check (``compact``: upper case, no spaces)."""
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(" ", text)


def _count_ibans(text: str) -> int:
    return _ibans_masked(text)[0]


def _ibans_masked(text: str) -> tuple[int, str]:
    """(valid IBANs, ``text`` with every IBAN-shaped match masked as ``_mask`` would), in one pass."""
    hits = 0
    parts: list[str] = []
    last = 0
    for match in _IBAN.finditer(text):
        compact = match.group().replace(" ", "").upper()
        length = _IBAN_LENGTHS.get(compact[:2])
        if length and len(compact) >= length and iban_valid(compact[:length]):
            hits += 1
        parts += (text[last : match.start()], " ")
        last = match.end()
    if not parts:
        return hits, text
    parts.append(text[last:])
    return hits, "".join(parts)


def _windows(groups: Sequence[str], min_digits: int, max_digits: int) -> Iterable[list[str]]:
    """Contiguous group sequences of a digit run, so a number next to another one is still seen."""
    for start in range(len(groups)):
        if start and groups[start].startswith("+"):
            continue
        size = 0
        for end in range(start, len(groups)):
            size += len(groups[end].lstrip("+"))
            if size > max_digits:
                break
            if size >= min_digits:
                yield list(groups[start : end + 1])


def _is_card(groups: Sequence[str], cued: bool = False) -> bool:
    digits = "".join(groups)
    if digits.startswith("+") or not luhn_valid(digits):
        return False
    if len(digits) < 13:
        # 12-digit Maestro numbers look like any order number: only after a word for a card
        return cued and digits[0] in "56"
    # Issuer prefixes 2-6 (Mastercard 2-series, Amex, Visa, Mastercard, Discover), JCB's 1800 and 2131.
    return digits[0] in "23456" or (len(digits) == 15 and digits.startswith("1800"))


def _nanp(national: str) -> bool:
    """North American numbering plan shape: NXX NXX XXXX, no N11 service codes.

    Structural rather than ``is_valid_number``: area codes get assigned over time, and a leak of a
    number in a newly assigned area code must still be caught.
    """
    return (
        len(national) == 10
        and national[0] in "23456789"
        and national[3] in "23456789"
        and national[1:3] != "11"
    )


# Groupings people use for NANP numbers: 338 783 1033, 1 338 783 1033, or digit by digit when spoken.
_NANP_GROUPINGS: frozenset[tuple[int, ...]] = frozenset({(3, 3, 4), (1, 3, 3, 4), (3, 7), (1, 3, 7)})


def _is_phone(groups: Sequence[str], cued: bool = False) -> bool:
    """A phone number; bare digit strings count only with a country or trunk prefix, or a cue word."""
    joined = "".join(groups)
    if joined.startswith(("+", "00")):
        try:
            parsed = phonenumbers.parse("+" + joined.lstrip("+").removeprefix("00"), None)
        except phonenumbers.NumberParseException:
            return False
        if parsed.country_code == 1:
            return _nanp(str(parsed.national_number))
        # Possible rather than valid: "+" and a country code already say phone, and ranges get
        # assigned over time; a leak in a newly opened range must still be caught.
        return phonenumbers.is_possible_number(parsed)
    if joined.startswith("0"):
        for region in _TRUNK_REGIONS:
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(joined, region)):
                    return True
            except phonenumbers.NumberParseException:
                continue
        return False
    lengths = tuple(len(g) for g in groups)
    if lengths in _NANP_GROUPINGS or (len(groups) > 1 and set(lengths) == {1}) or cued:
        return _nanp(joined[1:] if len(joined) == 11 and joined[0] == "1" else joined)
    return False  # an order, account or ticket number, or a quantity


def _count_digit_runs(text: str) -> tuple[int, int]:
    """(card hits, phone hits) over the digit runs of ``text``; a run counts once per kind."""
    cards = phones = 0
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        if match.group("ext"):
            run = run[: match.start("ext") - match.start()]
        run = _TRUNK_IN_BRACKETS.sub("", run)
        if len(_NON_DIGIT.sub("", run)) < 7:
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        groups = _GROUP.findall(run)
        card_cue = _CARD_CUE.search(before) is not None
        if any(_is_card(w, card_cue) for w in _windows(groups, 12 if card_cue else 13, 19)):
            cards += 1
            continue
        phone_cue = _PHONE_CUE.search(before) is not None
        if any(_is_phone(w, phone_cue) for w in _windows(groups, 7, 15)):
            phones += 1
    return cards, phones


def scan(text: str) -> dict[str, int]:
    """Counts of residual identifiers per detector in ``text`` (keys: :data:`DETECTORS`)."""
    counts = dict.fromkeys(DETECTORS, 0)
    if not text:
        return counts
    text = _mask(text, _PLACEHOLDER)
    if "@" in text:
        counts["email"] = len(_EMAIL.findall(text))
        text = _mask(text, _EMAIL)
    if not _DIGIT.search(text):
        return counts
    # Masked even when mod-97 fails, so the groups of a mistyped IBAN cannot pass as a card number.
    counts["iban"], text = _ibans_masked(text)
    counts["ssn"] = len(_SSN.findall(text)) if _SSN_HINT.search(text) else 0
    if counts["ssn"]:
        text = _mask(text, _SSN)
    if _DATE_TIME_HINT.search(text):
        text = _mask(text, _DATE_TIME)
    counts["card"], counts["phone"] = _count_digit_runs(text)
    return counts


def _normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


@lru_cache(maxsize=65536)
def _digit_variants(identifier: str) -> tuple[str, ...]:
    """Digit forms of a phone-like identifier: as written, and its national number (with trunk 0)."""
    if not _PHONE_LIKE.fullmatch(identifier):
        return ()
    digits = _NON_DIGIT.sub("", identifier)
    if len(digits) < 7:
        return ()
    variants = {digits}
    try:
        parsed = phonenumbers.parse(identifier, None if identifier.lstrip().startswith("+") else "US")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and len(str(parsed.national_number)) >= 7:
        variants |= {str(parsed.national_number), "0" + str(parsed.national_number)}
    return tuple(sorted(variants))


def _word_bounded_in(needle: str, haystack: str) -> bool:
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before_ok = start == 0 or not (needle[0].isalnum() and _is_word(haystack[start - 1]))
        after_ok = end == len(haystack) or not (needle[-1].isalnum() and _is_word(haystack[end]))
        if before_ok and after_ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def count_known_identifiers(text: str, identifiers: Iterable[str]) -> int:
    """How many of the record's own identifiers appear in ``text``.

    Case-insensitive, word-bounded and whitespace-normalised; phone-like identifiers also match by
    their digits, however they are grouped or spoken ("0 7 1 2 ..."). Blank or one-character
    identifiers are ignored: they would match ordinary words and carry no identity on their own.
    """
    identifiers = [i for i in identifiers if i and len(i.strip()) > 1]
    if not identifiers or not text:
        return 0
    normalised = _normalise(text)
    runs: list[str] | None = None
    hits = 0
    for identifier in identifiers:
        if _word_bounded_in(_normalise(identifier), normalised):
            hits += 1
            continue
        variants = _digit_variants(identifier)
        if not variants:
            continue
        if runs is None:
            masked = _mask(text, _PLACEHOLDER)
            runs = [_NON_DIGIT.sub("", m.group()) for m in _DIGIT_RUN.finditer(masked)]
        if any(v in run for v in variants for run in runs):
            hits += 1
    return hits
