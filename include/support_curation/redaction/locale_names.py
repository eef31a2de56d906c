"""Person names in a language other than English: the gazetteer (Faker's lists for the language's locale
and the other Latin-script ones) read against that language's word frequencies (wordfreq), and that
language's cues: introductions, greetings, honorifics, sign-offs.

German capitalises every noun and French, Spanish, Italian and Dutch have their own everyday words that
are also names ("Pierre", "Rosa", "Koch"): a capitalised word alone is a name only when the language
rarely uses it as a word; after a cue, or beside a first name, the lists decide.
"""

from __future__ import annotations

from functools import cache, lru_cache

import regex

from support_curation.redaction.analysis import Span
from support_curation.redaction.locales import LOCALES
from support_curation.redaction.names import (
    _fold,
    is_cued_name,
    is_first_name,
    is_last_name,
    locale_name_lists,
)

F = regex.IGNORECASE | regex.V1
WORD = regex.compile(r"[\p{L}][\p{L}'’\-]*", regex.V1)
# name particles that stand lower-case inside a name (van der Berg, de la Fuente, di Stefano)
PARTICLES = frozenset(
    [
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "von",
        "zu",
        "ter",
        "ten",
        "la",
        "le",
        "dos",
        "das",
        "du",
        "y",
        "d'",
    ]
)
# cut-offs on the language's own Zipf scale
SOLO_MAX = 3.3  # a capitalised first name alone, no cue: the language hardly uses it as a word
CUED_MAX = 5.7  # after a cue: a name that is also a fairly common word ("Pierre", "Rosa")
RARE = 3.0  # after a cue, a word the lists miss but the language hardly knows (an unusual surname)
PAIR_MAX = 5.0  # a first name followed by a listed last name
LOWER_MAX = 3.8  # a lower-case listed first name after a cue (informal chat: "merci jean")
STOP = frozenset(
    [
        "bonjour",
        "bonsoir",
        "merci",
        "madame",
        "monsieur",
        "hallo",
        "danke",
        "frau",
        "herr",
        "hola",
        "gracias",
        "señor",
        "señora",
        "ciao",
        "grazie",
        "signora",
        "signor",
        "buongiorno",
        "hoi",
        "dag",
        "bedankt",
        "mevrouw",
        "meneer",
        "team",
        "service",
        "support",
        "client",
        "kunde",
        "cliente",
        "klant",
        "svp",
        "stp",
        "sûr",
        "oui",
        "non",
        "bitte",
        "ja",
        "nein",
        "por",
        "favor",
        "sí",
        "prego",
        "sì",
        "graag",
        "alstublieft",
        "nee",
        "beaucoup",
        "vielen",
        "dank",
        "muchas",
        "mille",
    ]
)


