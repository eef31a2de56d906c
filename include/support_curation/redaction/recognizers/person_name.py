"""Person names the small NER model misses: lower-case names, names after introductions and in sign-offs,
and a name given on its own as an answer. Scored by the name gazetteer and word frequency
(see ``redaction.names``), so "will", "hope" or "i am fine" stay as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import EntityRecognizer

from support_curation.redaction.frequency import ZIPF, word_frequency
from support_curation.redaction.names import (
    is_cued_name,
    is_first_name,
    is_last_name,
    is_name,
    name_score,
)
from support_curation.redaction.recognizers._shared import MONTH
from support_curation.redaction.recognizers.base import make_result
from support_curation.redaction.romanised_arabic import PARTICLES as NAME_PARTICLES

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from support_curation.redaction.policy import RedactionPolicy

# words, with inner apostrophes and hyphens ("O'Neil", "Anne-Marie") but not a possessive "'s"
TOKEN = regex.compile(r"[^\W\d_]+(?:['’\-](?![sS]\b)[^\W\d_]+)*")
# cues after which the next words are very likely a name
STRONG_CUES = regex.compile(
    r"\b(?:(?:(?:my|his|her|the|account|full)\s+)?(?:full\s+|first\s+|last\s+|sur)?name\s*(?:is|was|'s|:)?"
    r"|name's|call\s+me|i\s+go\s+by|signed|regards|sincerely|dear|mr|mrs|ms|miss|dr|mister|sir|madam"
    r"|spelled|spelt|under\s+the\s+name(?:\s+of)?|name\s+on\s+the\s+(?:account|card|booking|reservation))\W*$",
    regex.IGNORECASE,
)
# cues that precede names and ordinary words alike ("this is John" / "this is ridiculous")
WEAK_CUES = regex.compile(
    r"\b(?:this\s+is|it's|its|it\s+is|i\s+am|i'm|im|hi|hello|hey|thanks|thank\s+you|thx|cheers|best|bye"
    r"|yo|hiya|heya|ty|tysm|thnx|thank\s+u|shout\s*out\s+to|kudos\s+to|props\s+to"
    r"|speaking\s+with|speak\s+to|talking\s+to|with|for|from|and|agent|colleague|manager|husband|wife"
    r"|son|daughter|mother|father|mom|dad|brother|sister|friend|partner)\W*$",
    regex.IGNORECASE,
)
MAX_NAME_TOKENS = 3
# weak cues that join any two words, unlike introductions ("this is", "i am") that present a name
CONNECTOR_SCAN = regex.compile(r"\b(?:and|with|for|from|or|to)\b\W*", regex.IGNORECASE)
# the cue patterns without their "$": one pass over the text gives every position a cue ends at,
# instead of two searches of a window before every token
# (a cue must end a word: "mr" in "Mrs.", or "it" of "its" do not end there)
STRONG_SCAN = regex.compile(STRONG_CUES.pattern.removesuffix(r"\W*$") + r"\b\W*", regex.IGNORECASE)
WEAK_SCAN = regex.compile(WEAK_CUES.pattern.removesuffix(r"\W*$") + r"\b\W*", regex.IGNORECASE)
# what follows a name that opens an answer, when the customer gives several details at once
LEAD_FOLLOWERS = frozenset(
    {"and", "password", "pin", "email", "phone", "account", "zip", "ssn", "my", "here"}
)


class PersonNameRecognizer(EntityRecognizer):
    """A PERSON recognizer driven by cues and a gazetteer rather than a statistical model."""

    ENTITY = "PERSON"

    def __init__(
        self,
        context: list[str] | None = None,
        supported_language: str = "en",
        supported_entity: str = ENTITY,
    ) -> None:
        # no patterns, and no context scoring: the cues above are its context
        super().__init__(
            supported_entities=[supported_entity],
            name=type(self).__name__,
            supported_language=supported_language,
            context=context,
        )

    @classmethod
    def from_policy(cls, policy: RedactionPolicy) -> PersonNameRecognizer:
        instance = cls()
        instance.brand_names = frozenset(n.lower() for n in policy.brand.names)
        return instance

    brand_names: frozenset[str] = frozenset()  # the organisation's own names ("Acme"): never a person's

    def load(self) -> None:  # the gazetteer loads lazily, on first use
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        if not tokens:
            return []
        spans: list[tuple[int, int, float]] = []
        if answer := self._standalone_answer(tokens, text) or self._leading_name(tokens, text):
            spans.append(answer)
        strong_ends = {m.end() for m in STRONG_SCAN.finditer(text)}
        weak_ends = {m.end() for m in WEAK_SCAN.finditer(text)}
        connector_ends = {m.end() for m in CONNECTOR_SCAN.finditer(text)}
        i = 0
        while i < len(tokens):
            start, end, word = tokens[i]
            cue = _STRONG if start in strong_ends else _WEAK if start in weak_ends else _NO_CUE
            if not _may_score(word, cue):
                # most tokens: an everyday word ("the", "Please"), which no path below scores
                i += 1
                continue
            if word.lower() in self.brand_names:
                i += 1
                continue
            if _in_date(text, start, end, word):  # "3 Mar 2026", "June 5th": a month, not a name
                i += 1
                continue
            if start and text[start - 1] in "#@＠":
                # a hashtag or a handle: NameHashtagRecognizer and SocialHandleRecognizer read those
                # (and keep the brand's own care account)
                i += 1
                continue
            capitalized = word[0].isupper() and not word.isupper() and not _sentence_start(text, start)
            if cue == _STRONG:
                score = name_score(word, capitalized=capitalized, context=True)
            elif cue == _WEAK:
                freq = word_frequency(word.lower())
                if word[0].isupper() or start not in connector_ends:
                    # a romanised name that is also a word ("Thanks Gang") after an introduction or a
                    # greeting, not after a connector ("with Sun")
                    named = is_name(word) or (
                        word[0].isupper() and start not in connector_ends and is_cued_name(word)
                    )
                    known = named and freq < ZIPF.weak_cue_name
                else:  # "and price", "for hope": after a connector, lower-case names are words first
                    known = (is_first_name(word) and freq < ZIPF.common_name) or (
                        is_name(word) and freq < ZIPF.rare
                    )
                score = (
                    0.7 if known or freq < ZIPF.uncommon or (capitalized and freq < ZIPF.common_name) else 0.0
                )
            else:
                score = name_score(word, capitalized=capitalized, context=False)
                freq = word_frequency(word.lower())
                if not score and word[0].isupper() and _sentence_start(text, start):
                    # a name opening a sentence: clearly a name, or a name-like word before a surname
                    # or a colon (a speaker label, "Nicole: Remember me?")
                    nxt = text[end : end + 2]
                    followed = nxt[:1] == ":" or (nxt[:1] == " " and nxt[1:2].isupper())
                    score = (
                        0.6
                        if is_name(word) and (freq < ZIPF.rare or followed and freq < ZIPF.cued_name)
                        else 0.0
                    )
                    score = score or (0.5 if followed and freq < ZIPF.very_rare and len(word) >= 3 else 0.0)
                    # a first name opening a sentence as its subject: "James was super helpful"
                    score = score or (
                        0.55
                        if is_first_name(word)
                        and freq < ZIPF.weak_cue_name
                        and not _MONTH.fullmatch(word)
                        and _SUBJECT_VERB.match(text, end)
                        else 0.0
                    )
                if not score and capitalized and freq < ZIPF.unknown and len(word) >= 3:
                    score = (
                        0.5  # a capitalised word English hardly knows, mid-sentence: a name far more often
                    )
            if score and word.islower() and _chat_word(word):
                score = 0.0
            if score:
                j = i
                while (
                    j + 1 < len(tokens)
                    and j - i + 1 < MAX_NAME_TOKENS
                    and _continues_name(text, tokens[j], tokens[j + 1])
                ):
                    j += 1
                spans.append((start, tokens[j][1], score))
                i = j + 1
            else:
                i += 1
        entity = self.supported_entities[0]
        return [make_result(self, entity, s, e, score) for s, e, score in spans]

    @staticmethod
    def _leading_name(tokens: list[tuple[int, int, str]], text: str) -> tuple[int, int, float] | None:
        """A message opening with a name and then the next detail ("jane doe 4417", "jane and ...")."""
        if text[: tokens[0][0]].strip():
            return None
        run = 0
        while run < min(len(tokens), MAX_NAME_TOKENS) and _name_like(tokens[run][2]):
            run += 1
        if not run:
            return None
        end = tokens[run - 1][1]
        rest = text[end:].lstrip(" ,")
        following = tokens[run][2].lower() if run < len(tokens) else ""
        first = tokens[0][2]
        if (
            rest[:1].isdigit()
            or following in LEAD_FOLLOWERS
            or (is_first_name(first) and word_frequency(first.lower()) < ZIPF.capitalised_name)
        ):
            return tokens[0][0], end, 0.65
        return None

    @staticmethod
    def _standalone_answer(tokens: list[tuple[int, int, str]], text: str) -> tuple[int, int, float] | None:
        """A short message that is only a name or two ("viswa", "jane doe"): an answer to "your name?"."""
        if len(tokens) > MAX_NAME_TOKENS or regex.search(r"\d", text):
            return None
        if all(_name_like(word) for _, _, word in tokens):
            return tokens[0][0], tokens[-1][1], 0.6
        return None


# what precedes a token: a strong cue ("my name is"), a weak one ("thanks", "with") or neither
_NO_CUE, _STRONG, _WEAK = 0, 1, 2


@lru_cache(maxsize=65536)  # asked for every token of every text; a long e-mail repeats its words
def _may_score(word: str, cue: int) -> bool:
    """Whether ``analyze`` may score the word after that cue, wherever it stands in the text: False lets
    it skip the word at once. Never narrower than ``analyze``: each condition is one of its ways to a
    score for that cue, with what depends on the text around the word (whether a sentence starts there,
    a colon, a surname or a verb after it, a connector before it) taken at its most permissive."""
    freq = word_frequency(word.lower())
    upper = word[0].isupper()  # ``capitalized`` in ``analyze`` also needs a word mid-sentence
    if cue == _STRONG:
        may = bool(
            name_score(word, capitalized=upper, context=True)
            or name_score(word, capitalized=False, context=True)
        )
    elif cue == _WEAK:
        may = (
            is_cued_name(word)  # every "known" of that branch is a listed or a cued name
            or freq < ZIPF.uncommon
            or (upper and freq < ZIPF.common_name)
        )
    elif not upper:  # not capitalised, nor a sentence's opening name: the word alone decides
        may = bool(name_score(word, capitalized=False, context=False))
    else:
        may = bool(
            name_score(word, capitalized=True, context=False)  # mid-sentence
            or name_score(word, capitalized=False, context=False)  # opening a sentence
            # a sentence's opening name: listed, a name-like word before a surname or a colon, a subject
            or (is_name(word) and (freq < ZIPF.rare or freq < ZIPF.cued_name))
            or (len(word) >= 3 and freq < ZIPF.very_rare)
            or (is_first_name(word) and freq < ZIPF.weak_cue_name)
            # a capitalised word English hardly knows, mid-sentence
            or (len(word) >= 3 and freq < ZIPF.unknown)
        )
    return may and not (word.islower() and _chat_word(word))  # chat shorthand is never scored


def _name_like(word: str) -> bool:
    """A known name that is not mainly an ordinary word, or a word too rare to be an ordinary one."""
    freq = word_frequency(word.lower())
    return (
        word.isalpha()
        and len(word) >= 2
        and ((is_name(word) and freq < ZIPF.weak_cue_name) or freq < ZIPF.rare)
        and not (word.islower() and _chat_word(word))
    )


# chat shorthand that the name lists also hold ("ty", "ur") or that is too rare for word lists
CHAT_SHORTHAND = frozenset(
    {
        "ty",
        "tx",
        "thx",
        "thnx",
        "tq",
        "pls",
        "plz",
        "ur",
        "np",
        "lol",
        "omg",
        "tbh",
        "btw",
        "idk",
        "imo",
        "ikr",
        "brb",
        "ttyl",
        "smh",
        "fyi",
        "asap",
        "jk",
        "lmao",
        "rofl",
        "ily",
        "wtf",
        "ffs",
        "hun",
        "bae",
        "bro",
        "sis",
        "okie",
        "okk",
        "kk",
        "gm",
        "gn",
        "mrng",
        "mrg",
        "gud",
    }
)


@lru_cache(maxsize=16384)
def _chat_word(word: str) -> bool:
    """Chat writing, not a name: shorthand, a stretched word ("hii", "byee", "sooo") or two everyday
    words run together ("thankyou", "nothanks") -- unless the name lists know it as it is."""
    if word in CHAT_SHORTHAND:
        return True
    if is_name(word):
        return False
    # stretched: a letter said three times, or the last one twice ("sooo", "hii"; not "smmith", "jully")
    if regex.search(r"(.)\1\1|(.)\2$", word):
        squeezed = regex.sub(r"(.)\1+", r"\1", word)
        if word_frequency(squeezed) >= ZIPF.common_name and not is_name(squeezed):
            return True
    # run together: two everyday words of three letters or more ("thankyou"; not "aman", "asif", "usher")
    return len(word) >= 7 and any(
        word_frequency(word[:i]) >= ZIPF.capitalised_name
        and word_frequency(word[i:]) >= ZIPF.capitalised_name
        for i in range(3, len(word) - 2)
    )


_MONTH = regex.compile(rf"(?i:{MONTH})")
# what a person does in a support story, right after their name
_SUBJECT_VERB = regex.compile(
    r"[ \t]+(?:was|is|has|had|said|says|told|helped|sorted|fixed|called|rang|emailed|replied|answered"
    r"|promised|explained|sent|went|did|got)\b"
)
_DAY_BEFORE = regex.compile(r"\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+$")
_DAY_OR_YEAR_AFTER = regex.compile(r"\.?,?\s+(?:\d{1,2}(?:st|nd|rd|th)?\b|\d{4}\b)")


@lru_cache(maxsize=16384)  # asked for every token; few distinct words
def _is_month(word: str) -> bool:
    return _MONTH.fullmatch(word) is not None


def _in_date(text: str, start: int, end: int, word: str) -> bool:
    """A month name or abbreviation with a day before it or a day or year after it."""
    return bool(
        _is_month(word)
        and (_DAY_BEFORE.search(text[max(0, start - 12) : start]) or _DAY_OR_YEAR_AFTER.match(text, end))
    )


def _sentence_start(text: str, start: int) -> bool:
    """Nothing but quotes, brackets and blanks between the word and the text's start or the end of a
    sentence (the last character before them). Walks back instead of copying the text before ``start``:
    asked for every capitalised word of a long e-mail."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'(":
        i -= 1
    return i < 0 or text[i] in ".!?\n:;"


