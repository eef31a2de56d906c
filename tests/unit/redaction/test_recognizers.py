"""Recognizer tables: text, expected entity and the exact value it covers (synthetic text only).

The pattern recognizers need no spaCy: they are called directly, which keeps these tests fast.
"""

from __future__ import annotations

import pytest

from support_curation.redaction.engine import project_recognizers
from support_curation.redaction.recognizers.reference_numbers import REFERENCES

RECOGNIZERS = project_recognizers()


def found(recognizer: str, text: str) -> list[tuple[str, str]]:
    instance = RECOGNIZERS[recognizer]()
    results = instance.analyze(text, entities=instance.supported_entities, nlp_artifacts=None)
    return sorted((r.entity_type, text[r.start : r.end]) for r in results if r.score >= 0.45)


def test_every_recognizer_in_its_own_module() -> None:
    """One recognizer per module, except the reference numbers, built from one keyword table."""
    modules = [cls.__module__ for name, cls in RECOGNIZERS.items() if name not in REFERENCES]
    assert len(modules) == len(set(modules))
    assert {cls.__module__ for name, cls in RECOGNIZERS.items() if name in REFERENCES} == {
        "support_curation.redaction.recognizers.reference_numbers"
    }
    assert set(REFERENCES) <= set(RECOGNIZERS)


