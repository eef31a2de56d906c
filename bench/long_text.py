"""Seeded long, well-written support text: formal emails and multi-message tickets of 2–5k characters.

    .venv/bin/python bench/long_text.py --out /tmp/long_text.jsonl [--records 120] [--seed 11]

Every record is in the format of ``../shared/eval`` (``id``, ``source``, ``text``, ``turns`` for tickets,
``pii`` with value, type and span, ``quasi``), so the corpus's ``score.py`` scores it. The text is what
makes the NER gate work hardest: properly cased English where every sentence carries capitalised words
(products, teams, months, cities, companies, titles), with the personal data planted among them:
names (in greetings, sign-offs, introductions, mid-sentence references), emails, phones, street
addresses, postcodes, order/account/policy/claim numbers, card numbers and usernames. Faker, seeded;
templates drawn at random, so no two records read alike.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

# placeholders -> the gold type score.py knows (absent: quasi or filler, not personal data)
PII_TYPES = {
    "name": "PERSON",
    "first": "PERSON",
    "colleague": "PERSON",
    "agent": "PERSON",
    "manager": "PERSON",
    "email": "EMAIL",
    "phone": "PHONE",
    "address": "ADDRESS",
    "zip": "ZIP",
    "order": "ORDER_ID",
    "account": "ACCOUNT_ID",
    "policy": "POLICY_ID",
    "claim": "CLAIM_ID",
    "card": "CREDIT_CARD",
    "username": "USERNAME",
}
QUASI_TYPES = {"company": "ORG", "city": "LOCATION", "date": "DATE", "vendor": "ORG"}

# no personal data: the capitalised vocabulary of formal business English
FILLER = [
    "As discussed during our call on {weekday}, the Customer Experience Team has reviewed the matter "
    "in detail and escalated it to our Billing Operations department in {hq}.",
    "Our records show that the Premium Support plan was renewed automatically on {date}, in line with "
    "the Terms of Service that were updated last {month}.",
    "Please note that the Quarterly Maintenance Window for the Cloud Storage platform runs every second "
    "Saturday between 02:00 and 06:00 Eastern Time, during which the Web Portal may be unavailable.",
    "The Finance Department has confirmed that the refund will appear on your statement within five to "
    "seven Business Days, depending on the policies of your Card Issuer.",
    "In accordance with our Data Protection Policy, we are unable to disclose the details of other "
    "accounts, and any request of that kind must go through the Legal and Compliance Office.",
    "We have also forwarded your feedback to the Product Management group responsible for the Mobile "
    "App, as several customers in North America and Western Europe reported the same behaviour.",
    "The replacement unit will be shipped from our Distribution Centre in {hq} by Priority Courier, and "
    "a Tracking Reference will follow in a separate message once the parcel has been handed over.",
    "I would like to stress that this is not the first time the Smart Thermostat has failed; the same "
    "Error Code appeared in {month} and again shortly before the Easter holidays.",
    "According to the Service Level Agreement signed with {vendor}, incidents of Severity Two must be "
    "acknowledged within four hours and resolved within three Working Days.",
    "Our Quality Assurance team ran the Diagnostic Suite twice on {weekday} and found no hardware fault, "
    "which suggests the issue lies with the Firmware Update released in {month}.",
    "For your convenience, the Frequently Asked Questions page and the Getting Started Guide are both "
    "available in the Help Centre, under Account Settings and then Billing.",
    "Unfortunately the Express Delivery option is not available for addresses outside the Continental "
    "United States, so the order was sent by Standard Shipping instead.",
    "The Regional Manager for the Midwest has asked me to apologise on behalf of the whole Customer "
    "Relations team for the inconvenience and the time you have spent on this.",
    "Since the Annual Subscription includes the Extended Warranty, there will be no charge for the "
    "repair, and the Return Merchandise Authorization has already been issued.",
    "We kindly ask you to keep the original packaging, including the Quick Start Card and the Safety "
    "Information leaflet, until the Technical Support Specialist has closed the case.",
    "During the Black Friday promotion our Order Management System processed an unusually high volume "
    "of requests, and a small number of orders were duplicated by mistake.",
    "The Board approved the new Loyalty Programme in {month}; members of the Gold and Platinum tiers "
    "receive Free Shipping and a dedicated Account Manager.",
    "I contacted the Help Desk on {weekday} morning and was told that a Senior Engineer would call me "
    "back before the end of the day, which did not happen.",
    "Following the Internal Audit carried out by {vendor}, all Payment Card data is now processed by a "
    "PCI Certified provider and never stored on our own servers.",
    "The Claims Department in {hq} will assess the documents within ten Business Days and send a "
    "written decision by Registered Mail.",
    "Microsoft Teams and Google Meet are both supported for the Onboarding Session, which usually takes "
    "about forty minutes and covers the Admin Console and the Reporting Dashboard.",
    "The Insurance Certificate, the Proof of Purchase and the Repair Estimate should be attached as PDF "
    "files; scanned images are accepted as long as they are legible.",
    "Our Spring Catalogue lists the Model X Pro and the Model X Lite side by side, and the Comparison "
    "Chart on page twelve explains the difference in Battery Life.",
    "I understand that the Christmas period is busy, but three weeks without any update from the "
    "Logistics Team is, frankly, not acceptable for a Premium customer.",
]

# the personal data, in the places formal text carries it
PII_SENTENCES = [
    "My account number is {account} and the order in question is {order}.",
    "The invoice was sent to {email}, which is still the billing contact on file.",
    "You can reach me on {phone} any weekday after 3 pm, or by email at {email}.",
    "The parcel should have been delivered to {address}, {city} {zip}, but it never arrived.",
    "I spoke with {colleague} from your Sales team, who promised a call back within 48 hours.",
    "Your colleague {colleague} confirmed on the phone that the claim reference is {claim}.",
    "The charge appeared on my Visa card {card} twice on the same day.",
    "The policy number printed on the certificate is {policy}.",
    "My username on the Customer Portal is {username}, in case you need to check the login history.",
    "Please send all further correspondence to my home address: {address}, {city} {zip}.",
    "My manager, {manager}, has asked to be copied on the reply, so please include {email} as well.",
    "I have been a customer of {company} since {date} and have never had a problem like this before.",
    "According to {agent}, who handled the first ticket, order {order} had already left the warehouse.",
    "For verification, the last payment was made with the card ending {card} under account {account}.",
]

GREETINGS = ["Dear {title} {last},", "Dear Customer Support Team,", "Hello {first},", "Dear Sir or Madam,"]
INTROS = [
    "My name is {name} and I am writing to you regarding order {order}.",
    "I am writing on behalf of {company} about our account {account}.",
    "This is {name}; I am following up on my earlier message about claim {claim}.",
    "I hope this message finds you well. I am writing about the problem with order {order}.",
]
CLOSINGS = [
    "I look forward to your prompt reply.\n\nKind regards,\n{name}\n{job}, {company}\n{phone}",
    "Thank you in advance for your help.\n\nBest regards,\n{name}\n{email}",
    "Yours faithfully,\n{name}",
    "Sincerely,\n{first} {last}\n{address}\n{city} {zip}",
]
AGENT_OPENINGS = [
    "Dear {title} {last},\n\nThank you for contacting {brand} Customer Support. My name is {agent} and "
    "I will be looking after your case from now on.",
    "Hello {first},\n\nThank you for your patience while we investigated. I am {agent} from the "
    "{brand} Escalations Team.",
]
AGENT_CLOSINGS = [
    "Kind regards,\n{agent}\nCustomer Support Specialist, {brand}",
    "Best wishes,\n{agent}\n{brand} Escalations Team",
]
SUBJECTS = [
    "Subject: Complaint regarding order {order}",
    "Subject: Request for refund - account {account}",
    "Subject: Follow-up on claim {claim}",
    "Subject: Billing error on my Annual Subscription",
]
BRANDS = ["Northwind", "Contoso", "Globex", "Initech", "Umbrella Home", "Stark Appliances"]
HQS = ["Chicago", "Dublin", "Toronto", "Manchester", "Denver", "Rotterdam"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "April", "June", "September", "October", "November"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Builder:
    """Text assembled piece by piece, recording each planted value's span as it goes."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.parts: list[str] = []
        self.length = 0
        self.pii: list[dict[str, Any]] = []
        self.quasi: list[dict[str, Any]] = []

    def add(self, template: str) -> None:
        position = 0
        for match in PLACEHOLDER.finditer(template):
            self._raw(template[position : match.start()])
            key = match.group(1)
            value = self.values[key]
            start = self.length
            self._raw(value)
            entry = {"value": value, "span": [start, self.length]}
            if key in PII_TYPES:
                self.pii.append(entry | {"type": PII_TYPES[key]})
            elif key in QUASI_TYPES:
                self.quasi.append(entry | {"type": QUASI_TYPES[key]})
            position = match.end()
        self._raw(template[position:])

    def _raw(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _values(fake: Any, rng: random.Random) -> dict[str, str]:
    first, last = fake.first_name(), fake.last_name()
    return {
        "first": first,
        "last": last,
        "name": f"{first} {last}",
        "title": rng.choice(["Mr", "Ms", "Mrs", "Dr"]),
        "colleague": fake.name(),
        "agent": fake.name(),
        "manager": fake.name(),
        "email": fake.email(),
        "phone": rng.choice([fake.numerify("(###) ###-####"), fake.numerify("+1 ###-###-####")]),
        "address": fake.street_address(),
        "city": fake.city(),
        "zip": fake.postcode(),
        "order": fake.bothify("ORD-#######"),
        "account": fake.numerify("AC########"),
        "policy": fake.bothify("POL-??-######").upper(),
        "claim": fake.bothify("CLM-########"),
        "card": fake.credit_card_number(card_type="visa16"),
        "username": fake.user_name(),
        "company": fake.company(),
        "vendor": fake.company(),
        "job": fake.job().split(",")[0].title(),
        "date": fake.date_between("-6y", "-1y").strftime("%B %d, %Y"),
        "brand": rng.choice(BRANDS),
        "hq": rng.choice(HQS),
        "weekday": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS),
    }


