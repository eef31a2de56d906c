from __future__ import annotations

import pytest

from support_curation.validation.detectors import count_known_identifiers, iban_valid, luhn_valid, scan


@pytest.mark.parametrize(
    ("text", "detector"),
    [
        ("write to jo.synth+test@mailbox-demo.org please", "email"),
        ("call +1 (338) 783-1033 tomorrow", "phone"),
        ("my number is 338.783.1033", "phone"),
        ("ring 07120 519501 after six", "phone"),
        ("+44 7120 519501", "phone"),
        ("zero seven: 0 7 1 2 0 5 1 9 5 0 1", "phone"),
        ("card 5174 3915 0008 0637 thanks", "card"),
        ("card 4111-1111-1111-1111 cvv 123", "card"),
        ("amex 3782 822463 10005", "card"),
        ("iban DE89 3704 0044 0532 0130 00 please", "iban"),
        ("iban de89370400440532013000", "iban"),
        ("GB82 WEST 1234 5698 7654 32", "iban"),
        ("my ssn is 123-45-6789", "ssn"),
    ],
)
def test_detector_catches(text: str, detector: str) -> None:
    hits = scan(text)
    assert hits[detector] == 1
    assert sum(hits.values()) == 1, hits


@pytest.mark.parametrize(
    "text",
    [
        "Hi <PERSON_1>, we emailed <EMAIL_1> and called <PHONE_2> about <CREDIT_CARD_1> and <IBAN_CODE_1>.",
        "Order ORD-1234567 of 3 items at $1,299.99 ships 2024-01-02 10:30 (or 01/02/2024 at 14:00:05).",
        "account 12345678, order 123456789, ticket 2024-000123, total 1234567890123 units",
        "card 5174 3915 0008 0638 (fails Luhn)",
        "digits 1234 5678 9012 3456",
        "iban DE89 3704 0044 0532 0130 01 (fails mod-97)",
        "it costs 12 99 and 3 4 5; ref 123 456 7890; 1 2 3 4 5 6 7 8 9 0",
        "ssn-like 000-12-3456 and 666-12-3456 and 123456789",
        "tracking 1Z999AA10123456784, version 2.14.3, 100% at 9am",
        "",
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert scan(text) == {"email": 0, "phone": 0, "card": 0, "iban": 0, "ssn": 0}


@pytest.mark.parametrize(
    ("text", "identifiers", "hits"),
    [
        ("Dear JANE   doe, thanks", ["Jane Doe"], 1),
        ("Dear jane\ndoe", ["Jane Doe"], 1),
        ("Dear Janet Doering", ["Jane Doe"], 0),
        ("mail Jo.Synth@Mailbox-Demo.org.", ["jo.synth@mailbox-demo.org"], 1),
        ("we called 338-783-1033", ["+13387831033"], 1),
        ("three three eight: 3 3 8 7 8 3 1 0 3 3", ["+13387831033"], 1),
        ("ring 07120 519501", ["+447120519501"], 1),
        ("ticket tck-000123 closed", ["TCK-000123"], 1),
        ("Hi <PERSON_1>, see <PHONE_1>", ["Jane Doe", "+13387831033"], 0),
        ("Jane Doe, jane@x-demo.org", ["Jane Doe", "jane@x-demo.org", "Sam Agent"], 2),
        ("a b c", ["a", "", "  "], 0),
    ],
)
def test_known_identifiers(text: str, identifiers: list[str], hits: int) -> None:
    assert count_known_identifiers(text, identifiers) == hits


@pytest.mark.parametrize(
    ("value", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("378282246310005", True)],
)
def test_luhn(value: str, valid: bool) -> None:
    assert luhn_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("DE89370400440532013000", True), ("DE89370400440532013001", False), ("ZZ89370400440532013000", False)],
)
def test_iban(value: str, valid: bool) -> None:
    assert iban_valid(value) is valid
