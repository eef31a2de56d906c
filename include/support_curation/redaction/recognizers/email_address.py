"""Email addresses, also as people say or transcribe them: "jane at gmail dot com", "jane 45 gmailcom"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from support_curation.redaction.recognizers.base import ValuePatternRecognizer

# widely used mailbox providers: a transcribed address names its provider even when punctuation is lost
_PROVIDERS = (
    r"gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|proton|protonmail|"
    r"gmx|mail|zoho|yandex|comcast|verizon|att|sbcglobal|btinternet|rediffmail|qq|163"
)
_TLD = r"com|net|org|edu|gov|in|co\s*uk|co\s*in|uk|de|fr|ca|au|io|us|info|biz"


class EmailAddressRecognizer(ValuePatternRecognizer):
    ENTITY = "EMAIL"
    PATTERNS = [
        Pattern("written", r"(?<![\w.+\-])(?P<value>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)", 0.95),
        Pattern("no_tld", rf"(?<![\w.+\-])(?P<value>[\w.+\-]+@(?:{_PROVIDERS}))\b", 0.85),
        Pattern(
            "spoken",
            r"(?<![\w.])(?P<value>[\w.\-]+(?:\s+(?:dot|underscore|dash|hyphen)\s+[\w\-]+)*"
            # said aloud, the dot is a word: "jane at example dot com" (not "me at jane@example.com")
            r"\s+(?:at|@)\s+[\w\-]+(?:\s+dot\s+[a-z]{2,6}){1,2})\b",
            0.85,
        ),
        Pattern(
            "punctuation_lost",
            rf"(?<![\w.])(?P<value>[a-z0-9][\w.\-]*(?:\s+\d{{1,6}})?\s*(?:at\s+)?(?:{_PROVIDERS})\s*(?:dot\s*)?(?:{_TLD}))\b",
            0.8,
        ),
    ]
    CONTEXT = ["email", "mail", "e-mail", "address"]
    PATTERN_WORDS = {"written": ("@",), "no_tld": ("@",), "spoken": ("dot",)}
    # written: an "@"; spoken: " dot "; punctuation lost: a provider and its domain ending
    TRIGGER = rf"@|\bdot\b|(?:{_PROVIDERS})\s*(?:dot\s*)?(?:{_TLD})\b"
