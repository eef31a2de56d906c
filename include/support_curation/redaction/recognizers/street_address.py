"""Street addresses in US and UK styles (Presidio ships no address recognizer)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_STREET_TYPES = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|"
    r"circle|cir|highway|hwy|parkway|pkwy|square|sq|close|crescent|cres|grove|gardens|gdns|mews|row|"
    r"hill|park|walk|trail|trl|loop|alley|plaza|heights|view|green|rise|estate|wharf|quay|point|pike|"
    r"passage|gate|yard|parade|causeway|bridge|chase|croft|mount|vale|circus|embankment|hollow|ridge|"
    r"path|meadows?|common|crossing"
)
_UNIT = r"(?:,?\s*(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|#)\.?\s*[\w\-]+)?"
# a flat or unit written before the street ("Flat 28C, 14 Baker Street", "Apt 4B 221 Maple Avenue")
_LEAD_UNIT = r"(?:(?:apt|apartment|suite|ste|unit|flat|room)\.?\s*#?\d{1,5}[a-z]?\s*,?\s+)?"
# a flat or unit alone: with a letter ("Flat 28C", "apt 4b"), or after a word that places it
# ("at Unit 30", "the address is Suite 28")
_FLAT = r"(?:flat|apt|apartment|unit|suite)\.?\s*#?\d{1,5}"
_US_STATES = (
    r"AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|"
    r"ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_STREET = rf"\d{{1,6}}[a-z]?(?:\s+[\w'.\-]+){{1,4}}?\s+(?:{_STREET_TYPES})\b\.?{_UNIT}"
# optional ", City, ST 12345" or ", City AB1 2CD" tail
_TAIL = (
    rf"(?:,?\s+(?:[A-Z][\w'\-]+\s*){{1,3}},?\s*(?:(?-i:{_US_STATES})\s+\d{{5}}(?:-\d{{4}})?"
    r"|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}))?"
)


class StreetAddressRecognizer(ValuePatternRecognizer):
    ENTITY = "ADDRESS"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("street", rf"(?<![\w])(?P<value>{_LEAD_UNIT}{_STREET}{_TAIL})", 0.75),
        Pattern("flat", rf"(?<![\w])(?P<value>{_FLAT}[a-z])\b", 0.7),
        # a unit opening an address line whose street the street types miss ("Unit 20, 45 Naylor Passage")
        Pattern(
            "unit_before_number",
            rf"(?<![\w])(?P<value>{_FLAT}[a-z]?)(?=,?[ \t]+\d{{1,5}}[a-z]?[ \t]+(?-i:[A-Z]))",
            0.7,
        ),
        Pattern("placed_flat", rf"\b(?:at|to|in|is|from)\s+(?P<value>{_FLAT})\b(?![.,]?\d)", 0.65),
        Pattern("po_box", r"\b(?P<value>p\.?\s*o\.?\s*box\s+\d{1,6})\b", 0.8),
        Pattern(
            "address_answer",
            r"\b(?:address|live at|living at|ship(?:ped)? to|deliver(?:ed)? to)\b(?:\s+is)?\s*:?\s*(?P<value>\d{1,6}(?:\s+[\w'.\-]+){1,6})",  # noqa: E501 (a regex reads best whole)
            0.6,
        ),
    ]
    CONTEXT = ["address", "street", "live", "ship", "deliver"]
    # the words each pattern but "street" (whose street types are too many and too short) needs
    PATTERN_WORDS = {
        "flat": ("flat", "apt", "apartment", "unit", "suite"),
        "unit_before_number": ("flat", "apt", "apartment", "unit", "suite"),
        "placed_flat": ("flat", "apt", "apartment", "unit", "suite"),
        "po_box": ("box",),
        "address_answer": ("address", "liv", "ship", "deliver"),
    }
