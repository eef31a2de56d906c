"""The gate's detectors on normalised text: what each must catch (plain and disguised) and must not."""

from __future__ import annotations

import pytest

from support_curation.validation.gate import GATE_DETECTORS, scan_records, scan_text
from support_curation.validation.normalise import normalise, normalise_with_offsets

ZW = "\u200b"
SHY = "\u00ad"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c == "@" else c for c in text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"ja{ZW}ne.d{ZW}oe@exa{SHY}mple.com", "jane.doe@example.com"),
        (_fullwidth("5174 3915"), "5174 3915"),
        ("jane dot doe at example dot com", "jane.doe@example.com"),
        ("Jane (dot) Doe [at] mail-box (dot) co (dot) uk", "Jane.Doe@mail-box.co.uk"),
        ("J\u043ehn Sm\u0456th", "John Smith"),  # Cyrillic o and i inside Latin words
        ("\u0458\u0430n\u0435@\u0435x\u0430mpl\u0435.com", "jane@example.com"),  # lookalikes around an @
        ("\uff2a\uff41\uff4e\uff45", "Jane"),  # full-width letters
        ("\u0408\u043e\u0435 Smith", "Joe Smith"),  # a word of lookalikes alone, in Latin text
    ],
)
def test_normalise_reads_disguises(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Привет, как дела? Спасибо за помощь.",  # real Cyrillic keeps its letters
        "Καλημέρα σας",  # real Greek too
        "Suite 4, ΧΑΝΔΡΙΑ, Cyprus",  # a Greek place name in capitals, in English text
        "meet me at the office at noon",  # "at" without an email shape
        "look at this dot on the screen",
        "plain ascii stays as it is: 10:30, $12.99",
    ],
)
def test_normalise_leaves_ordinary_text(text: str) -> None:
    assert normalise(text) == text


def test_offsets_point_back_into_the_original() -> None:
    text = f"mail: ja{ZW}ne dot doe at example dot com, or {_fullwidth('07')}"
    normalised, offsets = normalise_with_offsets(text)
    assert len(offsets) == len(normalised)
    assert offsets == sorted(offsets)
    email_at = normalised.index("jane.doe@")
    assert text[offsets[email_at] :].startswith("ja")
    email_end = normalised.index(".com") + len(".com")
    assert text[offsets[email_at] : offsets[email_end - 1] + 1] == f"ja{ZW}ne dot doe at example dot com"
    assert text[offsets[normalised.index("07")]] == _fullwidth("0")


@pytest.mark.parametrize(
    ("text", "detector"),
    [
        # names: NER, list and cues
        ("My name is Eleanor Whitfield and I need help.", "name"),
        ("I spoke to Marcus Oyelaran yesterday about it.", "name"),
        ("Regards,\nPriya", "name"),
        ("thanks, this is viswanathan calling about my bill", "name"),
        ("J\u043ehn Sm\u0456th called twice", "name"),
        ("<PERSON_1> Smith will call back", "name"),  # the redactor took only the first name
        ("our founders: Baker, <PERSON_2> and <PERSON_3>", "name"),
        ("Sarah: my parcel never came", "name"),  # a chat log's speaker
        (f"Kind regards, Ch{ZW}arlotte Beaumont", "name"),
        # street addresses: US, UK, EU
        ("I live at 4068 Jacob Stream, apt 2", "address"),
        ("ship to 12 baker street please", "address"),
        ("Flat 24A Lynda Manor", "address"),
        ("Hauptstraße 5", "address"),
        ("Abraham-Mude-Ring 5", "address"),
        ("12 rue de la Paix", "address"),
        ("Via Roma 10", "address"),
        ("Calle de Marisol Salvà 21", "address"),
        (_fullwidth("12") + " Baker Street", "address"),
        ("PO Box 4411", "address"),
        ("my address is Roosbaan 643", "address"),  # a Dutch street the lists do not know: the cue
        ("I live at Incrocio Bulzoni, 1", "address"),
        ("Johannaring 6", "address"),  # a compound that is no English word
        # postcodes
        ("postcode NW1 6XE", "postcode"),
        ("sw1a 1aa", "postcode"),
        ("Springfield, IL 62704", "postcode"),
        ("zip 94105", "postcode"),
        ("10115 Berlin", "postcode"),
        ("1012 AB Amsterdam", "postcode"),
        ("90210-1234", "postcode"),
        # dates of birth with context
        ("born 03/04/1985", "birth_date"),
        ("my date of birth is 3rd of April 1985", "birth_date"),
        ("DOB: 1985-04-03", "birth_date"),
        ("April 3, 1985 is my birthday", "birth_date"),
        (f"born on {_fullwidth('03/04/1985')}", "birth_date"),
        # handles and profile URLs
        ("follow me @jane_doe_88", "handle"),
        ("https://twitter.com/janedoe", "handle"),
        ("linkedin.com/in/jane-doe-4711", "handle"),
        ("www.instagram.com/jane.doe", "handle"),
        # URLs with personal values in the query
        ("https://shop.example.com/track?email=jane%40example.com&id=5", "url_value"),
        ("www.example.org/verify?name=Jane+Doe", "url_value"),
        ("https://example.net/r?u=jane.doe%40gmail.com", "url_value"),
        ("https://example.com/a?phone=%2B4420794600000", "url_value"),
        # the old detectors, in disguise
        (f"write to ja{ZW}ne@exa{ZW}mple.com", "email"),
        ("jane dot doe at example dot com", "email"),
        (_fullwidth("5174 3915 0008 0637"), "card"),
        ("call +44 (0)20 7946 0000 x12", "phone"),
        ("my number is 6716596299", "phone"),
    ],
)
def test_detector_catches(text: str, detector: str) -> None:
    hits = scan_text(text)
    assert hits[detector] >= 1, hits


