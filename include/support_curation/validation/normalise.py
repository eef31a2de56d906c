"""Text normalisation the gate's detectors run on, so a disguised value reads like a plain one.

A value that leaks in disguise is still a leak: an email split by zero-width spaces, a card number in
full-width digits, a name with a Cyrillic "о", or "jane dot doe at example dot com". Every detector
sees the text after these steps, in this order:

1. Unicode NFKC (full-width digits and letters, ligatures, compatibility forms such as "＠");
2. format characters removed (category Cf: zero-width spaces and joiners, soft hyphens, bidi marks);
3. Cyrillic and Greek lookalikes folded to Latin, but only inside a word that is already mixed with
   Latin letters, digits or "@", or that consists of lookalikes alone (not in capitals) in otherwise
   Latin text: real Cyrillic or Greek text keeps its letters;
4. spelled "at" / "dot" forms read as "@" / "." where the result is shaped like an email address
   (a local part, "at", then labels joined by "dot" ending in a known top-level domain).

:func:`normalise_with_offsets` also returns, for every output character, the index of the input
character it came from, so a caller that must act on the original text (the redactor) can map a
span back.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Cyrillic and Greek letters that render like a Latin letter in common fonts.
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l",
    "м": "m", "н": "h", "о": "o", "р": "p", "ԛ": "q", "с": "c", "ѕ": "s", "т": "t", "у": "y", "ԝ": "w",
    "х": "x", "ԁ": "d", "ь": "b", "ү": "y", "ɡ": "g",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "Һ": "H", "І": "I", "Ї": "I", "Ј": "J", "К": "K", "М": "M",
    "Н": "H", "О": "O", "Р": "P", "Ԛ": "Q", "С": "C", "Ѕ": "S", "Т": "T", "У": "Y", "Ԝ": "W", "Х": "X",
    "Ү": "Y", "Ӏ": "I",
    # Greek lower case
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "γ": "y", "η": "n", "μ": "u",
    # Greek upper case
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
_FOLD_TABLE = str.maketrans(_HOMOGLYPHS)
_WORD = re.compile(r"\S+")

# Labels joined by "." or a spelled "dot", after a spelled or bracketed "at"; the last label must be a
# top-level domain people write out, so "meet me at the office" is left alone.
_TLDS = (
    "com|net|org|edu|gov|info|biz|io|co|me|us|uk|de|fr|es|it|nl|be|ch|at|eu|ie|ca|au|pl|se|no|dk|fi|"
    "pt|cz|gr|in|mail"
)
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*|\s+dot\s+)"
_AT = r"(?:\s*@\s*|\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+)"
_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"
_LOCAL = r"[\w%+-]+"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@])(?P<local>{_LOCAL}(?:{_DOT}{_LOCAL})*){_AT}"
    rf"(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?:{_TLDS}))(?![\w@])",
    re.IGNORECASE,
)
_SPELLED_HINT = re.compile(r"\bdot\b|[\(\[\{<]\s*at\s*[\)\]\}>]|\s@|@\s", re.IGNORECASE)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)
# The hint's bracketed "at" on its own: it opens with a bracket, so the engine jumps to brackets.
_BRACKETED_AT = re.compile(r"[\(\[\{<]\s*at\s*[\)\]\}>]", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _fold_word(word: str, latin_text: bool) -> str:
    if not any(ch in _HOMOGLYPHS for ch in word):
        return word
    folded = word.translate(_FOLD_TABLE)
    mixed = any((ch.isascii() and ch.isalnum()) or ch == "@" for ch in word)
    # every non-Latin letter had a Latin twin, in text that is otherwise Latin ("Јое Smith"); a word in
    # capitals is left alone: Greek and Cyrillic place names are written so ("ΧΑΝΔΡΙΑ")
    only_lookalikes = (
        latin_text and not word.isupper() and not any(ch.isalpha() and not ch.isascii() for ch in folded)
    )
    return folded if mixed or only_lookalikes else word


def _mostly_latin(text: str) -> bool:
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return latin > sum(1 for ch in text if ch.isalpha() and not ch.isascii())


def _char_map(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", ch)


def _unicode_steps(text: str) -> tuple[str, list[int]]:
    """Steps 1-3 with an offset map; character by character so every output char has a source."""
    chars: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        mapped = ch if ch.isascii() else _char_map(ch)
        for out in mapped:
            chars.append(out)
            offsets.append(index)
    normalised = "".join(chars)
    if any(ch in _HOMOGLYPHS for ch in normalised):
        # folding is one character for one, so the offsets stay valid
        latin_text = _mostly_latin(normalised)
        normalised = _WORD.sub(lambda m: _fold_word(m.group(), latin_text), normalised)
    return normalised, offsets


def _read_spelled(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    if not _SPELLED_HINT.search(text):
        return text, offsets
    out: list[str] = []
    out_offsets: list[int] = []
    last = 0
    for match in _SPELLED_EMAIL.finditer(text):
        out.append(text[last : match.start()])
        out_offsets.extend(offsets[last : match.start()])
        local = _DOT_SPLIT.split(match.group("local"))
        domain = _DOT_SPLIT.split(match.group("domain"))
        value = ".".join(local) + "@" + ".".join(domain).lower()
        out.append(value)
        # the rewritten value spans what it replaced: first char to its start, last to its end
        first, final = offsets[match.start()], offsets[match.end() - 1]
        out_offsets.extend(first + (final - first) * i // max(1, len(value) - 1) for i in range(len(value)))
        last = match.end()
    out.append(text[last:])
    out_offsets.extend(offsets[last:])
    return "".join(out), out_offsets


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, per output character, the index of its source character in ``text``."""
    if text.isascii():
        normalised, offsets = text, list(range(len(text)))
    else:
        normalised, offsets = _unicode_steps(text)
    return _read_spelled(normalised, offsets)


def _ascii_may_be_spelled(text: str) -> bool:
    """Whether the ASCII ``text`` can hold a :data:`_SPELLED_HINT`: an "@", a "dot" in any case (ASCII
    case folding is all IGNORECASE does to ASCII text) or a bracketed "at"; the hint's own scan, with its
    leading ``\\b``, tries every position."""
    return "@" in text or "dot" in text.lower() or _BRACKETED_AT.search(text) is not None


def normalise(text: str) -> str:
    """The text every gate detector reads (see the module docstring for the steps)."""
    if text.isascii() and not (_ascii_may_be_spelled(text) and _SPELLED_HINT.search(text)):
        return text  # the common case costs a few substring searches
    return normalise_with_offsets(text)[0]
