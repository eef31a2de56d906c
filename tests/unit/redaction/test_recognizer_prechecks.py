"""Cheap prechecks of the pattern recognizers (``recognizers.base.Gated``) never skip a match.

A recognizer's ``WORDS`` lets it skip, with a substring test, ASCII text that holds none of its keywords.
Each recognizer runs with and without that precheck over the eval corpora (one turn at a time, as the
redactor reads them), over seeded Faker text with the keywords planted in every case and over a few
non-ASCII texts; the results must be the same, and the planted values found (so the comparison compares
something).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from faker import Faker

from support_curation.redaction.engine import project_recognizers

RECOGNIZERS = project_recognizers()
WORDED = sorted(name for name, cls in RECOGNIZERS.items() if getattr(cls, "WORDS", ()))
PATTERN_WORDED = sorted(name for name, cls in RECOGNIZERS.items() if getattr(cls, "PATTERN_WORDS", {}))
# recognizers whose TRIGGER or digit gate is also compared here, over the corpora (test_recognizers.py:
# over its tables)
GATED = ["UsSsnRecognizer", "SpacedCodeRecognizer", "ShortAnswerNumberRecognizer"]
EVAL = Path("/work/shared/eval")
TURNS_PER_CORPUS = 3000  # a sample keeps the test to seconds; the redactor's golden run reads them all


def _eval_turns() -> list[str]:
    turns: list[str] = []
    for path in sorted(EVAL.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            found = [turn for line in lines for turn in json.loads(line)["text"].split("\n") if turn.strip()]
        turns += found[:TURNS_PER_CORPUS]
    return turns


def _planted(seed: int) -> list[str]:
    """Sentences holding the recognizers' values after their cue words, in lower, Title and UPPER case."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    number, code, user = fake.numerify("########"), fake.bothify("??-####-?#").upper(), fake.user_name()
    # one cue a sentence, so that a cue missing from a recognizer's WORDS makes a difference
    sentences = [
        f"my order number is {number}",
        f"the invoice # {code}",
        f"tracking number {number}",
        f"claim no. {number}",
        f"policy number: {code}",
        f"booking reference {code}",
        f"record locator {code}",
        f"account number {number}",
        f"membership id {code}",
        f"sort code {number}",
        f"a/c {number}",
        f"ticket {number}",
        f"case #{number}",
        f"it was TCK-{number}",
        f"see sr{number}",
        f"incident {number}",
        f"request {code}",
        f"hash #{number} please",
        f"my username is {user}1",
        f"login: {user}_9",
        f"signed in as {user}.7",
        f"handle {user}_3",
        f"screen name is {user}_2",
        f"my password is {fake.password()}",
        f"my pin is {fake.numerify('####')}",
        f"passwd = {fake.password()}",
        f"pwd {fake.password()}",
        f"security answer is {fake.last_name()}x9",
        f"last four digits are {fake.numerify('####')}",
        f"final 4 {fake.numerify('####')}",
        f"it ends in {fake.numerify('####')}",
        f"ssn {number}",
        f"social security number {fake.numerify('####')}",
        f"agent id {code}",
        f"employee no. {code}",
        f"operator # {code}",
        f"reference INT-{code}",
        f"system ref AB-{number}-X9",
        f"I work at {fake.company()}",
        f"we were employed with {fake.company()}",
        f"my employer is {fake.company()}",
        f"the company is {fake.company()}",
        f"we work as the {fake.job()}",
        *(f"my ssn is {fake.ssn().replace('-', sep)}" for sep in ("-", " ", ".", "")),
        f"ssn {fake.numerify('#####-####')} or {fake.numerify('###-######')}",
        f"ssn {fake.numerify('###-##.####')}",
        f"the code is kum {fake.numerify('###')}",
        f"it says {fake.bothify('? # ? # ? #')} on the box",
        f"its {fake.numerify('####')}",
        f"Flat {fake.numerify('##')}C, {fake.street_address()}",
        f"apt {fake.numerify('#')}b",
        f"the address is Suite {fake.numerify('##')}",
        f"Unit {fake.numerify('##')}, {fake.numerify('##')} Naylor Passage",
        f"P.O. Box {fake.numerify('####')}",
        f"my address is {fake.numerify('##')} {fake.last_name()} Road",
        f"ship to {fake.numerify('###')} {fake.last_name()} way",
        f"we live at {fake.numerify('##')} {fake.last_name()} corner",
        f"postcode is {fake.bothify('??# #??').lower()}",
        f"zip code {fake.zipcode()}",
        f"{fake.city()}, {fake.state_abbr()} {fake.zipcode()}",
        f"mail {fake.email()}",
        f"reach me at {user} at {fake.domain_word()} dot com",
        f"it is {user}@gmail",
    ]
    for locale in EUROPEAN_LOCALES:  # street name first, then the number; as written and as plain ASCII
        street = Faker(locale)
        street.seed_instance(seed)
        for _ in range(8):
            address = street.street_address()
            sentences += [f"I live at {address}, thanks", f"ship it to {_ascii(address)} please"]
    cased = [variant for s in sentences for variant in (s, s.title(), s.upper())]
    filler = [fake.sentence(nb_words=12) for _ in range(40)]
    return cased + filler + [f"{fake.sentence()} {s} {fake.sentence()}" for s in sentences]