POSITIVE = [
    # (recognizer, text, entity, value)
    ("SocialHandleRecognizer", "hey @jane_doe, any news?", "USERNAME", "jane_doe"),
    ("SocialHandleRecognizer", "posted by u/kevin_b99 yesterday", "USERNAME", "kevin_b99"),
    (
        "ProfileUrlRecognizer",
        "see https://twitter.com/jane_doe99 for it",
        "URL",
        "https://twitter.com/jane_doe99",
    ),
    ("AuthorLabelRecognizer", "marta_l wrote:\n> it broke", "USERNAME", "marta_l"),
    ("AuthorLabelRecognizer", "Posted by u/kevin_b 3h ago", "USERNAME", "kevin_b"),
    ("NameHashtagRecognizer", "huge thanks #JaneDoe", "PERSON", "#JaneDoe"),
    ("NameHashtagRecognizer", "shoutout 🙌 #JamesWoods", "PERSON", "#JamesWoods"),
    ("PlainEmailRecognizer", "schreiben Sie an jana.k@web.de bitte", "EMAIL_ADDRESS", "jana.k@web.de"),
    ("TicketNumberRecognizer", "see TCK-123456 for details", "TICKET_ID", "TCK-123456"),
    ("TicketNumberRecognizer", "my ticket number is 5521893", "TICKET_ID", "5521893"),
    ("TicketNumberRecognizer", "any news on #482913?", "TICKET_ID", "482913"),
    ("OrderNumberRecognizer", "my order number is 88341207", "ORDER_ID", "88341207"),
    ("OrderNumberRecognizer", "Order #ORD-77123 never arrived", "ORDER_ID", "ORD-77123"),
    ("ClaimNumberRecognizer", "claim number CLM-2231984", "CLAIM_ID", "CLM-2231984"),
    ("PolicyNumberRecognizer", "policy no: PX77812", "POLICY_ID", "PX77812"),
    ("BookingReferenceRecognizer", "confirmation number is K7X9Q2", "BOOKING_ID", "K7X9Q2"),
    ("AccountNumberRecognizer", "account number 00412399", "ACCOUNT_ID", "00412399"),
    ("InternalCodeRecognizer", "escalated under INT-ABC-123", "INTERNAL_CODE", "INT-ABC-123"),
    ("InternalCodeRecognizer", "agent id: AG-5521", "INTERNAL_CODE", "AG-5521"),
    ("StreetAddressRecognizer", "I live at 42 Maple Avenue now", "ADDRESS", "42 Maple Avenue"),
    ("StreetAddressRecognizer", "ship it to 7 Kings Road, please", "ADDRESS", "7 Kings Road"),
    ("StreetAddressRecognizer", "send it to PO Box 1234", "ADDRESS", "PO Box 1234"),
    ("PostalCodeRecognizer", "my zip code is 90210", "ZIP", "90210"),
    ("PostalCodeRecognizer", "postcode SW1A 1AA", "ZIP", "SW1A 1AA"),
    ("DateOfBirthRecognizer", "my date of birth is 12/03/1985", "DATE_OF_BIRTH", "12/03/1985"),
    ("DateOfBirthRecognizer", "I was born on March 3, 1985", "DATE_OF_BIRTH", "March 3, 1985"),
    ("PasswordRecognizer", "my password is Tr0ub4dor&3", "PASSWORD", "Tr0ub4dor&3"),
    ("UsernameRecognizer", "username is skyline_77", "USERNAME", "skyline_77"),
    ("UsernameRecognizer", "my username on the Customer Portal is jdoe_84", "USERNAME", "jdoe_84"),
    ("UsernameRecognizer", "I sign in as lan.tran3 on the app", "USERNAME", "lan.tran3"),
    ("UsernameRecognizer", "username kbrown_12 please", "USERNAME", "kbrown_12"),
    ("StreetAddressRecognizer", "Flat 28C, 14 Baker Street", "ADDRESS", "Flat 28C, 14 Baker Street"),
    ("StreetAddressRecognizer", "ship to Apt 4B 221 Maple Avenue", "ADDRESS", "Apt 4B 221 Maple Avenue"),
    ("StreetAddressRecognizer", "he left it at Unit 30 again", "ADDRESS", "Unit 30"),
    ("StreetAddressRecognizer", "the parcel for flat 12b came", "ADDRESS", "flat 12b"),
    ("StreetAddressRecognizer", "--\nJo\nUnit 20, 45 Naylor Springs", "ADDRESS", "Unit 20"),
    ("StreetAddressRecognizer", "Flat 3, 27 Rose Passage", "ADDRESS", "Flat 3, 27 Rose Passage"),
    ("SignatureNameRecognizer", "Thanks in advance for any help,\nPriya", "PERSON", "Priya"),
    ("SignatureNameRecognizer", "Has anyone fixed this?\n-- \nTom Becker", "PERSON", "Tom Becker"),
    ("SignatureNameRecognizer", "Hi all.\n\n--\nJane Smith\nSent from my iPhone", "PERSON", "Jane Smith"),
    ("SignatureNameRecognizer", "Thanks everyone 🙏\nMarie-Claire", "PERSON", "Marie-Claire"),
    ("SignatureNameRecognizer", "log out first.\n\n-- Alison Long", "PERSON", "Alison Long"),
    ("SignatureNameRecognizer", "Please send us a DM. -James", "PERSON", "James"),
    ("SignatureNameRecognizer", "You'll hear back in 48h. Priya", "PERSON", "Priya"),
    ("LastDigitsRecognizer", "the card ending in 4417", "LAST_DIGITS", "4417"),
    ("LastDigitsRecognizer", "last four of my ssn are 7781", "LAST_DIGITS", "7781"),
    ("EmailAddressRecognizer", "write to jo.smith@example.org", "EMAIL", "jo.smith@example.org"),
    ("EmailAddressRecognizer", "it's jsmith at gmail dot com", "EMAIL", "jsmith at gmail dot com"),
    ("EmailAddressRecognizer", "mail me jsmith 45 gmailcom", "EMAIL", "jsmith 45 gmailcom"),
    ("SpelledDigitsRecognizer", "dial four one five five nine", "ID_NUMBER", "four one five five nine"),
    ("EmployerRecognizer", "I work at Globex Corporation", "ORGANIZATION", "Globex Corporation"),
    ("SpacedCodeRecognizer", "confirmation number is xqv 482", "ID_NUMBER", "xqv 482"),
    ("SpacedCodeRecognizer", "it's k 7 z 3 q 9", "ID_NUMBER", "k 7 z 3 q 9"),
    ("SpacedCodeRecognizer", "741 e 19", "ID_NUMBER", "741 e 19"),
    ("ShortAnswerNumberRecognizer", "7781", "ID_NUMBER", "7781"),
    ("ShortAnswerNumberRecognizer", "its 30418", "ID_NUMBER", "30418"),
    ("PhoneNumberRecognizer", "call me on (415) 555-0134 today", "PHONE_NUMBER", "(415) 555-0134"),
    ("ShortNumberRecognizer", "new york 10001", "ID_NUMBER", "10001"),
    ("CreditCardNumberRecognizer", "card 4111 1111 1111 1111 please", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("CreditCardNumberRecognizer", "amex 3782-822463-10005", "CREDIT_CARD", "3782-822463-10005"),
    ("IbanCodeRecognizer", "IBAN GB82 WEST 1234 5698 7654 32.", "IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("IbanCodeRecognizer", "to DE89370400440532013000 now", "IBAN", "DE89370400440532013000"),
    ("EuropeanAddressRecognizer", "she lives at Hauptstraße 7, Berlin", "ADDRESS", "Hauptstraße 7"),
    ("EuropeanAddressRecognizer", "ul. Lipowa 12 m. 4", "ADDRESS", "ul. Lipowa 12"),
    ("EuropeanAddressRecognizer", "send it to kirkevej 18", "ADDRESS", "kirkevej 18"),
    ("SignOffNameRecognizer", "it works now. Thanks, Will", "PERSON", "Will"),
    ("SignOffNameRecognizer", "Kind regards,\nMark Baker", "PERSON", "Mark Baker"),
    ("ShortNumberRecognizer", "it's 4417 and the pin is 9921", "ID_NUMBER", "9921"),
    ("ShortNumberRecognizer", "6750 Koskikatu 25 Apt. 864", "ID_NUMBER", "6750"),
    ("PhoneNumberRecognizer", "my mobile: +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
    ("PhoneNumberRecognizer", "415-555-0134 415-555-0199", "PHONE_NUMBER", "415-555-0199"),
    ("UsSsnRecognizer", "my ssn is 536-22-8726", "US_SSN", "536-22-8726"),
    ("IpAddressRecognizer", "the router says 192.168.10.42 now", "IP_ADDRESS", "192.168.10.42"),
    ("IpAddressRecognizer", "from 2001:db8::ff00:42:8329", "IP_ADDRESS", "2001:db8::ff00:42:8329"),
]


@pytest.mark.parametrize(("recognizer", "text", "entity", "value"), POSITIVE)
def test_recognizer_finds(recognizer: str, text: str, entity: str, value: str) -> None:
    assert (entity, value) in found(recognizer, text)


NEGATIVE = [
    # (recognizer, text): ordinary words and numbers that must stay
    ("PasswordRecognizer", "my password is not working"),
    ("PasswordRecognizer", "the password was reset yesterday"),
    ("PasswordRecognizer", "my pin is blocked and the password was changed"),
    ("UsernameRecognizer", "my username is wrong"),
    ("UsernameRecognizer", "Do you have your username handy?"),
    ("UsernameRecognizer", "my username for the portal is not working"),
    ("UsernameRecognizer", "I logged in with jane.doe@example.com"),
    ("StreetAddressRecognizer", "the flat 5 star rating, unit 3 of the course, a suite 2.0 upgrade"),
    ("SignatureNameRecognizer", "Thanks!\nBest"),
    ("SignatureNameRecognizer", "Cheers,\nTeam Acme"),
    ("SignatureNameRecognizer", "I tried that.\nStill broken"),
    ("SignatureNameRecognizer", "Priya said it works,\nbut not for me"),
    ("SignatureNameRecognizer", "it works now!\nGreat Work"),
    ("SignatureNameRecognizer", "It works now. Thanks. Bye"),
    ("SignatureNameRecognizer", "Please help. Will"),
    ("LongNumberRecognizer", "On 12/03/2026 14:02, and Sent: Monday, 2 March 2026 09:12"),
    ("PhoneNumberRecognizer", "On 12/03/2026 14:02, Kemal wrote:"),
    ("ShortNumberRecognizer", "On Tue, 3 Mar 2026 at 10:14"),
    ("PersonNameRecognizer", "On Tue, 3 Mar 2026 at 10:14, and on June 5th"),
    ("SignatureNameRecognizer", "the price went from 10 - 20 Dollars"),
    ("OrderNumberRecognizer", "my order is late"),
    ("DateOfBirthRecognizer", "the parcel came on March 3, 2024"),
    ("PostalCodeRecognizer", "I paid 90210 rupees"),
    ("TicketNumberRecognizer", "we are number 1 in the queue"),
    ("StreetAddressRecognizer", "I waited 3 hours"),
    ("LongNumberRecognizer", "it cost 1299.99 on 12/03/2024"),
    ("AlphanumericIdRecognizer", "a 4k tv with 2gb and 5th gen, 10am"),
    ("EmailAddressRecognizer", "I was at home all day"),
    ("SpacedCodeRecognizer", "between 10 am and 5 pm"),
    ("SpacedCodeRecognizer", "top 10 and 20, i have 2 kids and 3 bags"),
    ("SpacedCodeRecognizer", "rs 500 for the iphone 12 pro"),
    ("ShortAnswerNumberRecognizer", "i paid 500 dollars"),
    ("ShortAnswerNumberRecognizer", "it took 120 minutes"),
    ("ShortAnswerNumberRecognizer", "the order 1234 came but the box had more than 20 items broken inside"),
    ("PhoneNumberRecognizer", "order 88341207 shipped"),
    ("CreditCardNumberRecognizer", "card 4111 1111 1111 1112 (Luhn fails), order 1234567890123"),
    ("IbanCodeRecognizer", "GB82 WEST 1234 5698 7654 33 (mod-97 fails)"),
    ("EuropeanAddressRecognizer", "we went via 3 stops on the road 5 times"),
    ("SignOffNameRecognizer", "Thanks, that will do for today"),
    ("ShortNumberRecognizer", "the town grew to about 2500 by 1200 and in 1066 had 268 manors"),
    ("ShortNumberRecognizer", "error code 404 after build 19045, version 1803, page 212"),
    ("ShortNumberRecognizer", "we handled 1500 tickets and 120 templates"),
    ("PhoneNumberRecognizer", "no digits here at all"),
]


DIGIT_ONLY = sorted(n for n, cls in RECOGNIZERS.items() if getattr(cls, "NEEDS_DIGIT", False))


@pytest.mark.parametrize("name", DIGIT_ONLY)
def test_needs_digit_never_skips_a_match(name: str) -> None:
    """NEEDS_DIGIT only skips text where no pattern could match: same results with and without the gate,
    on every example text of every recognizer (digit-free ones included)."""
    texts = [t for _, t, _, _ in POSITIVE] + [t for _, t in NEGATIVE] + EXTRA_TEXTS
    gated, ungated = RECOGNIZERS[name](), RECOGNIZERS[name]()
    ungated.NEEDS_DIGIT = False

    def spans(instance, text: str) -> list[tuple[int, int, float]]:
        results = instance.analyze(text, instance.supported_entities, None)
        return sorted((r.start, r.end, r.score) for r in results)

    assert [spans(gated, t) for t in texts] == [spans(ungated, t) for t in texts]


TRIGGERED = sorted(n for n, cls in RECOGNIZERS.items() if getattr(cls, "TRIGGER", None))
EXTRA_TEXTS = [
    "you can reach me at jane dot doe at outlook dot com",
    "jane.doe@example.co.uk and bob@gmail",
    "DOB: 4 July 1990, and my birthday is 04/07/1990",
    "Via Roma 12, 00184 Roma; Koskikatu 25 B; Hegyalja út 98",
    "it's at the rue 5 corner, strasse 9",
    "hosts 10.0.0.1, fe80::1 and ::1 answered; 3.5 stars, 12:30 pm",
]


@pytest.mark.parametrize("name", TRIGGERED)
def test_trigger_never_narrower_than_the_patterns(name: str) -> None:
    """A TRIGGER only skips text where no pattern could match: same results with and without it,
    on every example text of every recognizer."""
    texts = [t for _, t, _, _ in POSITIVE] + [t for _, t in NEGATIVE] + EXTRA_TEXTS
    with_trigger, without = RECOGNIZERS[name](), RECOGNIZERS[name]()
    without.TRIGGER = None
    own = [t for recognizer, t, _, _ in POSITIVE if recognizer == name]
    assert own and all(with_trigger.can_match(t) for t in own)

    def spans(instance, text: str) -> list[tuple[int, int, float]]:
        results = instance.analyze(text, instance.supported_entities, None)
        return sorted((r.start, r.end, r.score) for r in results)

    assert [spans(with_trigger, t) for t in texts] == [spans(without, t) for t in texts]
    assert with_trigger.analyze("no street, mail or birth words here", with_trigger.supported_entities) == []


@pytest.mark.parametrize(("recognizer", "text"), NEGATIVE)
def test_recognizer_leaves_alone(recognizer: str, text: str) -> None:
    assert found(recognizer, text) == []
