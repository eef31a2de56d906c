"""Names from many cultures in English text, and the answer/username fixes around them (seeded, synthetic)."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from support_curation.redaction.answers import answer_spans
from support_curation.redaction.engine import project_recognizers
from support_curation.redaction.names import _fold, is_cued_name, is_name

RECOGNIZERS = project_recognizers()


def persons(text: str) -> list[str]:
    instance = RECOGNIZERS["PersonNameRecognizer"]()
    results = instance.analyze(text, ["PERSON"], None)
    return [text[r.start : r.end] for r in results if r.score >= 0.45]


@pytest.mark.parametrize(
    ("typed", "written"), [("dang", "Đặng"), ("yilmaz", "Yılmaz"), ("michal", "Michał"), ("soren", "Søren")]
)
def test_letters_without_a_decomposition_fold_as_typed(typed: str, written: str) -> None:
    assert _fold(written) == typed
    assert is_name(written) == is_name(typed)


def test_romanised_names_that_are_common_words_need_a_cue() -> None:
    assert is_cued_name("Gang") and not is_name("Gang")
    assert persons("my name is Gang") == ["Gang"]
    assert persons("Thanks Gang, that helps") == ["Gang"]
    assert "Zhou Gang" in persons("please ask Zhou Gang to call")
    assert persons("the whole gang was there, a fan of the sun") == []


def test_a_sentence_opening_i_is_not_a_middle_initial() -> None:
    spans = persons("My name is Ikhsan Rahayu. I am writing about my order.")
    assert spans == ["Ikhsan Rahayu"]


@pytest.mark.parametrize("locale", ["vi_VN", "zh_CN", "ja_JP", "yo_NG", "en_IN", "tr_TR", "pl_PL", "fr_DZ"])
def test_introduced_names_from_many_locales_are_found(locale: str) -> None:
    fake = Faker(locale)
    fake.seed_instance(random.Random(locale).randrange(1 << 30))
    missed = 0
    for _ in range(20):
        if locale in ("zh_CN", "ja_JP"):
            first, last = fake.first_romanized_name(), fake.last_romanized_name()
        else:
            first, last = fake.first_name(), fake.last_name()
        text = f"Hello, my name is {first} {last} and my parcel is missing."
        found = " ".join(persons(text))
        missed += sum(part not in found for part in f"{first} {last}".split())
    assert missed <= 2


def test_a_username_answer_keeps_the_agents_words() -> None:
    question = "What's the username on your account?"
    answer = "my username on the Customer Portal is jdoe_84"
    assert [answer[s.start : s.end] for s in answer_spans(question, answer)] == ["jdoe_84"]
    assert [a[s.start : s.end] for a in ["catlover"] for s in answer_spans(question, a)] == ["catlover"]


def test_names_with_apostrophes_and_lower_case_surnames() -> None:
    assert persons("Mr Sa’idu said he would email me.") == ["Sa’idu"]
    assert persons("hello i am robert smith, my order is late") == ["robert smith"]
    assert "hai" not in " ".join(persons("hai, my order is late"))  # a Vietnamese middle name, and "hi"


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        ("de", "Guten Tag, mein Name ist Chao Song und meine Bestellung fehlt.", "Chao Song"),
        ("it", "Il pacco è intestato a mio marito, Mai Trí Bảo, potete controllare?", "Trí Bảo"),
        ("fr", "Merci beaucoup pour votre aide, bonne journée.\nGang", "Gang"),
        ("nl", "Hallo, mijn naam is Hoang Hai Lan en mijn bestelling is er niet.", "Hoang Hai Lan"),
    ],
)
def test_romanised_names_in_other_languages(language: str, text: str, name: str) -> None:
    from support_curation.redaction.locale_names import name_spans

    found = " ".join(text[s.start : s.end] for s in name_spans(text, language))
    assert all(part in found for part in name.split())


@pytest.mark.parametrize("text", ["ty so much!!! 🥰", "hii my order is late", "thankyou sooo much"])
def test_chat_shorthand_is_not_a_name(text: str) -> None:
    assert persons(text) == []


@pytest.mark.parametrize(
    ("text", "name"), [("aman singh here", "aman singh"), ("jack smmith", "jack smmith")]
)
def test_names_that_look_like_shorthand_still_count(text: str, name: str) -> None:
    assert name in " ".join(persons(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Hi, my name is Abdul Rahman bin Khalid Al-Saud and I need a refund.",
            "Abdul Rahman bin Khalid Al-Saud",
        ),
        ("I'm Noor ul Huda Qureshi", "Noor ul Huda Qureshi"),
        ("please ask Bakr Siddiqui to call me", "Bakr Siddiqui"),
    ],
)
def test_romanised_arabic_names_and_their_particles(text: str, name: str) -> None:
    found = " ".join(persons(text))
    assert all(part in found for part in name.split())


def test_particles_alone_stay_words() -> None:
    assert persons("I was in the bin al fresco") == []


@pytest.mark.parametrize(
    "text", ["James was super helpful 👍👍", "yo Priya u legend 🔥", "shoutout to Marta from ur team"]
)
def test_informal_praise_names_the_agent(text: str) -> None:
    assert persons(text)


def test_months_and_virtues_opening_a_sentence_stay() -> None:
    assert persons("April was a busy month and Will is here") == []
