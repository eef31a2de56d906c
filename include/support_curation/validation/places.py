"""Residual street addresses and postcodes (UK, US, EU), by shape, on normalised text.

Why separate from the redactor's address recognizers: the gate reads the normalised text (full-width
digits, zero-width splits and lookalike letters undone), knows European street forms the redactor's
English rules do not ("Hauptstraße 5", "12 rue de la Paix", "Via Roma 10"), and counts postcodes on
their own, because a postcode next to a street-less town is already close to an address. Precision
comes from structure, not from a score: a house number must sit next to a street word; a five-digit
ZIP needs a state before it or the word "zip"/"postcode" near it, since order numbers look the same.
Counts only.
"""

from __future__ import annotations

import re

from support_curation.validation.detectors import count_mentions
from support_curation.validation.names import zipf

ORDINARY_ZIPF = 3.0  # a word this frequent in English is that word, not a street
# a number that is a quantity, a time or a price, not a house number
_UNITS = re.compile(r"\s*(?:%|am\b|pm\b|items?\b|days?\b|hours?\b|minutes?\b|gb\b|mb\b|x\b)", re.IGNORECASE)

# The street words people also write in lower case (transcripts lower-case everything).
_COMMON_STREET_TYPES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|close|crescent|"
    "terrace|highway|hwy|parkway|pkwy|square|sq|mews|grove|gardens"
)
# USPS Publication 28 street suffixes and British street words: many are also ordinary words ("run",
# "station", "club"), so these count only capitalised, after capitalised name words.
_EN_STREET_TYPES = (
    "alley|aly|avenue|ave|av|bend|bluffs?|boulevard|blvd|branch|bridge|brg|brooks?|burgs?|bypass|byp|camp|"
    "canyon|cyn|cape|causeway|center|centers?|ctr|circles?|cir|cliffs?|club|common|corners?|cor|course|"
    "courts?|ct|coves?|creek|crk|crescent|cres|crest|crossing|xing|crossroad|curve|dale|dam|divide|drives?|"
    "dr|estates?|est|expressway|expy|extensions?|ext|falls?|ferry|fields?|flats?|fords?|forest|forges?|"
    "forks?|fort|ft|freeway|fwy|gardens?|gdns|gateway|glens?|greens?|groves?|grv|harbors?|hbr|haven|heights|"
    "hts|highway|hwy|hills?|hollow|inlet|islands?|isle|junctions?|jct|keys?|knolls?|lakes?|land|landing|"
    "lane|ln|lights?|loaf|locks?|lodge|loop|mall|manors?|meadows?|mews|mills?|mission|motorway|mount|mt|"
    "mountains?|mtn|neck|orchard|oval|overpass|parks?|parkways?|pkwy|pass|passage|path|pike|pines?|place|"
    "pl|plains?|plaza|plz|points?|pt|ports?|prairie|radial|ramp|ranch|rapids?|rest|ridges?|river|roads?|rd|"
    "route|rte|row|run|shoals?|shores?|skyway|springs?|spurs?|squares?|sq|station|sta|stravenue|stream|"
    "streets?|st|summit|terrace|ter|throughway|trace|track|trafficway|trail|trl|tunnel|turnpike|tpke|"
    "underpass|unions?|valleys?|vly|viaduct|views?|villages?|vlg|ville|vista|walks?|wall|ways?|wells?|"
    "close|rise|quay|wharf|drove|chase|hill|gate|yard|wynd|parade|embankment|broadway"
)
# Name words between the house number and the street type: capitalised (or all lower case in
# lower-cased transcripts), never a quantity's unit or a function word.
_STOP = (
    r"(?!(?:the|a|an|my|your|our|their|his|her|its|of|to|in|on|at|for|and|or|but|is|are|was|"
    r"items?|times?|days?|weeks?|months?|years?|hours?|minutes?|hard|external|usb|flash|disk|"
    r"different|more|other|new|old|first|second|last|next)\b)"
)
_NAME_WORD = rf"{_STOP}[A-Za-z][A-Za-z'.\-]*"
_EN_STREET = re.compile(
    rf"(?<![\w/.-])\d{{1,5}}[A-Za-z]?,?[ \t]+(?:{_NAME_WORD}[ \t]+){{1,3}}(?:{_COMMON_STREET_TYPES})\b(?!-)",
    re.IGNORECASE,
)
_EN_STREET_TITLED = re.compile(
    rf"(?<![\w/.-])\d{{1,5}}[A-Za-z]?,?[ \t]+(?:[A-Z][a-z'.\-]+[ \t]+){{1,3}}"
    rf"(?:{'|'.join(w.capitalize() for w in _EN_STREET_TYPES.split('|'))})\b(?!-)"
)
# German, Dutch, Scandinavian and Finnish compounds: "Hauptstraße 5", "Kerkstraat 12a", "Storgatan 3".
_COMPOUND_STREET = re.compile(
    r"\b[A-ZÄÖÜÅÆØ][\wäöüßåæøéèë-]{1,40}?(?i:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|"
    r"chaussee|steig|pfad|straat|laan|gracht|plein|kade|singel|steeg|dreef|dijk|boulevard|vej|gade|gatan|"
    r"vägen|gränd|katu|-ring|-hof|-pad|-tie)\.?[ \t]+\d{1,4}[a-z]?(?:[/-]\d{1,4})?\b"
)
# Endings that are also English words' ("During", "iPad", "Spring", "Airbnb"): the compound counts
# only when it is no ordinary English word itself.
_AMBIGUOUS_COMPOUND = re.compile(
    r"\b(?P<word>[A-ZÄÖÜÅÆØ][a-zäöüßåæøéèëï]{2,40}(?:ring|hof|pad|baan|tie|berg|dorf|feld|markt))"
    r"[ \t]+\d{1,4}[a-z]?(?:[/-]\d{1,4})?\b"
)
# An address given as an answer: "my address is ...", "I live at ...", "ship it to ...", then
# capitalised words and a house number within a few words, in either order.
_ADDRESS_CUE = re.compile(
    r"\b(?i:address(?:\s+is)?|live\s+at|living\s+at|moved\s+to|located\s+at|(?:ship|send|deliver|post|mail)"
    r"(?:ped|ed)?(?:\s+(?:it|them|this|the\s+\w+))?\s+to)[ \t:,-]{1,3}"
    r"(?:(?:[A-ZÀ-Ý][\w'’.-]*[ \t,]{1,2}){1,5}\d{1,5}[a-z]?\b"
    r"|\d{1,5}[a-z]?,?[ \t]+(?:[A-ZÀ-Ý][\w'’.-]*[ \t]?){1,5})"
)
# Romance languages: the street word first, a number before or after ("12 rue de la Paix", "Via Roma 10",
# "Calle de Marisol Salvà 21", "Strada Bruscantini, 9").
_ROMANCE_TYPES = (
    "rue|avenue|boulevard|bd|chemin|place|allée|impasse|quai|cours|route|via|viale|piazza|piazzale|corso|"
    "vicolo|strada|stretto|contrada|rotonda|borgo|canale|largo|calle|c\\.|avenida|avda\\.?|plaza|paseo|"
    "carrer|camino|carretera|glorieta|pasaje|callejón|cuesta|ronda|rambla|travesía|urbanización|vía|"
    "rua|travessa|praça|alameda|acceso|pasadizo|vial|cañada|incrocio|piazzetta|ruela"
)
_ROMANCE_NAME = (
    r"(?:(?:de\s+la|de\s+l'|de\s+los|de\s+las|du|des|de|del|della|dei|di|da|do|dos|das)\s*)?"
    r"[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:de\s+|del\s+|la\s+|y\s+)?[A-ZÀ-Ý][\w'’.-]+){0,3}"
)
# The street words' initials: a lookahead on them turns most word starts away at once, where the
# engine would try every street word (same matches, about half the time).
_ROMANCE_INITIALS = "".join(sorted({word[0] for word in _ROMANCE_TYPES.split("|")}))
_ROMANCE_STREET = re.compile(
    rf"(?<![\w/.-])\d{{1,4}}(?:\s*(?:bis|ter|[a-z]))?,?[ \t]+(?i:{_ROMANCE_TYPES})[ \t]+{_ROMANCE_NAME}"
    rf"|\b(?=(?i:[{_ROMANCE_INITIALS}]))(?i:{_ROMANCE_TYPES})[ \t]+{_ROMANCE_NAME},?[ \t]+"
    rf"(?:n\.?\s*[º°o]?\s*)?\d{{1,4}}\b"
)
_PO_BOX = re.compile(r"\bp\.?\s?o\.?\s?box\s+\d{1,6}\b", re.IGNORECASE)

