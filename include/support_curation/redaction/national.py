"""National formats for the non-English redactor: phone numbers (libphonenumber with the language's
region), national IDs and VAT numbers validated with python-stdnum, numeric and written dates, postcodes
and street addresses, and reference numbers announced by the language's words.

Each detector is ``(text, language) -> spans``; the policy names the ones a language runs.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

import regex

from support_curation.redaction.analysis import Span
from support_curation.redaction.locales import LOCALES

if TYPE_CHECKING:
    from collections.abc import Callable

    from support_curation.redaction.policy import LanguagePolicy

F = regex.IGNORECASE | regex.V1
# 12.03.1985, 3-7-1990, 03/07/90, 1985-03-12
NUMERIC_DATE = regex.compile(
    r"(?<![\w.\-/])(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\w/]|[.\-]\d)"
)
# digit runs that may be a phone number or an ID: separators of phone writing, 7+ digits
DIGIT_RUN = regex.compile(r"(?<![\w+])(?:\+|00)?\d[\d \t().\-/]{5,22}\d(?![\w])")
# compact codes: letters and digits, dashes or dots inside (DNI 12345678Z, CF RSSMRA85T10A562S, FR-48213)
CODE = regex.compile(r"(?<![\w\-/])(?=[\w\-.]*\d)[A-Za-z0-9][A-Za-z0-9\-.]{4,24}[A-Za-z0-9](?![\w\-]|\.\w)")
NL_POSTCODE = regex.compile(r"(?<!\w)\d{4}[ \t]?[A-Z]{2}(?!\w)")
FIVE_DIGIT_CITY = regex.compile(r"(?<![\w.,])(?P<value>\d{5})(?=,?[ \t]+\p{Lu}\p{L})")
MIN_PHONE_DIGITS = 8
MIN_CODE_DIGITS = 4
MIN_BARE_ID_DIGITS = 6

_PREFIX_STREET = (
    r"rue|avenue|av\.|boulevard|bd|allée|chemin|impasse|quai|route|cours|square|place|passage|faubourg"
    r"|calle|c/|avenida|avda\.?|plaza|paseo|pasaje|pasadizo|camino|carretera|ronda|travesía|glorieta|urbanización"
    r"|rambla|alameda|callejón|cuesta|cañada|vial|acceso|costanilla|travessera|carrer|avinguda"
    r"|via|viale|piazza|piazzale|piazzetta|corso|vicolo|vico|strada|largo|contrada|borgo|lungomare|salita"
    r"|rotonda|stretto|incrocio|canale|traversa|lungarno|galleria|rampa|calle"
)
_STRONG_PREFIX = (
    r"rue|avenue|boulevard|allée|impasse|calle|avenida|paseo|plaza|viale|piazza|corso|vicolo|strada"
)
_PARTICLE = r"(?:de|del|de\s+la|des|du|di|della|delle|dei|degli|d['’]|l['’]|le|la|les|los|las|el)"
_NAME_WORD = r"\p{Lu}[\p{L}'’\-]+"
_STREET_NAME = rf"(?:{_PARTICLE}\s+)*{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_NAME_WORD}){{0,3}}"
_HOUSE = r"\d{1,4}(?:[ \t]*(?:bis|ter|[a-zA-Z])\b)?(?:[ \t]*[-–/][ \t]*\d{1,4})?"
PREFIX_ADDRESS = regex.compile(
    rf"(?<!\w)(?:(?P<num>{_HOUSE}),?[ \t]+)?(?i:(?P<word>{_PREFIX_STREET}))[ \t]+(?-i:{_STREET_NAME})"
    rf"(?:,?[ \t]+(?P<after>{_HOUSE})(?!\d))?",
    regex.V1,
)
_SUFFIX_STREET = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|pfad|steig|markt"
    r"|straat|laan|plein|gracht|kade|singel|dijk|dreef|hof|park|boulevard|steeg|pad|baan|wal|markt|dam"
)
SUFFIX_ADDRESS = regex.compile(
    rf"(?<!\w)(?:\p{{Lu}}[\p{{L}}\-]*(?i:{_SUFFIX_STREET})|(?:Am|An der|Auf dem|Im|Zum|Zur)[ \t]+\p{{Lu}}[\p{{L}}\-]+)"  # noqa: E501
    rf"[ \t]+{_HOUSE}(?!\d)",
    regex.V1,
)


@cache
def _locale_patterns(language: str) -> dict[str, regex.Pattern[str]]:
    locale = LOCALES[language]
    months = "|".join(locale.month)
    cues = "|".join(locale.reference)
    return {
        # 12 mars 1985, 12. März 1985, 12 de marzo de 1985, 1er mars 1985
        "written_date": regex.compile(
            rf"(?<!\w)\d{{1,2}}(?:er|\.|º)?[ \t]+(?:de[ \t]+)?(?:{months})[ \t]+(?:de[ \t]+|del[ \t]+)?\d{{4}}(?!\w)",  # noqa: E501
            F,
        ),
        # commande n° 48213, Bestellnummer: 4711, pedido nº A-2231
        "reference": regex.compile(
            rf"(?<!\w)(?:{cues})(?:[ \t]+(?:n°|nº|nr\.?|no\.?|numéro|número|numero|nummer))?[ \t]*[:#]?[ \t]*"
            r"(?P<value>(?=[\w\-/]*\d{3})[A-Za-z0-9][A-Za-z0-9\-/]{2,24})(?![\w])",
            F,
        ),
    }


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def dates(text: str, language: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "DATE_OF_BIRTH", 0.8) for m in NUMERIC_DATE.finditer(text)]
    spans += [
        Span(m.start(), m.end(), "DATE_OF_BIRTH", 0.8)
        for m in _locale_patterns(language)["written_date"].finditer(text)
    ]
    return spans


def _is_date(value: str) -> bool:
    return NUMERIC_DATE.fullmatch(value.strip()) is not None


@cache
def _phone_region(language: str) -> str:
    return LOCALES[language].faker.split("_")[1]


def phones(text: str, language: str) -> list[Span]:
    """Digit runs written like phone numbers: libphonenumber's matcher for the region, then any run of
    8+ digits that starts like a phone number (0, +, 00)."""
    if sum(c.isdigit() for c in text) < MIN_PHONE_DIGITS - 1:
        return []
    import phonenumbers

    spans = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, _phone_region(language), leniency=phonenumbers.Leniency.POSSIBLE
    ):
        if not _is_date(match.raw_string) and len(_digits(match.raw_string)) >= MIN_PHONE_DIGITS - 1:
            spans.append(Span(match.start, match.end, "PHONE_NUMBER", 0.85))
    for m in DIGIT_RUN.finditer(text):
        value = m.group()
        if _is_date(value) or len(_digits(value)) < MIN_PHONE_DIGITS:
            continue
        entity = "PHONE_NUMBER" if value.lstrip("(").startswith(("0", "+")) else "ID_NUMBER"
        spans.append(Span(m.start(), m.end(), entity, 0.7))
    return spans


@cache
def _validators(names: tuple[str, ...]) -> list[tuple[str, Callable[[str], bool]]]:
    """stdnum modules by dotted name ("es.dni", "eu.vat") -> their is_valid."""
    found = []
    for name in names:
        module = importlib.import_module(f"stdnum.{name}")
        found.append((name, module.is_valid))
    return found


def national_ids(text: str, ids: tuple[str, ...]) -> list[Span]:
    """IDs, VAT numbers and IBANs the stdnum validators accept (spaced or compact), then codes that
    mix letters and enough digits to be an identifier of some kind."""
    if not any(c.isdigit() for c in text):
        return []
    validators = _validators(ids)
    spans = []
    candidates = [(m.start(), m.end()) for m in CODE.finditer(text)]
    candidates += [(m.start(), m.end()) for m in DIGIT_RUN.finditer(text)]
    for start, end in candidates:
        value = text[start:end]
        if _is_date(value):
            continue
        if any(valid(value) for _, valid in validators):
            spans.append(Span(start, end, "NATIONAL_ID", 0.95))
            continue
        digits = len(_digits(value))
        letters = sum(c.isalpha() for c in value)
        if digits >= MIN_BARE_ID_DIGITS or (letters and digits >= MIN_CODE_DIGITS and len(value) >= 6):
            spans.append(Span(start, end, "ID_NUMBER", 0.6))
    return spans


def references(text: str, language: str) -> list[Span]:
    if not any(c.isdigit() for c in text):
        return []
    pattern = _locale_patterns(language)["reference"]
    return [Span(m.start("value"), m.end("value"), "ID_NUMBER", 0.7) for m in pattern.finditer(text)]


def addresses(text: str, language: str) -> list[Span]:
    spans = []
    for m in PREFIX_ADDRESS.finditer(text):
        strong = regex.fullmatch(_STRONG_PREFIX, m["word"], F) is not None
        if m["num"] or m["after"] or strong:
            spans.append(Span(m.start(), m.end(), "ADDRESS", 0.75))
    spans += [Span(m.start(), m.end(), "ADDRESS", 0.75) for m in SUFFIX_ADDRESS.finditer(text)]
    return spans


def postcodes(text: str, language: str) -> list[Span]:
    if not any(c.isdigit() for c in text):
        return []
    spans = [Span(m.start(), m.end(), "ZIP", 0.7) for m in NL_POSTCODE.finditer(text)]
    spans += [Span(m.start("value"), m.end("value"), "ZIP", 0.7) for m in FIVE_DIGIT_CITY.finditer(text)]
    return spans


def detect(text: str, language: str, policy: LanguagePolicy) -> list[Span]:
    """Every national-format span of one turn, as the language's policy lists the detectors."""
    spans: list[Span] = []
    for name in policy.detectors:
        if name == "national_id":
            spans += national_ids(text, tuple(policy.national_ids))
        elif name in DETECTORS:
            spans += DETECTORS[name](text, language)
    return spans


DETECTORS: dict[str, Callable[[str, str], list[Span]]] = {
    "phone": phones,
    "date": dates,
    "reference": references,
    "address": addresses,
    "postcode": postcodes,
}
