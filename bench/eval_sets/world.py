"""English support conversations with customers named in many cultures (``python bench/eval_sets/world.py``).

Names come from seeded Faker locales that write them in the Latin alphabet: Vietnamese (family name
first, accents kept or dropped as customers type them), Chinese and Japanese (Faker's romanised lists),
Indian, Pakistani, Yoruba, Igbo, Hausa, Swahili, Zulu, Twi, Algerian (Arabic names in French spelling),
Turkish, Polish, Indonesian, Thai. The dialogue is ordinary English chat and e-mail: introductions with
and without a cue, agents addressing the customer, names given as answers, usernames with words between
the cue and the value ("my username on the Customer Portal is ..."), flats and units before a street,
and signatures after closing lines that are not set formulas ("Thanks in advance for any help,\\nPriya").
Writes ``bench/eval_sets/data/<split>/style_world.jsonl`` for the dev and test splits.
"""

from __future__ import annotations

import random  # noqa: TC003
import sys
import unicodedata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import Filler, generate, pool, record, write  # noqa: E402

OUT = Path(__file__).resolve().parent / "data"
COUNT = 150
LOCALES = [
    "vi_VN",
    "zh_CN",
    "ja_JP",
    "en_IN",
    "en_PK",
    "yo_NG",
    "ig_NG",
    "ha_NG",
    "sw",
    "zu_ZA",
    "tw_GH",
    "fr_DZ",
    "tr_TR",
    "pl_PL",
    "id_ID",
    "en_TH",
]
FAMILY_FIRST = {"vi_VN", "zh_CN"}  # written family name first, addressed by the given name

T: dict[str, list[Any]] = {
    "greet": [
        "Hi, you're chatting with {agent}. How can I help today?",
        "Hello and thanks for contacting Acme support, my name is {agent}. What can I do for you?",
        "Good morning! {agent} here from the billing team 😊 how can I help?",
        "Hi there, I'm {agent}. Sorry for the wait, what's going on?",
    ],
    "intro": [
        "Hi, my name is {name} and my order still hasn't arrived.",
        "Hello, this is {name}. I was charged twice for my subscription this month.",
        "hi {agent}, I'm {first}, the parcel tracking hasn't moved since Tuesday 😕",
        "Good morning, {name} here. I can't log in to the app since the update.",
        "Hello. I am writing on behalf of my mother, {name2}, who can't use the website.",
        "hey, it's {first} again, we spoke yesterday about the broken {product}",
        "Hi {agent}! {name}, I ordered a {product} and got the wrong colour 🙃",
        "Dear Sir or Madam,\n\nMy name is {name}. I am writing to complain about the delivery of my {product}, which arrived damaged.",  # noqa: E501
    ],
    "ask": {
        "name": [
            ("Could I have the full name on the account, please?", "{name}"),
            ("Can you confirm the account holder's name?", "It's {name}."),
            ("Whose name is the order under?", "It's under my husband's name, {name2}"),
            ("May I have your first and last name?", "{first} {last}, thank you"),
            ("Sorry, could you spell your surname for me?", "Sure, it's {last}"),
            ("And the name on the card?", "{name}, same as the account"),
        ],
        "username": [
            ("What's the username on your account?", "my username on the Customer Portal is {username}"),
            ("Which login do you use?", "I sign in as {username} on the mobile app"),
            ("Can you confirm your user ID?", "The user ID for the old store was {username} I think"),
            ("What is your account username?", "username for the forum is {username}"),
            ("Do you have your username handy?", "yes, my login at work is {username}"),
        ],
        "address": [
            ("What's the delivery address?", "{unit}, {street}, {city} {postcode}"),
            ("Could you confirm your postal address?", "It's {unit}, {street}"),
            ("Where should we send the replacement?", "To {street}, {unit}, {city} please"),
            ("What address is on the order?", "{unit} {street} in {city}"),
        ],
        "email": [
            ("What's the email on the account?", "{email}"),
            ("Can I get an email address to send the label to?", "sure, it's {email}"),
        ],
        "phone": [
            ("Is there a phone number we can reach you on?", "{phone}"),
            ("What's the best number to call you back?", "my mobile is {phone}"),
        ],
        "order": [
            ("Do you have the order number?", "Yes, it's {order}"),
            ("What's the order reference?", "order {order}"),
        ],
    },
    # details given unasked, mid-conversation
    "aside": [
        "Also, I moved last month, so the new address is {unit}, {street}, {city}.",
        "btw my username on the Customer Portal is {username} if that helps",
        "I tried to log in as {username} but it says the account is locked",
        "The courier says he left it at {unit} but that's not my flat, I'm at {street}",
        "my login for the old app was {username}, not sure if it carried over",
        "Please send any letters to {unit} {street}, the old address is wrong.",
    ],
    "address_agent": [
        "Thanks {first}, I can see the order now. Let me check with the warehouse.",
        "Thank you, {first}. I've found your account.",
        "Sorry about all this, {first} 🙏 I'll sort it out.",
        "Thanks for waiting, {first}! The refund has been issued.",
        "Got it {first}, one moment please.",
        "Thank you {first}, that's all verified.",
    ],
    "action": [
        "I've issued a replacement, it should be with you in 3-5 working days.",
        "The refund is on its way, it can take up to a week to show on your statement.",
        "I've reset your login, you should get an email in a few minutes.",
        "I've escalated this to our delivery team and they'll contact you within 48 hours.",
    ],
    "bye": [
        "Thanks in advance for any help,\n{first}",
        "Thank you so much for your help! 🙏🙏\n\n{name}",
        "ok perfect, thx {agent} 👍",
        "Many thanks for sorting this out so quickly.\n-- \n{name}",
        "Appreciate it, have a good day!\n{first}",
        "Looking forward to hearing from you.\n\nBest,\n{name}",
        "great, that's everything 😊 cheers\n{first} {last}",
        "thank you!! you've been really helpful {agent} ❤️",
    ],
}
PRODUCTS = ["Echo Dot", "Kindle", "Pixel 8", "Galaxy Buds", "air fryer", "Nest thermostat"]
UNITS = ["Flat {n}{l}", "Apt {n}{l}", "Apartment {n}", "Unit {n}", "Suite {n}", "Flat {n}"]