# UK: outward code (area letters, district) and inward code (sector digit, unit letters).
_UK_POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?(?!\d[KMGT]B\b)\d[ABD-HJLNP-UW-Z]{2}(?![\w-])",
    re.IGNORECASE,
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|"
    "ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|VI|GU|AS|MP|FM|MH|PW|AA|AE|AP"
)
_US_ZIP = re.compile(rf"(?<![\w-])(?:{_US_STATES}),?\s+\d{{5}}(?:-\d{{4}})?(?![\w-])")
_ZIP_PLUS4 = re.compile(r"(?<![\w-])\d{5}-\d{4}(?![\w-])")
# EU shapes that need no context: "D-10115", "NL 1012 AB" style letters, "75008 Paris" (a number then a
# capitalised town), Polish "00-950", Portuguese "1000-001".
_EU_POSTCODE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,2}-\d{4,5}|\d{4}\s?(?!AD|BC|AM|PM|OK|UK|US|EU|TV|PC|GB|MB|KB|TB)[A-Z]{2}(?=\s+(?:'t\s+)?[A-Z][a-z])|\d{2}-\d{3}|\d{4}-\d{3})(?![\w-])"
    r"|(?<![\w-])\d{4,5}\s+(?=[A-ZÀ-Ý][a-zà-ÿ]{2,}[\w'-]*(?:[\s,.]|$)(?!\s*(?:items?|units?|orders?)\b))"
)
# A bare code after the word for it: "zip 94105", "postcode is sw1a1aa", "PLZ: 10115".
_POSTCODE_CUE = re.compile(
    r"\b(?:zip(?:[ \t]?code)?|post[ \t]?code|postal[ \t]+code|plz|code[ \t]+postal|cap|cp)\b[ \t:#-]{0,3}"
    r"(?:is[ \t]{1,3}|:[ \t]{0,3})?"
    r"(?P<code>[A-Za-z]{0,2}\d[A-Za-z\d]{1,4}(?:[ -]?\d[A-Za-z\d]{1,3})?)(?![\w-])",
    re.IGNORECASE,
)


# Every pattern here needs a \d: a text without one has no count, found by one search rather than a
# Python loop over its characters (str.isdigit knows more digits than \d, none a pattern can match).
_DIGIT = re.compile(r"\d")


# A piece every match of a postcode pattern holds, searched for by a pattern that opens with a digit or a
# space (the engine jumps to those; the patterns' lookbehinds make it try every character): a text
# without the piece has no match of that pattern. Same flags as the pattern, so the same characters.
_UK_HINT = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}", re.IGNORECASE)  # the inward code
_US_ZIP_HINT = re.compile(r"\s\d{5}")  # a space, then the five digits
_ZIP_PLUS4_HINT = re.compile(r"\d-\d")
_EU_HINT = re.compile(r"\d\d\d")  # every form has three digits in a row
# A piece of every cue word in ASCII: on ASCII text the case-insensitive cue is ASCII case folding, so
# a lower-cased ASCII text without any piece has no cue (other texts are scanned as they are).
_POSTCODE_CUE_PARTS = ("zip", "post", "plz", "code", "cap", "cp")
# The same for two address patterns: the titled street's house number and the first capital after it,
# and "box" in a PO box (case-insensitive, so ASCII text only).
_EN_STREET_TITLED_HINT = re.compile(r"\d[A-Za-z]?,?[ \t]+[A-Z]")


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def count_addresses(text: str) -> int:
    """Street addresses (house number and street, in English, Germanic or Romance order, or a PO box)."""
    if not _DIGIT.search(text):
        return 0
    spans: list[tuple[int, int]] = []
    for pattern in (_EN_STREET, _COMPOUND_STREET, _ROMANCE_STREET):
        spans += _spans(pattern, text)
    if _EN_STREET_TITLED_HINT.search(text):
        spans += _spans(_EN_STREET_TITLED, text)
    if not text.isascii() or "box" in text.lower():
        spans += _spans(_PO_BOX, text)
    spans += [m.span() for m in _ADDRESS_CUE.finditer(text) if not _UNITS.match(text, m.end())]
    spans += [
        m.span() for m in _AMBIGUOUS_COMPOUND.finditer(text) if zipf(m.group("word").lower()) < ORDINARY_ZIPF
    ]
    return count_mentions(spans)


def count_postcodes(text: str) -> int:
    """UK postcodes, US ZIP codes with a state or a +4, EU postcodes by shape or by their cue word."""
    if not _DIGIT.search(text):
        return 0
    spans: list[tuple[int, int]] = []
    for hint, pattern in (
        (_UK_HINT, _UK_POSTCODE),
        (_US_ZIP_HINT, _US_ZIP),
        (_ZIP_PLUS4_HINT, _ZIP_PLUS4),
        (_EU_HINT, _EU_POSTCODE),
    ):
        if hint.search(text):
            spans += _spans(pattern, text)
    lowered = text.lower() if text.isascii() else None
    if lowered is None or any(part in lowered for part in _POSTCODE_CUE_PARTS):
        spans += [m.span("code") for m in _POSTCODE_CUE.finditer(text)]
    return count_mentions(spans)
