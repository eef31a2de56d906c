"""Zip and postal codes: UK postcodes by shape, US zip codes with context (a bare 5-digit number is not enough)."""  # noqa: E501 (a regex reads best whole)

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer
from support_curation.redaction.recognizers.street_address import _US_STATES


class PostalCodeRecognizer(ValuePatternRecognizer):
    ENTITY = "ZIP"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("uk_postcode", r"\b(?P<value>(?-i:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}))\b", 0.7),
        Pattern(
            "uk_postcode_lower",
            r"(?:post\s*code|postal code)\W+(?:is\W+)?(?P<value>[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2})\b",
            0.8,
        ),
        Pattern(
            "zip_context",
            r"\b(?:zip|zipcode|zip code|postal code|post code|postcode)\b(?:\W+\w+){0,3}?\W+(?P<value>\d{5}(?:-\d{4})?)\b",  # noqa: E501 (a regex reads best whole)
            0.85,
        ),
        Pattern("state_zip", rf"\b(?-i:{_US_STATES}),?\s+(?P<value>\d{{5}}(?:-\d{{4}})?)\b", 0.7),
    ]
    CONTEXT = ["zip", "postal", "postcode"]
    PATTERN_WORDS = {"uk_postcode_lower": ("post",), "zip_context": ("zip", "post")}