def _ascii(value: str) -> str:
    """As many customers type names on an English keyboard: "Nguyễn Thị Lan" -> "Nguyen Thi Lan"."""
    decomposed = unicodedata.normalize("NFKD", value.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _person(rng: random.Random, locale: str) -> tuple[str, str, str]:
    """(given name, family name, full name as the customer writes it)."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(rng.randrange(1 << 30))
    if locale in ("zh_CN", "ja_JP"):
        first, last = fake.first_romanized_name(), fake.last_romanized_name()
    else:
        first, last = fake.first_name(), fake.last_name()
    if locale == "vi_VN":
        middle = fake.middle_name()
        full = f"{last} {middle} {first}"
        if rng.random() < 0.6:
            first, last, full = _ascii(first), _ascii(last), _ascii(full)
        return first, last, full
    if locale in FAMILY_FIRST and rng.random() < 0.6:
        return first, last, f"{last} {first}"
    return first, last, f"{first} {last}"


def _username(rng: random.Random, first: str, last: str) -> str:
    first, last = _ascii(first).lower(), _ascii(last).lower().replace(" ", "")
    style = rng.randrange(4)
    return [
        f"{first[0]}{last}_{rng.randrange(10, 99)}",
        f"{first}.{last}{rng.randrange(1, 9)}",
        f"{first}_{last[:3]}{rng.randrange(70, 99)}",
        f"{last}{first[0]}{rng.randrange(100, 999)}",
    ][style]


def _values(rng: random.Random) -> dict[str, tuple[str, str | None]]:
    from faker import Faker

    locale = rng.choice(LOCALES)
    first, last, full = _person(rng, locale)
    _, _, full2 = _person(rng, rng.choice(LOCALES))
    uk = Faker(rng.choice(["en_GB", "en_US"]))
    uk.seed_instance(rng.randrange(1 << 30))
    agent = uk.first_name()
    unit = rng.choice(UNITS).format(n=rng.randrange(1, 60), l=rng.choice("ABCD"))
    return {
        "agent": (agent, "PERSON"),
        "first": (first, "PERSON"),
        "last": (last, "PERSON"),
        "name": (full, "PERSON"),
        "name2": (full2, "PERSON"),
        "username": (_username(rng, first, last), "USERNAME"),
        "unit": (unit, "ADDRESS"),
        "street": (f"{uk.building_number()} {uk.street_name()}", "ADDRESS"),
        "city": (uk.city(), None),
        "postcode": (uk.postcode(), "ZIP"),
        "email": (uk.free_email(), "EMAIL"),
        "phone": (uk.phone_number(), "PHONE"),
        "order": (str(rng.randrange(10_000_000, 99_999_999)), "ORDER_ID"),
        "product": (rng.choice(PRODUCTS), None),
    }


def make_world(rng: random.Random, split: str, i: int) -> dict[str, Any]:
    turns = [
        ("Agent", rng.choice(pool(T["greet"], split))),
        ("Customer", rng.choice(pool(T["intro"], split))),
    ]
    if rng.random() < 0.5:
        turns.append(("Customer", rng.choice(pool(T["aside"], split))))
    kinds = rng.sample(sorted(T["ask"]), k=rng.randint(2, 3))
    for n, kind in enumerate(kinds):
        question, answer = rng.choice(pool(T["ask"][kind], split))
        turns += [("Agent", question), ("Customer", answer)]
        if n == 0:
            turns.append(("Agent", rng.choice(pool(T["address_agent"], split))))
    turns.append(("Agent", rng.choice(pool(T["action"], split))))
    turns.append(("Customer", rng.choice(pool(T["bye"], split))))
    return record(f"world-{split}-{i:04d}", "synthetic_world", turns, Filler(_values(rng)))


def main() -> int:
    for split in ("dev", "test"):
        write(OUT / split / "style_world.jsonl", generate("world", split, COUNT, make_world))
    print(f"written {OUT}/{{dev,test}}/style_world.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