def _body(builder: Builder, rng: random.Random, target: int) -> None:
    """Paragraphs of two to four sentences, mostly filler, a planted sentence in most, until ``target``."""
    start = builder.length
    while builder.length - start < target:
        sentences = rng.sample(FILLER, rng.randint(1, 3))
        if rng.random() < 0.7:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(PII_SENTENCES))
        for i, sentence in enumerate(sentences):
            builder.add(("" if i == 0 else " ") + sentence)
        builder.add("\n\n")


def email(fake: Any, rng: random.Random, rid: str) -> dict[str, Any]:
    builder = Builder(_values(fake, rng))
    builder.add(rng.choice(SUBJECTS) + "\n\n" + rng.choice(GREETINGS) + "\n\n" + rng.choice(INTROS) + "\n\n")
    _body(builder, rng, rng.randint(1800, 4200))
    builder.add(rng.choice(CLOSINGS))
    return {
        "id": rid,
        "source": "long_email",
        "text": builder.text,
        "pii": builder.pii,
        "quasi": builder.quasi,
    }


def ticket(fake: Any, rng: random.Random, rid: str) -> dict[str, Any]:
    """Two to three long messages, customer and agent in turn; ``text`` joins them as ``Speaker: text``."""
    builder = Builder(_values(fake, rng))
    turns = []
    for i in range(rng.randint(2, 3)):
        speaker = "Customer" if i % 2 == 0 else "Agent"
        builder.add(("\n" if i else "") + f"{speaker}: ")
        start = builder.length
        if speaker == "Customer":
            builder.add(rng.choice(GREETINGS) + "\n\n" + rng.choice(INTROS) + "\n\n")
            _body(builder, rng, rng.randint(700, 1500))
            builder.add(rng.choice(CLOSINGS))
        else:
            builder.add(rng.choice(AGENT_OPENINGS) + "\n\n")
            _body(builder, rng, rng.randint(500, 1200))
            builder.add(rng.choice(AGENT_CLOSINGS))
        turns.append({"speaker": speaker, "text": builder.text[start:]})
    return {
        "id": rid,
        "source": "long_ticket",
        "text": builder.text,
        "turns": turns,
        "pii": builder.pii,
        "quasi": builder.quasi,
    }


def long_texts(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` records, emails and tickets alternating, 2–5k characters each."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    return [(email if i % 2 == 0 else ticket)(fake, rng, f"long-{seed}-{i}") for i in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--records", type=int, default=120)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    records = long_texts(args.records, args.seed)
    with args.out.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    sizes = sorted(len(r["text"]) for r in records)
    print(f"{len(records)} records, {sum(sizes):,} chars, {sizes[0]}–{sizes[-1]} per record -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
