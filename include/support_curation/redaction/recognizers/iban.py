"""International bank account numbers (IBAN), with or without the spaces every four characters,
checked with the ISO 13616 mod-97 rule."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer


def iban_valid(value: str) -> bool:
    """Move the country code and check digits to the end, letters to numbers (A=10): mod 97 is 1."""
    compact = "".join(value.split()).upper()
    if not (15 <= len(compact) <= 34) or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


class IbanCodeRecognizer(ValuePatternRecognizer):
    ENTITY = "IBAN"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "iban",
            r"(?<![\w])(?P<value>[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?)(?![\w])",
            0.5,
        ),
    ]
    CONTEXT = ["iban", "bank", "account", "transfer"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return iban_valid(pattern_text)
