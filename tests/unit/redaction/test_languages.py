"""Language routing and the non-English and social detectors (synthetic text only)."""

from __future__ import annotations

import pytest

from support_curation.redaction import get_redactor
from support_curation.redaction.language import detect_language
from support_curation.redaction.national import dates, national_ids, postcodes
from support_curation.redaction.policy import load_redaction_policy
from support_curation.redaction.recognizers.author_label import AuthorLabelRecognizer
from support_curation.redaction.recognizers.name_hashtag import NameHashtagRecognizer
from support_curation.redaction.recognizers.profile_url import ProfileUrlRecognizer
from support_curation.redaction.recognizers.social_handle import SocialHandleRecognizer


@pytest.fixture(scope="module")
def settings():  # noqa: ANN201
    return load_redaction_policy().languages


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            [
                "Bonjour, je voudrais changer l'adresse de livraison de ma commande, elle n'est pas encore partie."  # noqa: E501
            ],
            "fr",
        ),
        (["Guten Tag, meine Bestellung ist immer noch nicht angekommen, können Sie mir bitte helfen?"], "de"),
        (["Olá, o meu pedido ainda não chegou, podem ajudar por favor? Obrigado pela atenção."], "pt"),
        # short lower-case English chat, which n-grams alone take for Dutch or Swedish
        (["hai", "salads", "classic caesar", "no thanks", "nop thanks", "muthuraja kani complex pune"], "en"),
        (["ok thanks"], "en"),
    ],
)
def test_detects_the_conversation_language(settings, texts: list[str], expected: str) -> None:  # noqa: ANN001
    assert detect_language(texts, settings) == expected


def test_german_conversation_keeps_its_words_and_loses_its_values() -> None:
    result = get_redactor().redact_conversation(
        [
            {"role": "agent", "content": "Guten Tag, wie kann ich Ihnen helfen? Wie ist Ihr Name?"},
            {"role": "customer", "content": "Jürgen Koch"},
            {
                "role": "customer",
                "content": "Meine Telefonnummer ist 0151 23456789, geboren am 12.03.1985. "
                "Ich wohne in der Lindenstraße 12, 10115 Berlin. Steuer-ID 36 574 261 809.",
            },
        ]
    )
    text = "\n".join(m["content"] for m in result.messages)
    assert result.language == "de"
    for value in ("Jürgen", "Koch", "23456789", "12.03.1985", "Lindenstraße 12", "10115", "36 574 261 809"):
        assert value not in text
    for word in ("Guten Tag", "Ihnen", "Telefonnummer", "Ihr Name", "Steuer-ID"):
        assert word in text


def test_unsupported_language_is_quarantined_without_its_text() -> None:
    result = get_redactor().redact_conversation(
        [
            {
                "role": "customer",
                "content": "Olá, meu nome é João Silva e o meu pedido ainda não chegou, podem ajudar?",
            }
        ]
    )
    assert result.action == "quarantine"
    assert result.flags == ["unsupported_language"]
    assert all(m["content"] == "" for m in result.messages)


def test_national_ids_are_validated_by_their_checksums() -> None:
    valid = national_ids("DNI 12345678Z", ("es.dni",))
    assert [(s.entity, s.start, s.end) for s in valid] == [("NATIONAL_ID", 4, 13)]
    wrong = national_ids("DNI 12345678A", ("es.dni",))
    assert [s.entity for s in wrong] == ["ID_NUMBER"]  # still a code, but not taken for a valid DNI


def test_european_dates_and_postcodes() -> None:
    text = "né le 12.03.1985, ou 3-7-1990, ou 12 mars 1985; livré à 1012 AB Amsterdam ou 75011 Paris"
    found = {text[s.start : s.end] for s in dates(text, "fr") + postcodes(text, "fr")}
    assert found == {"12.03.1985", "3-7-1990", "12 mars 1985", "1012 AB", "75011"}


@pytest.mark.parametrize(
    ("recognizer", "text", "value"),
    [
        (SocialHandleRecognizer, "hey @jane_doe can you DM me", "jane_doe"),
        (SocialHandleRecognizer, "see u/janedoe123 on r/support", "janedoe123"),
        (
            ProfileUrlRecognizer,
            "my profile https://twitter.com/jane_doe99 thx",
            "https://twitter.com/jane_doe99",
        ),
        (AuthorLabelRecognizer, "kevin_b wrote:\n> my order never came", "kevin_b"),
        (NameHashtagRecognizer, "great help today #JaneDoe #BlackFriday", "#JaneDoe"),
    ],
)
def test_social_identifiers(recognizer: type, text: str, value: str) -> None:
    r = recognizer()
    assert [text[x.start : x.end] for x in r.analyze(text, r.supported_entities, None)] == [value]


def test_an_email_is_not_a_handle() -> None:
    r = SocialHandleRecognizer()
    assert r.analyze("mail me at jane@example.com", r.supported_entities, None) == []


def test_sensitive_topics_are_flagged_in_the_conversation_language() -> None:
    result = get_redactor().redact_conversation(
        [
            {
                "role": "customer",
                "content": "Guten Tag, mein Mann ist letzten Monat verstorben und ich möchte seinen Vertrag "
                "kündigen. Die Beerdigung war am Freitag.",
            }
        ]
    )
    assert (result.language, result.flags, result.action) == ("de", ["vulnerability"], "review")


def test_a_short_german_exchange_is_not_taken_for_english(settings) -> None:  # noqa: ANN001
    texts = ["Guten Tag, wie kann ich Ihnen heute helfen? Wie ist Ihr Nachname?", "Weinhage, Vorname Jens"]
    assert detect_language(texts, settings) == "de"
    result = get_redactor().redact_conversation(
        [{"role": "agent", "content": texts[0]}, {"role": "customer", "content": texts[1]}]
    )
    assert result.messages[0]["content"] == texts[0]  # no English name rule on "Guten Tag", "Ihnen"
    assert "Weinhage" not in result.messages[1]["content"] and "Jens" not in result.messages[1]["content"]


def test_only_written_out_emails_count_outside_english() -> None:
    from support_curation.redaction.recognizers.plain_email import PlainEmailRecognizer

    r = PlainEmailRecognizer()
    text = "Ich möchte mein Abonnement kündigen, schreiben Sie an jana.k@web.de bitte."
    assert [text[x.start : x.end] for x in r.analyze(text, r.supported_entities, None)] == ["jana.k@web.de"]


def test_localised_customer_speakers_are_customers() -> None:
    from support_curation.redaction.batch import _role

    assert [_role(s) for s in ("Kunde", "Klant", "Cliente", "Client", "Agent", "Medewerker")] == [
        "customer",
        "customer",
        "customer",
        "customer",
        "agent",
        "agent",
    ]
