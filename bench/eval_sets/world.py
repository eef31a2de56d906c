"""English support conversations with customers named in many cultures (``python bench/eval_sets/world.py``).

Names come from seeded Faker locales that write them in the Latin alphabet: Vietnamese (family name
first, accents kept or dropped as customers type them), Chinese and Japanese (Faker's romanised lists),
Indian, Pakistani, Yoruba, Igbo, Hausa, Swahili, Zulu, Twi, Algerian (Arabic names in French spelling),
Turkish, Polish, Indonesian, Thai. The dialogue is ordinary English chat and e-mail: introductions with
and without a cue, agents addressing the customer, names given as answers, usernames with words between
the cue and the value ("my username on the Customer Portal is ..."), flats and units before a street,
and signatures after closing lines that are not set formulas ("Thanks in advance for any help,\\nPriya").
Also long e-mails (``style_email``): a customer's letter of a few paragraphs with a signature block, often
answered by the agent above a quoted header ("On Monday, 3 March 2026 at 09:12, ... wrote:").
Writes ``bench/eval_sets/data/<split>/style_{world,email}.jsonl`` for the dev and test splits.
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
    from wordfreq import zipf_frequency

    fake = Faker(locale)
    fake.seed_instance(rng.randrange(1 << 30))
    if locale in ("zh_CN", "ja_JP"):
        first, last = fake.first_romanized_name(), fake.last_romanized_name()
    else:
        first, last = fake.first_name(), fake.last_name()
    if locale == "vi_VN":
        middle = fake.middle_name()
        full = f"{last} {middle} {first}"
        # typed without accents, unless that makes a part one of English's commonest words ("Thế" ->
        # "The"): a scorer counting name tokens would count every "the" of the text
        if rng.random() < 0.6 and not any(zipf_frequency(_ascii(p), "en") >= 6 for p in full.split()):
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


# long e-mails: a customer's message (greeting, a few paragraphs, a signature block), the agent's reply
# above it, a quoted header between them
EMAIL = {
    "greeting": ["Dear Acme Support,", "Hello,", "Hi there,", "To whom it may concern,", "Dear {agent},"],
    "body": [
        "I am writing about my order {order}, which I placed on the 14th of last month. The confirmation "
        "said it would arrive within five working days, but nothing has come and the tracking page has "
        "not changed in over a week. I have already contacted the courier, who told me to speak to you.",
        "My name is {name} and I have been a customer for several years. Last Tuesday I was charged twice "
        "for the same subscription, and the second payment has pushed my account into overdraft. I would "
        "appreciate it if you could refund the duplicate charge as soon as possible.",
        "I moved house recently and updated my address online, but the replacement {product} was still "
        "sent to the old one. The new address is {unit}, {street}, {city} {postcode}. Could you please "
        "arrange a redelivery, or let me know how to collect it?",
        "When I try to sign in with my username {username}, the website says my account is locked. I "
        "reset my password twice and it still does not work. I use the same email, {email}, as always.",
        "My husband {name2} spoke to one of your colleagues on the phone yesterday, and we were promised "
        "a call back within 24 hours, which never happened. You can reach me on {phone} at any time.",
        "The {product} stopped working after only three weeks. I have attached a photo of the fault and "
        "the receipt. I would prefer a replacement rather than a refund, if that is possible.",
    ],
    "close": [
        "Thank you in advance for your help.\n\nKind regards,\n{name}",
        "I look forward to hearing from you.\n\nBest wishes,\n{name}\n{phone}",
        "Many thanks,\n{first}\n\nSent from my iPhone",
        "Thanks for looking into this.\n\n--\n{name}\n{unit}, {street}\n{city} {postcode}",
        "Hoping for a quick reply,\n{first} {last}",
    ],
    "reply": [
        "Dear {first},\n\nThank you for your email, and I am sorry for the trouble. I have looked into "
        "order {order} and arranged a replacement, which should reach you within three working days.\n\n"
        "Kind regards,\n{agent}\nAcme Customer Care",
        "Hi {first},\n\nThanks for getting in touch. I have refunded the duplicate payment; it can take up "
        "to five working days to appear on your statement.\n\nBest,\n{agent}",
        "Hello {name},\n\nI am sorry to hear about this. I have unlocked your account, and you should now "
        "be able to sign in again. Please let me know if the problem comes back.\n\n{agent} | Acme Support",
    ],
    "header": [
        "On {weekday}, {date} at 09:12, {name} <{email}> wrote:",
        "From: {name} <{email}>\nSent: {weekday}, {date} 14:02\nTo: Acme Support\nSubject: Re: my order",
        "-----Original Message-----\nFrom: {name}\nSent: {date} 10:47",
    ],
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_email(rng: random.Random, split: str, i: int) -> dict[str, Any]:
    values = _values(rng)
    day = rng.randrange(1, 28)
    month = rng.choice(["January", "March", "May", "June", "September", "November"])
    values["weekday"] = (rng.choice(WEEKDAYS), None)
    values["date"] = (f"{day} {month} 2026", None)
    e = EMAIL
    body = rng.sample(pool(e["body"], split), k=2)
    customer = "\n\n".join(
        [rng.choice(pool(e["greeting"], split)), *body, rng.choice(pool(e["close"], split))]
    )
    turns = [("Customer", customer)]
    if rng.random() < 0.6:
        quoted = "\n".join("> " + line if line else ">" for line in customer.split("\n"))
        reply = rng.choice(pool(e["reply"], split)) + "\n\n" + rng.choice(pool(e["header"], split))
        turns.append(("Agent", reply + "\n" + quoted))
    return record(f"email-{split}-{i:04d}", "synthetic_email", turns, Filler(values))


def main() -> int:
    for split in ("dev", "test"):
        write(OUT / split / "style_world.jsonl", generate("world", split, COUNT, make_world))
        write(OUT / split / "style_email.jsonl", generate("email", split, COUNT // 2, make_email))
    print(f"written {OUT}/{{dev,test}}/style_{{world,email}}.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