@lru_cache(maxsize=65536)
def frequency(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def first_name(word: str, language: str) -> bool:
    if "-" in word.strip("-"):
        return all(first_name(p, language) for p in word.split("-") if p)
    return _fold(word) in locale_name_lists(LOCALES[language].faker)[0] or is_first_name(word)


def last_name(word: str, language: str) -> bool:
    return _fold(word) in locale_name_lists(LOCALES[language].faker)[1] or is_last_name(word)


def listed(word: str, language: str) -> bool:
    parts = [p for p in word.split("-") if p]  # Anna-Maria, Kai-Uwe: every part a listed name
    if len(parts) > 1:
        return all(first_name(p, language) or last_name(p, language) for p in parts)
    return first_name(word, language) or last_name(word, language)


def cued_listed(word: str, language: str) -> bool:
    """Listed, or a romanised name that is also an English word ("Gang", "Song"): where a cue, a
    neighbouring name or a sign-off position says a name stands."""
    return listed(word, language) or is_cued_name(word)


@cache
def _after_pattern(language: str) -> regex.Pattern[str] | None:
    words = "|".join(LOCALES[language].after_name)
    if not words:
        return None
    return regex.compile(
        rf"(?<![\w'’\-])(?P<name>\p{{Lu}}[\p{{L}}'’\-]+(?:[ \t]+\p{{Lu}}[\p{{L}}'’\-]+)?)"
        rf"[ \t]+(?i:{words})(?!\w)",
        regex.V1,
    )


@cache
def _cue_pattern(language: str) -> regex.Pattern[str]:
    locale = LOCALES[language]
    cues = "|".join(locale.intro + locale.greeting + locale.honorific)
    closing = "|".join(locale.sign_off)
    return regex.compile(
        rf"(?:(?<!\w)(?:{cues})[ \t]*[,:]?[ \t]+|(?<!\w)(?:{closing})[ \t]*[,.!]?[ \t]*\n?[ \t]*)(?=\S)", F
    )


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (len(word) > 1 and word.istitle())


def _take_name(text: str, pos: int, language: str, *, cued: bool) -> tuple[int, int] | None:
    """The name starting at ``pos`` (one to three words, particles inside), or None."""
    words: list[regex.Match[str]] = []
    for m in WORD.finditer(text, pos):
        gap = text[pos if not words else words[-1].end() : m.start()]
        if (words and not regex.fullmatch(r"[ \t]+", gap)) or (not words and gap.strip()):
            break
        words.append(m)
        if len(words) >= 5:
            break
    taken: list[regex.Match[str]] = []
    for m in words:
        word = m.group()
        low = word.lower()
        if low in PARTICLES and (taken or cued):  # "mevrouw van Hulten", "Sanne de Vries"
            taken.append(m)
            continue
        if low in STOP:
            break
        freq = frequency(low, language)
        capital = _is_capitalised(word)
        if (
            capital
            and (cued_listed(word, language) if cued or taken else listed(word, language))
            and freq < (CUED_MAX if cued or taken else SOLO_MAX)
            or capital
            and (cued or taken)
            and freq < RARE
            and len(word) >= 3
            or not capital
            and cued
            and not taken
            and first_name(word, language)
            and freq < LOWER_MAX
        ):  # noqa: E501
            taken.append(m)
        else:
            break
        if len([t for t in taken if t.group().lower() not in PARTICLES]) >= 3:
            break
    while taken and taken[-1].group().lower() in PARTICLES:
        taken.pop()
    if not taken:
        return None
    return taken[0].start(), taken[-1].end()


# a message that ends on a name after a closing sentence ("Merci, bonne journée. Hélène")
CLOSING_NAME = regex.compile(
    r"(?:[.!?,;]|\n)[ \t\n]*(?P<name>\p{Lu}[\p{L}'’\-]+(?:[ \t]+\p{Lu}[\p{L}'’\-]+){0,2})[ \t.!]*$", regex.V1
)


def name_spans(text: str, language: str) -> list[Span]:
    """Names after a cue, first name + last name pairs anywhere, and first names the language does not
    use as words."""
    spans = []
    after = _after_pattern(language)
    for m in after.finditer(text) if after else ():
        words = m["name"].split()
        if all(listed(w, language) and frequency(w.lower(), language) < CUED_MAX for w in words):
            spans.append(Span(m.start("name"), m.end("name"), "PERSON", 0.8))
    closing = CLOSING_NAME.search(text)
    if closing and all(
        cued_listed(w, language) or frequency(w.lower(), language) < RARE for w in closing["name"].split()
    ):
        spans.append(Span(closing.start("name"), closing.end("name"), "PERSON", 0.8))
    for cue in _cue_pattern(language).finditer(text):
        found = _take_name(text, cue.end(), language, cued=True)
        if found:
            spans.append(Span(found[0], found[1], "PERSON", 0.85))
    words = list(WORD.finditer(text))
    for i, m in enumerate(words):
        word = m.group()
        if not _is_capitalised(word) or word.lower() in STOP:
            continue
        freq = frequency(word.lower(), language)
        if not first_name(word, language):
            continue
        nxt = words[i + 1] if i + 1 < len(words) else None
        adjacent = nxt is not None and regex.fullmatch(r"[ \t]+", text[m.end() : nxt.start()]) is not None
        if (
            adjacent
            and nxt is not None
            and _is_capitalised(nxt.group())
            and last_name(nxt.group(), language)
            and freq < PAIR_MAX
        ):
            spans.append(Span(m.start(), _run_end(text, words, i + 1, language), "PERSON", 0.8))
        elif freq < SOLO_MAX and frequency(word.lower(), "en") < SOLO_MAX + 1:
            spans.append(Span(m.start(), _run_end(text, words, i, language), "PERSON", 0.7))
    return spans


def _run_end(text: str, words: list[regex.Match[str]], last: int, language: str) -> int:
    """The end of a name run: further adjacent capitalised listed names after ``words[last]`` join it
    (names written family name, middle name, given name: "Nguyen Van Bao John", "Mai Bảo Jane")."""
    end = last
    while (
        end + 1 < len(words)
        and end + 1 - last < 3
        and regex.fullmatch(r"[ \t]+", text[words[end].end() : words[end + 1].start()])
        and _is_capitalised(words[end + 1].group())
        and words[end + 1].group().lower() not in STOP
        and cued_listed(words[end + 1].group(), language)
        and frequency(words[end + 1].group().lower(), language) < PAIR_MAX
    ):
        end += 1
    return words[end].end()


def answer_name(reply: str, language: str) -> list[Span]:
    """A short reply to "your name?": its listed or rare capitalised words (lower-case listed names too)."""
    spans = []
    for m in WORD.finditer(reply):
        word = m.group()
        low = word.lower()
        if low in STOP:
            continue
        freq = frequency(low, language)
        if (cued_listed(word, language) and freq < CUED_MAX) or (_is_capitalised(word) and freq < RARE):
            spans.append(Span(m.start(), m.end(), "PERSON", 0.8))
    return spans
