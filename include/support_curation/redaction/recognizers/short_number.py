"""Numbers of three to five digits that are not amounts, times or quantities.

In customer-service text these are last-four digits, PINs, zip codes, house and flight numbers
given as answers ("its 4417", "new york 10001"): a bare number identifies far more often than it
informs, so the policy redacts it unless a unit or currency says what it measures.
"""

from __future__ import annotations

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

_UNITS = (
    r"dollars?|bucks|usd|eur|euros?|pounds?|gbp|rupees?|rs|inr|cents?|pence|percent|per\s*cent|%|"
    r"am|pm|a\.m|p\.m|hrs?|hours?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|years?|yrs?|"
    r"mb|gb|tb|kb|mbps|gbps|mhz|ghz|kg|kgs|g|lbs?|oz|km|kms|miles?|mi|m|cm|mm|ft|feet|inch(?:es)?|"
    r"calories|cal|kcal|mg|ml|l|litres?|liters?|points?|pts|people|persons?|pieces?|pcs|items?|units?|"
    r"times|x|dpi|px|w|watts?|v|volts?|mah|rpm"
)


class ShortNumberRecognizer(ValuePatternRecognizer):
    ENTITY = "ID_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [
        (
            "bare_number",
            rf"(?<![\w$£€₹.,/:#\-])(?P<value>\d{{3,5}})(?![\w%.,:/\-]\d|[\w%])(?!\s*(?:{_UNITS})\b)",
            0.5,
        ),
    ]