EUROPEAN_LOCALES = ["de_DE", "nl_NL", "it_IT", "fr_FR", "es_ES", "pl_PL", "da_DK", "fi_FI", "hu_HU", "cs_CZ"]


def _ascii(text: str) -> str:
    """The text as a keyboard without accents writes it: "Hauptstrasse", "Mila"."""
    text = text.replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# non-ASCII text runs the patterns whatever its words: lower-casing there is not the patterns' IGNORECASE
NON_ASCII = [
    "my ordér number is 12345678, username jdoe_84 — thanks",
    "Ａccount number 55501234 and ticket № 48213",
    "I work at Café Müller; my password is hunter2!",
]


def _spans(instance: object, text: str) -> list[tuple[int, int, str, float]]:
    results = instance.analyze(text, instance.supported_entities, None)  # type: ignore[attr-defined]
    return sorted((r.start, r.end, r.entity_type, r.score) for r in results)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _eval_turns() + [t for seed in range(3) for t in _planted(seed)] + NON_ASCII


def test_words_are_lower_case_ascii() -> None:
    assert WORDED, "no recognizer has WORDS: this file tests nothing"
    for name in WORDED:
        words = RECOGNIZERS[name].WORDS
        assert all(w and w.isascii() and w == w.lower() for w in words), name


@pytest.mark.parametrize("name", WORDED + GATED)
def test_prechecks_never_skip_a_match(name: str, texts: list[str]) -> None:
    with_words, without = RECOGNIZERS[name](), RECOGNIZERS[name]()
    without._words = ()  # the instance attribute the precheck reads first
    without.TRIGGER = None
    without.NEEDS_DIGIT = False
    assert without.__dict__.get("_words", without.WORDS) == ()
    found_any = False
    for text in texts:
        expected = _spans(without, text)
        assert _spans(with_words, text) == expected, (name, len(text))
        found_any = found_any or any(score >= 0.45 for *_, score in expected)
    assert found_any, f"{name} found nothing: the comparison compared nothing"


@pytest.mark.parametrize("name", PATTERN_WORDED)
def test_pattern_words_never_skip_a_match(name: str, texts: list[str]) -> None:
    with_words, without = RECOGNIZERS[name](), RECOGNIZERS[name]()
    assert set(with_words.PATTERN_WORDS) <= {p.name for p in with_words.PATTERNS}, "a name names no pattern"
    without._compiled = [(*entry[:3], ()) for entry in without._compiled]
    for text in texts:
        assert _spans(with_words, text) == _spans(without, text), (name, len(text))
    # each pattern with words found something here, or the comparison would compare nothing for it
    for pattern in with_words.PATTERN_WORDS:
        alone = RECOGNIZERS[name](patterns=[p for p in with_words.PATTERNS if p.name == pattern])
        assert any(_spans(alone, t) for t in texts), (name, pattern)


@pytest.mark.parametrize("name", WORDED)
def test_words_skip_ascii_text_without_them_only(name: str) -> None:
    recognizer, without = RECOGNIZERS[name](), RECOGNIZERS[name]()
    without._words = ()
    assert not recognizer.can_match("thanks, have a nice day 12345, bye")
    for text in NON_ASCII + ["thanks, have a nice day 12345, café"]:  # non-ASCII: the words test nothing
        assert recognizer.can_match(text) == without.can_match(text)


def test_other_patterns_turn_the_words_off() -> None:
    """WORDS hold for the class's own patterns: an instance given others runs them on any text."""
    from presidio_analyzer import Pattern

    cls = RECOGNIZERS["OrderNumberRecognizer"]
    custom = cls(patterns=[Pattern("any", r"(?P<value>\d{5})", 0.9)])
    assert [(r.start, r.end) for r in custom.analyze("ref 12345", custom.supported_entities)] == [(4, 9)]
    assert cls().analyze("ref 12345", cls().supported_entities) == []
