"""E-mail addresses written out in full (``name@domain.tld``), in any language.

The English ``EmailAddressRecognizer`` also reads addresses said aloud or with punctuation lost
("jane at gmail com"), which on another language's text matches ordinary words; this one needs the "@".
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer


class PlainEmailRecognizer(ValuePatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    TRIGGER = r"@"
    PATTERNS = [
        Pattern(
            "email",
            r"(?<![\w.+\-])(?P<value>[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63})*\.[^\W\d_]{2,24})(?![\w@])",
            0.9,
        )
    ]