@pytest.mark.parametrize(
    "text",
    [
        "Hi <PERSON_1>, we sent it to <ADDRESS_1>, <POSTCODE_1>; born <DATE_OF_BIRTH_1>, reach <USERNAME_1>.",
        "Hello <PERSON_1>, thanks for reaching out to Brown, Connolly and Johnson LLC.",
        "We can offer a 15% discount on your next order with Jones-Moore.",
        "Best regards,\n<PERSON_2>\nWatson Group Customer Care",
        "Customer: hello\nAgent: Hi <PERSON_1> Thanks for waiting, <PERSON_1> Corporation will call",
        "Note: call <PERSON_1> Monday. Dear <PERSON_1> Team, Will: do",
        # other languages the pipeline redacts: the English model misreads their sentences as names
        "Vielen Dank! Können Sie mir Ihr Geburtsdatum nennen? Ihre Anschrift, bitte.",
        "Mijn BSN is <ID_NUMBER_1>. Mijn IBAN is <IBAN_1>.",
        "Das Paket kam beschädigt an und der Galaxy Tab funktioniert nicht mehr.",
        "Our Port Amy store opens at 9am; ticket 2026-462546 is now closed.",
        "Thanks, Will do. I hope Mark's team can grant it by May.",
        "I have a PS5 2TB and 2 hard drive bays, 3 hot cake instead of 5\nok place the order",
        "During 1971, Mayo-Walters invested heavily in new designs.",
        "My iPad 2 and the Spring 2024 catalogue; ship it to me in 3 days",
        "Order ORD-1234567 of 3 items at $1,299.99 ships 2024-01-02 10:30.",
        "the zip code is <ZIP_1>\n10 gb plan please",
        "Meet me @ 5pm or see https://example.com/help?topic=billing&page=2",
        "see https://twitter.com/help and https://www.facebook.com/groups",
        "version 2.14.3, delivered 03/04/2024, my order from 1985",
        "my birthday present arrived broken",
        "",
    ],
)
def test_no_false_alarm(text: str) -> None:
    hits = scan_text(text)
    assert set(hits) == set(GATE_DETECTORS)
    assert not any(hits.values()), hits


def test_the_issue_example() -> None:
    hits = scan_text("John Smith, 12 Baker Street, NW1 6XE, born 03/04/1985")
    assert {k for k, v in hits.items() if v} == {"name", "address", "postcode", "birth_date"}


def test_records_are_scanned_turn_by_turn_and_summed() -> None:
    records = [["Thanks, Eleanor Whitfield", "and Marcus Oyelaran too"], [], ["<PERSON_1> here"]]
    hits = scan_records(records)
    assert [h["name"] for h in hits] == [2, 0, 0]
    assert hits[1] == dict.fromkeys(GATE_DETECTORS, 0)
