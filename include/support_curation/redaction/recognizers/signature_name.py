"""A name on its own last line, signing a message after any closing line ("Thanks in advance for any
help,\\nPriya", "-- \\nTom Becker", "have a good day!\\nLi"): e-mail and forum signatures, whatever the
closing words. The line must hold only name-like words, so "Thanks!\\nBest" or "Cheers,\\nTeam Acme" stay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import Pattern

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import is_cued_name, is_last_name
from support_curation.redaction.recognizers.base import ValuePatternRecognizer

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

_NAME_WORD = r"\p{Lu}\p{Ll}+(?:['’\-]\p{Lu}?\p{Ll}+)*"  # "Priya", "O'Neil", "Marie-Claire"
_NAME = rf"(?-i:{_NAME_WORD}(?:[ \t]+\p{{Lu}}\.?)?(?:[ \t]+{_NAME_WORD}){{0,2}})"
# a line that closes the message's body: ends on punctuation or an emoji, or a "-- " separator
_CLOSING_LINE = r"(?:[,.!?…:)]|\p{Extended_Pictographic}\ufe0f?|^[ \t]*--?)[ \t]*"
# a mail client's footer after the signature
_FOOTER = r"(?:\n[ \t]*(?:sent\s+from\s+my\s+[\w ]{2,20}|get\s+outlook\s+for\s+\w+)[ \t]*)?"
_WORD = regex.compile(r"[\p{L}'’\-]+")
# Both patterns end at the text's end (``\s*\Z``), and after its first two characters (a closing mark, an
# emoji and its variation selector, a blank and a dash) a match holds only these: letters, digits, "_"
# (a footer's words), blanks, apostrophes, hyphens, "." and "!". So no match starts more than two
# characters before the text's last run of them (found searching backwards, ``(?r)``).
_TAIL = regex.compile(r"(?r)[\w\s'’.!\-]*\Z")
# A match ends with the name, then perhaps a "." or "!", a mail footer and blanks: without a footer, the
# text's last word (after its closing blanks and stops; "K." is an initial) has a capital.
_ENDS_CAPITALISED = regex.compile(r"(?r)[A-Z][A-Za-z'\-]*\Z")


class SignatureNameRecognizer(ValuePatternRecognizer):
    ENTITY = "PERSON"
    TRIGGER = r"\n|[-–—~.!]|\p{Extended_Pictographic}"
    PATTERNS = [
        Pattern(
            "signature_line",
            rf"(?m){_CLOSING_LINE}\n(?:[ \t]*\n)*[ \t]*"
            rf"(?P<value>{_NAME})[ \t]*[.!]?[ \t]*{_FOOTER}\s*\Z",
            0.75,
        ),
        # signed on the message's last line after a dash, an emoji or a full sentence: "-- Alison Long",
        # "... -James", "we'll get it sorted 🙌 James", "you'll hear back in 48h. James"
        Pattern(
            "dash_or_emoji_signed",
            rf"(?:(?:^|[ \t])(?:--?|[–—~])[ \t]*|\p{{Extended_Pictographic}}\ufe0f?[ \t]+|\w[.!][ \t]+)"
            rf"(?P<value>{_NAME})[ \t]*[.!]?[ \t]*{_FOOTER}\s*\Z",
            0.7,
        ),
    ]
    CONTEXT = ["thanks", "regards", "cheers"]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The patterns read only the text's last lines (``_TAIL``), from a line's start so that ``^``
        answers as in the whole text: a long e-mail is not scanned from its first line."""
        if not self.can_match(text):
            return []
        start = self._search_from(text)
        if not start:
            return super().analyze(text, entities, nlp_artifacts, regex_flags)
        results = super().analyze(text[start:], entities, nlp_artifacts, regex_flags)
        for result in results:
            result.start += start
            result.end += start
        return results

    def can_match(self, text: str) -> bool:
        """ASCII text that ends on a lower-case word, a digit or a "?" ("thanks a lot", "ORD-123?") holds
        no signature; a footer's words ("Sent from my phone") send it to the patterns. Other text and
        other patterns: the trigger."""
        if text.isascii() and self.patterns == self.PATTERNS:
            lowered = text.lower()
            footer = "sent" in lowered or "outlook" in lowered
            if not footer and not _ENDS_CAPITALISED.search(text.rstrip().rstrip(" \t.!")):
                return False
        return super().can_match(text)

    def _search_from(self, text: str) -> int:
        """The start of the line where a match may begin at the earliest; 0 for another policy's patterns."""
        if self.patterns != self.PATTERNS:
            return 0
        tail = _TAIL.search(text)  # always found: it may be empty
        earliest = max(0, (tail.start() if tail else len(text)) - 2)
        return text.rfind("\n", 0, earliest) + 1

    def invalidate_result(self, pattern_text: str) -> bool:
        """Every word a name or a rare word; a name that is also a common word only as a known name, and
        after the first word any listed surname ("Alison Long")."""
        words = [w for w in _WORD.findall(pattern_text) if len(w) > 1]
        return not words or not all(_name_like(w, first=i == 0) for i, w in enumerate(words))


def _name_like(word: str, *, first: bool) -> bool:
    parts = [p for p in regex.split(r"['’\-]", word) if len(p) > 1]  # "Marie-Claire", "O'Neil"
    return bool(parts) and all(
        (is_cued_name(p) and (word_frequency(p.lower()) < ZIPF.cued_name or not first and is_last_name(p)))
        or word_frequency(p.lower()) < ZIPF.rare
        for p in parts
    )
