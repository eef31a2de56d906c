"""Sub-patterns shared by the recognizers (not a recognizer)."""

from __future__ import annotations

from support_curation.redaction.frequency import ZIPF, word_frequency

# "number", "no.", "#", "id", "code" and the like, then "is"/":" — between a keyword and its value
NUMBER_WORD = r"(?:\s*(?:number|numbers|num|no\.?|nr|#|id|code|ref(?:erence)?|details?))?"
LINK = r"(?:\s+(?:is|was|are|it's|its|it is|will be|should be|would be|reads|=))?\s*[:#=\-]?\s*"
# an identifier value: letters, digits and dashes with at least one digit, or spaced digit groups
ID_VALUE = r"(?:(?=[A-Z0-9\-/]*\d)[A-Z0-9][A-Z0-9\-/]{2,24}[A-Z0-9]|\d(?:[\s\-]?\d){3,19})"
SPELLED_DIGIT = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE_VALUE = (
    r"(?:\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
    rf"|(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{MONTH}\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+\d{{4}}"
    rf"|{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
)


def is_common_word(value: str, threshold: float = ZIPF.common_name) -> bool:
    """True for ordinary words ("working", "reset") that follow "my password is" more often than secrets."""
    return value.isalpha() and word_frequency(value.lower()) >= threshold
