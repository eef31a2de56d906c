"""The name recognizers' shortcuts never change what they find: each is compared with the recognizer
run without it, on seeded texts (Faker names of several locales in every kind of context, long formal
e-mails, chat turns, signatures).

- ``PersonNameRecognizer`` skips a token when ``_may_score`` says no path of ``analyze`` could score it;
- ``SignatureNameRecognizer`` reads only the text's last lines (``_search_from``);
- ``_sentence_start`` walks back instead of copying the text before the word;
- ``AuthorLabelRecognizer`` looks for a label only where its words are;
- ``SignatureNameRecognizer`` skips ASCII text whose last word has no capital, ``SignOffNameRecognizer``
  ASCII text without a closing word.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from faker import Faker

from support_curation.redaction.recognizers import author_label, person_name
from support_curation.redaction.recognizers.author_label import AuthorLabelRecognizer
from support_curation.redaction.recognizers.base import Gated, ValuePatternRecognizer
from support_curation.redaction.recognizers.person_name import PersonNameRecognizer
from support_curation.redaction.recognizers.sign_off_name import SignOffNameRecognizer
from support_curation.redaction.recognizers.signature_name import SignatureNameRecognizer

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "vi_VN", "tr_TR"]
# ordinary words, names that are words too, months, chat writing, shorthand, a brand, odd forms
_VOCABULARY = (
    "the a I i we Please Thanks will Will hope Hope grant Grant may May June june Mar Monday Black "
    "North Google Visa Sales Kind regards sun Sun gang Gang song Hai hai ty thx ur lol hii byee sooo "
    "thankyou nothanks okie Acme acme O'Neil Al-Rashid bin ibn ul Abu Noor Sa’idu CLM IBAN TCK "
    "Sumarlidason viswa Xyzzyq qwrtz was said helped"
)
WORDS = _VOCABULARY.split()
# every kind of place the recognizer reads around a token ("{}" is the token)
CONTEXTS = [
    "{}",
    "{} {}",
    "{} 4417",
    "{} and my email",
    "my name is {}",
    "My name is {} {}.",
    "name: {}",
    "Dear {},",
    "Regards,\n{}",
    "this is {}",
    "hi {} how are you",
    "Thanks {}!",
    "I spoke with {} yesterday",
    "I spoke with {} {} yesterday",
    "a gift for {} and {}",
    "It was fine. {} was super helpful.",
    "The order arrived. {}: is it here?",
    "The order arrived. {} {} called.",
    "we met {} on 3 {} 2026",
    "ask #{} or @{}",
    '("{}") said the note',
    "I am {} {} {} {}",
]


def _words(seed: int) -> list[str]:
    words = list(WORDS)
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        for _ in range(12):
            words += [fake.first_name(), fake.last_name()]
    return [w for w in words if w.strip()]


def _grid(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = _words(seed)
    texts = []
    for _ in range(count):
        context = rng.choice(CONTEXTS)
        filled = context.format(*(rng.choice(words) for _ in range(context.count("{}"))))
        if rng.random() < 0.3:
            filled = filled.lower()
        texts.append(filled)
    return texts


def _found(recognizer: Any, text: str) -> list[tuple[int, int, str, float]]:
    return [(r.start, r.end, r.entity_type, r.score) for r in recognizer.analyze(text, ["PERSON"], None)]


def _person_found_without_precheck(
    monkeypatch: pytest.MonkeyPatch, recognizer: PersonNameRecognizer, texts: list[str]
) -> list[list[tuple[int, int, str, float]]]:
    with monkeypatch.context() as patch:
        patch.setattr(person_name, "_may_score", lambda word, cue: True)
        return [_found(recognizer, t) for t in texts]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_person_precheck_skips_no_token_that_would_be_scored(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    recognizer = PersonNameRecognizer()
    recognizer.brand_names = frozenset({"acme"})
    texts = _grid(seed, 1500)
    found = [_found(recognizer, t) for t in texts]
    assert found == _person_found_without_precheck(monkeypatch, recognizer, texts)
    assert sum(map(len, found)) > 500  # the grid does hold names


def test_person_precheck_on_long_emails(monkeypatch: pytest.MonkeyPatch, long_texts: list[str]) -> None:
    recognizer = PersonNameRecognizer()
    texts = long_texts
    found = [_found(recognizer, t) for t in texts]
    assert found == _person_found_without_precheck(monkeypatch, recognizer, texts)
    assert all(found[:3])


def test_person_precheck_never_skips_a_token_it_scores() -> None:
    """Each word the recognizer finds after a cue or without one: ``_may_score`` says it may be scored."""
    recognizer = PersonNameRecognizer()
    for text, cue in [
        ("my name is Hope", person_name._STRONG),
        ("thanks Priya", person_name._WEAK),
        ("The parcel came. Sumarlidason: where is it?", person_name._NO_CUE),
        ("we asked giuseppe about it", person_name._NO_CUE),
    ]:
        ((start, end, _, _),) = _found(recognizer, text)
        assert person_name._may_score(text[start:end].split()[0], cue)
    assert not person_name._may_score("the", person_name._NO_CUE)
    assert not person_name._may_score("Please", person_name._NO_CUE)
    assert not person_name._may_score("ty", person_name._WEAK)  # chat shorthand, never a name


@pytest.mark.parametrize("seed", range(5))
def test_sentence_start_walks_back_as_the_copy_did(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab .!?\n:;,\t\"'()"
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        for start in range(len(text) + 1):
            before = text[:start].rstrip(" \t\"'(")
            assert person_name._sentence_start(text, start) == (not before or before[-1] in ".!?\n:;")


SIGN_OFFS = [
    "Thanks,",
    "Kind regards,",
    "Have a good day!",
    "Cheers 🙌",
    "--",
    "-- ",
    "... -",
    "sorted. ",
    "ok…",
]
FOOTERS = ["", "\nSent from my iPhone", "\nsent from my phone", "\nGet Outlook for Android", "\n\n", "  \n "]


def _signature_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    fake = Faker(rng.choice(LOCALES))
    fake.seed_instance(seed)
    bodies = ["", "Please help with my order.", "It works now, thank you!\n", "Line one\nline two, ok"]
    texts = []
    for _ in range(count):
        name = rng.choice([fake.first_name(), fake.name(), fake.last_name(), "Alison Long", "Team Acme"])
        sep = rng.choice(["\n", "\n\n", " ", " - ", " — ", "\n-- \n", "\n ~"])
        text = rng.choice(bodies) + rng.choice(["\n", " "]) + rng.choice(SIGN_OFFS) + sep + name
        texts.append(text + rng.choice(["", ".", "!", " "]) + rng.choice(FOOTERS))
    return texts


@pytest.mark.parametrize("seed", [1, 2])
def test_signature_reads_only_the_last_lines_and_finds_the_same(seed: int, long_texts: list[str]) -> None:
    recognizer = SignatureNameRecognizer()
    texts = _signature_texts(seed, 600) + long_texts + _grid(seed, 300)
    whole = [
        [(r.start, r.end, r.score) for r in ValuePatternRecognizer.analyze(recognizer, t, ["PERSON"], None)]
        for t in texts
    ]
    tail = [[(r.start, r.end, r.score) for r in recognizer.analyze(t, ["PERSON"], None)] for t in texts]
    assert tail == whole
    assert sum(map(len, whole)) > 100  # the signatures are found
    assert any(recognizer._search_from(t) > 0 for t in texts)  # and the long texts are cut


def test_signature_other_patterns_read_the_whole_text() -> None:
    pattern = SignatureNameRecognizer.PATTERNS[0]
    other = SignatureNameRecognizer(patterns=[type(pattern)(pattern.name, pattern.regex, pattern.score)])
    assert other._search_from("Thanks,\nJane\n\nLater text, Bob") == 0


# forum author labels as forums write them, in every language the patterns know, any case
LABELS = [
    "{u} wrote:",
    "> {u} wrote :",
    "On 3 May 2024, at 10:02, {u} wrote:",
    "{u} said:",
    "{u} replied:",
    "{u} a écrit :",
    "{u} schrieb:",
    "{u} hat geschrieben:",
    "{u} escribió:",
    "{u} ha scritto:",
    "{u} scrive:",
    "{u} schreef:",
    "Posted by u/{u}",
    "posted  by @{u}",
    "Reply from {u}",
    "Replied by {u} Smith",
    "Publié par {u}",
    "Posté par {u}",
    "Gepostet von {u}",
    "Geschrieben von {u}",
    "Publicado por {u}",
    "Escrito por {u}",
    "Pubblicato da {u}",
    "Scritto da {u}",
    "Geplaatst door {u}",
    "Geschreven door {u}",
    # the words without a label: "said" without a colon, "reply" without an author
    "as {u} said, it broke",
    "please reply to this e-mail",
    "I wrote to {u} about it",
]


def _forum_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    texts = []
    for _ in range(count):
        label = rng.choice(LABELS).format(u=rng.choice([fake.user_name(), fake.first_name(), "jane_doe84"]))
        label = rng.choice([label, label.lower(), label.upper(), label.title()])
        before = rng.choice(["", fake.sentence() + "\n", "Thanks!\n\n"])
        texts.append(before + label + rng.choice(["", "\n" + fake.sentence(), " " + fake.sentence()]))
    return texts


@pytest.mark.parametrize("seed", [1, 2])
def test_author_label_precheck_skips_no_label(seed: int, long_texts: list[str]) -> None:
    recognizer, without = AuthorLabelRecognizer(), AuthorLabelRecognizer()
    without.can_match = lambda text: True  # type: ignore[method-assign]  # every text to the patterns
    texts = _forum_texts(seed, 800) + long_texts + _grid(seed, 300) + _signature_texts(seed, 200)
    found = [_found(recognizer, t) for t in texts]
    assert found == [_found(without, t) for t in texts]
    assert sum(map(bool, found)) > 300  # the labels are found
    # the label's words without a label: the trigger reads on, the precheck skips the text
    words_only = "please reply to this e-mail, as Jane said, I wrote to her"
    assert Gated.can_match(recognizer, words_only) and not recognizer.can_match(words_only)


def test_author_label_needles_are_the_labels_ascii_starts() -> None:
    wrote, posted = (needles for needles, _ in author_label._LABELS)
    assert wrote == (
        "wrote",
        "said",
        "replied",
        "schrieb",
        "hat geschrieben",
        "ha scritto",
        "scrive",
        "schreef",
    )
    assert "posted" in posted and "reply" in posted and all(n.isascii() and n == n.lower() for n in posted)


CLOSINGS = [
    "Thanks",
    "many thanks",
    "Thank you",
    "thx",
    "Cheers",
    "Regards",
    "Kind regards",
    "best regards",
    "Best",
    "Best wishes",
    "Sincerely",
    "Yours sincerely",
    "yours faithfully",
    "Yours truly",
    "Warm regards",
    "Love",
    "bye",
    "Talk soon",
]


def _sign_off_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    fake = Faker(rng.choice(LOCALES))
    fake.seed_instance(seed)
    texts = []
    for _ in range(count):
        closing = rng.choice(CLOSINGS)
        closing = rng.choice([closing, closing.upper(), closing.lower()])
        name = rng.choice([fake.first_name(), fake.name(), "Will", "Mark Baker", "Ann K."])
        text = f"{fake.sentence()}{rng.choice([' ', chr(10)])}{closing}{rng.choice([',', '!', '', ' -'])}"
        texts.append(
            text + rng.choice([" ", "\n"]) + name + rng.choice(["", ".", "!", "\n", "\nSent from my iPhone"])
        )
    return texts


@pytest.mark.parametrize("seed", [1, 2])
def test_signature_and_sign_off_prechecks_skip_no_signature(seed: int, long_texts: list[str]) -> None:
    texts = (
        _signature_texts(seed, 600)
        + _sign_off_texts(seed, 600)
        + long_texts
        + _grid(seed, 600)
        + _forum_texts(seed, 200)
        + ["Thanks,\nJöhn", "Merci,\nFrançois", "Cheers 🙌 Jane", "thanks a lot", "Regards,\nTeam Acme"]
    )
    for cls in (SignatureNameRecognizer, SignOffNameRecognizer):
        recognizer, without = cls(), cls()
        without.can_match = lambda text: True  # type: ignore[method-assign]  # every text to the patterns
        found = [_found(recognizer, t) for t in texts]
        assert found == [_found(without, t) for t in texts], cls.__name__
        assert sum(map(bool, found)) > 200, cls.__name__  # signatures are found
        skipped = [t for t in texts if t.isascii() and not recognizer.can_match(t)]
        assert len(skipped) > len(texts) / 5, cls.__name__  # and texts are skipped


@pytest.mark.parametrize(
    ("text", "signed"),
    [
        ("thanks a lot", False),
        ("is it ORD-1234?", False),
        ("Have a great day!", False),
        ("ok thanks\nSent from my phone", True),  # a footer: the patterns decide
        ("Regards,\nAnn K.", True),
        ("Thanks!\n\nPriya  \n", True),
        ("merci beaucoup.\nà bientôt", True),  # not ASCII: the trigger decides
    ],
)
def test_signature_precheck_reads_the_last_word(text: str, signed: bool) -> None:
    assert SignatureNameRecognizer().can_match(text) is signed
