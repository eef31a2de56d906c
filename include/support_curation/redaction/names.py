"""A name gazetteer from Faker's maintained locale name lists, and the cues that make a token a name.

Frequency in ordinary English (wordfreq) separates names that are also common words ("will", "hope",
"grant") from names that are only names; context (introductions, greetings, sign-offs, an agent's
question) lets a common-word name through.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from functools import cache, lru_cache

from support_curation.redaction import romanised_arabic
from support_curation.redaction.frequency import ZIPF, word_frequency

# Latin-script locales: the names customers of an English-language helpdesk may carry
_SKIP_LOCALES = {
    "ar",
    "az",
    "bg",
    "bn",
    "el",
    "fa",
    "gu",
    "he",
    "hi",
    "hy",
    "ja",
    "ka",
    "ko",
    "mk",
    "mr",
    "ne",
    "or",
    "ru",
    "si",
    "ta",
    "th",
    "uk",
    "zh",
}


# Romanised lists of locales written in another script (Chinese pinyin, Japanese romaji): their
# one-syllable names are often English words too ("Gang", "Fan", "Sun", "Song"); those that ordinary
# English uses this much are names only after a cue or beside another name (``is_cued_name``)
_ROMANISED = ("zh_CN", "ja_JP")
ROMANISED_COMMON = 4.0
# letters Unicode does not decompose into a base letter and an accent, as an English keyboard types
# them: "Đặng" -> "dang", "Michał" -> "michal", "Yılmaz" -> "yilmaz", "Søren" -> "soren"
_UNDECOMPOSED = str.maketrans(
    {"đ": "d", "ð": "d", "ł": "l", "ı": "i", "ø": "o", "ħ": "h", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"}
)


_APOSTROPHE_HYPHEN = re.compile(r"['’\-]")


@lru_cache(maxsize=131072)  # called for every token of every turn
def _fold(word: str) -> str:
    """Lower-case and strip accents: "Szöllösy" and "szollosy" are the same candidate."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names), accent-folded and lower-cased."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if module.name.split("_")[0] in _SKIP_LOCALES:
            continue
        locale_first, locale_last = locale_name_lists(module.name)
        first |= locale_first
        last |= locale_last
    first |= romanised_arabic.GIVEN
    last |= romanised_arabic.FAMILY
    for locale in _ROMANISED:
        locale_first, locale_last = _romanised_lists(locale)
        first |= {n for n in locale_first if word_frequency(n) < ROMANISED_COMMON}
        last |= {n for n in locale_last if word_frequency(n) < ROMANISED_COMMON}
    return frozenset(first), frozenset(last)


@lru_cache(maxsize=1)
def cued_only_names() -> frozenset[str]:
    """Romanised names that are also common English words ("gang", "fan", "song"), and Vietnamese middle
    names: names after a cue ("my name is", "thanks") or beside another name ("Zhou Gang", "Nguyen Hai
    Lan"), words anywhere else."""
    common: set[str] = set()
    for locale in _ROMANISED:
        for names in _romanised_lists(locale):
            common |= {n for n in names if word_frequency(n) >= ROMANISED_COMMON and len(n) >= 3}
    # Vietnamese middle names ("Văn", "Thị", "Hải"): inside a full name only ("hai" is also "hi")
    provider = importlib.import_module("faker.providers.person.vi_VN").Provider
    common |= {_fold(n) for n in getattr(provider, "middle_names", ()) if str(n).isalpha()}
    return frozenset(common - gazetteer()[0] - gazetteer()[1])


def _romanised_lists(faker_locale: str) -> tuple[frozenset[str], frozenset[str]]:
    provider = importlib.import_module(f"faker.providers.person.{faker_locale}").Provider
    lists = []
    for attr in ("first_romanized_names", "last_romanized_names"):
        names = getattr(provider, attr, ())
        lists.append(
            frozenset(
                _fold(p)
                for n in names
                for p in str(n).replace("-", " ").split()
                if p.isalpha() and len(p) >= 2
            )
        )
    return lists[0], lists[1]


@cache
def locale_name_lists(faker_locale: str) -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) of one Faker locale, accent-folded and lower-cased, as name parts."""
    provider = importlib.import_module(f"faker.providers.person.{faker_locale}").Provider
    first: set[str] = set()
    last: set[str] = set()
    for attr, target in (
        ("first_names", first),
        ("first_names_male", first),
        ("first_names_female", first),
        ("last_names", last),
    ):
        names = getattr(provider, attr, ())
        if not isinstance(names, (list, tuple, dict, set, frozenset)):
            continue  # some locales compute their lists (properties): skip those
        for name in names:
            for part in str(name).replace("-", " ").split():
                if part.isalpha() and len(part) >= 2:
                    target.add(_fold(part))
    return frozenset(first), frozenset(last)


# The per-word answers below are pure (the lists load once and never change) and asked for every token
# of every turn, by the recognizer, the NER gate and propagation alike: cached, a repeated word costs one
# dictionary look-up instead of a fold and two set look-ups.
@lru_cache(maxsize=131072)
def is_first_name(word: str) -> bool:
    return _fold(word) in gazetteer()[0]


@lru_cache(maxsize=131072)
def is_last_name(word: str) -> bool:
    return _fold(word) in gazetteer()[1]


@lru_cache(maxsize=131072)
def is_name(word: str) -> bool:
    return is_first_name(word) or is_last_name(word)


@lru_cache(maxsize=65536)
def is_cued_name(word: str) -> bool:
    """A name where a cue or a neighbouring name says a name stands: the gazetteer's, and the romanised
    names that are also common English words."""
    return is_name(word) or _fold(word) in cued_only_names()


@lru_cache(maxsize=131072)  # a pure function of its arguments, asked for most tokens
def name_score(word: str, *, capitalized: bool, context: bool) -> float:
    """How likely a single token is a person's name (0 = not at all)."""
    if not _APOSTROPHE_HYPHEN.sub("", word).isalpha() or len(word) < 2:
        return 0.0  # letters only; "O'Neil", "Sa’idu" and "Al-Rashid" are letters too
    freq = word_frequency(word.lower())
    known = is_name(word)
    if context:
        known = known or (
            capitalized and is_cued_name(word)
        )  # "my name is ...", "thanks, ...", an answer to "may I have your name?"
        if known and freq < ZIPF.cued_name:
            return 0.85
        return 0.8 if freq < ZIPF.rare_word else 0.0
    if capitalized:
        if known and freq < ZIPF.capitalised_name:
            return 0.75
        return 0.0
    # lower-case, no context: only names that are not also ordinary words
    if is_first_name(word) and freq < ZIPF.rare_word:
        return 0.6
    return 0.0
