"""Which language a conversation is written in, offline (lingua's bundled n-gram models).

One decision per conversation, on all its turns together: a reply of two words tells nothing, a whole
exchange does. The detector knows only the policy's candidate languages (the supported ones and the
commonest others), which keeps it fast and keeps an unsupported language from being taken for the
nearest supported one. Text too short or too mixed to tell gets the policy's default language.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from support_curation.redaction.policy import LanguageSettings

SAMPLE_CHARS = 2_000  # enough to tell any language apart; long tickets need not be read whole
# what stays of a token once its punctuation is stripped
PUNCTUATION = ".,;:!?¡¿()[]{}\"'«»“”‘’…-–—*_/\\"


def _words(texts: Sequence[str]) -> list[str]:
    """The lower-case words of the conversation. Everything else says little of the language and
    misleads a detector: links, handles, e-mails, tags, codes, numbers, and capitalised words (names,
    places, brands: an English sentence about "Janka Szász" of "Fürling" is English)."""
    words = []
    for token in "\n".join(texts)[: SAMPLE_CHARS * 2].split():
        word = token.strip(PUNCTUATION)
        if len(word) >= 2 and word.isalpha() and word.islower():
            words.append(word)
    return words


@lru_cache(maxsize=4)
def _detector(candidates: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in candidates]
    # low-accuracy mode reads trigrams only: a fraction of the load time, and as good on a whole
    # conversation (it loses accuracy on single words, which never decide here)
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(texts: Sequence[str], settings: LanguageSettings) -> str:
    """The ISO 639-1 code of the conversation's language (the default when it cannot be told)."""
    words = _words(texts)
    if sum(map(len, words)) < settings.min_letters:
        return settings.default
    if sum(_zipf(w, settings.default) >= COMMON for w in words) >= settings.fast_share * len(words):
        # most words are everyday words of the default language: no need to ask the detector (a
        # dictionary look-up per word, against milliseconds of n-gram scoring per conversation)
        return settings.default
    sample = " ".join(words)
    values = _detector(tuple(settings.candidates)).compute_language_confidence_values(sample)
    if not values:
        return settings.default
    best = values[0]
    language = str(best.language.iso_code_639_1.name).lower()
    if best.value < settings.min_confidence:
        return settings.default
    if (
        language != settings.default
        and _word_margin(words, language, settings.default) < settings.min_word_margin
    ):
        return settings.default
    return language


COMMON = 3.5  # Zipf: an everyday word ("order", "thanks", "arrived")


@lru_cache(maxsize=131072)
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


def _word_margin(words: Sequence[str], language: str, default: str) -> float:
    """How much more the sample's lower-case words belong to ``language`` than to the default one (mean
    Zipf difference): lingua's n-grams alone take short lower-case English chat ("hai salads classic
    caesar no thanks") for Dutch or Swedish; the words themselves do not."""
    unique = set(words)
    if not unique:
        return 0.0
    return sum(_zipf(w, language) - _zipf(w, default) for w in unique) / len(unique)