def _continues_name(text: str, current: tuple[int, int, str], following: tuple[int, int, str]) -> bool:
    """The next token extends a name: adjacent (space or hyphen), and a name or a rare word itself."""
    gap = text[current[1] : following[0]]
    if gap not in (" ", "-", " - ", ". "):
        return False
    word = following[2]
    if word.lower() in NAME_PARTICLES and word.lower() not in ("as", "ad"):
        # "Abdul Rahman bin Khalid", "Noor ul Huda": a particle with a capitalised name after it
        return regex.match(r"[ \-]\p{Lu}\p{Ll}", text[following[1] : following[1] + 3]) is not None
    if len(word) == 1 and word.isupper():
        # a middle initial ("Ravil G Yefimov"), not the next sentence's "I" ("Ikhsan Rahayu. I am")
        return gap == " " and (word != "I" or text[following[1] : following[1] + 2][1:2].isupper())
    freq = word_frequency(word.lower())
    if word[0].isupper() and not word.isupper():
        return freq < ZIPF.common_name or (is_cued_name(word) and freq < ZIPF.cued_name)
    # lower-case: a name that is not mainly a word, a word English hardly knows, or a surname after a
    # first name ("i am robert smith")
    return (
        (is_name(word) and freq < ZIPF.common_name)
        or freq < ZIPF.very_rare
        or (is_last_name(word) and freq < ZIPF.cued_name and is_first_name(current[2]))
    )
