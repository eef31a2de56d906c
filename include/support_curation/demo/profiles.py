"""Customer and agent profiles from seeded Faker, with every spelling of their details the texts may use."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from faker import Faker

from support_curation.demo import identifiers as ids
from support_curation.demo import texts

if TYPE_CHECKING:
    from collections.abc import Callable

_NAME_SHAPE = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
_LETTERS = re.compile(r"[^a-z]")


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: str
    first: str
    last: str
    email: str
    phone: str  # as stored in the helpdesk
    phones: tuple[str, ...]  # as typed in texts (stored form included)
    phone_spoken: str
    street: str
    city: str
    postcode: str
    country: str  # US | GB
    segment: str
    created_at: datetime
    dobs: tuple[str, ...]
    cards: tuple[str, ...]  # digits first, then spaced and dashed spellings
    ibans: tuple[str, ...]
    account: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def language(self) -> str:
        return "en-US" if self.country == "US" else "en-GB"

    def pii_values(self) -> list[str]:
        """Identity values (names in the casings used, contact details); card/IBAN/DOB go to ``embedded``."""
        values = [self.full, self.first, self.last, self.full.lower(), self.first.lower(), self.email]
        values += [*self.phones, self.phone_spoken, self.street]
        if self.country == "GB":  # a UK postcode is near-unique; a US ZIP alone is not tracked (see report)
            values.append(self.postcode)
        return list(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class Agent:
    agent_id: str
    first: str
    last: str
    email: str
    team: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    def pii_values(self) -> list[str]:
        return [self.full, self.first, self.last, self.email]


@lru_cache(maxsize=1)
def _vocabulary() -> str:
    """All phrasebook text, lower-cased: a name inside it would make truth checks trip on ordinary words."""
    parts: list[str] = [texts.EXTRA_VOCABULARY]

    def walk(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple | frozenset):
            for item in value:
                walk(item)
        elif isinstance(value, texts.Topic):
            walk((value.subjects, value.openings, value.details, value.resolutions))

    for name, value in vars(texts).items():
        if name.isupper() and name != "COMMON_WORD_NAMES":
            walk(value)
    return "\n".join(parts).lower()


def acceptable_name(name: str) -> bool:
    """Reject names that are everyday words, too short, or hidden inside the phrasebook's text."""
    lower = name.lower()
    return (
        _NAME_SHAPE.fullmatch(name) is not None
        and lower not in texts.COMMON_WORD_NAMES
        and lower not in _vocabulary()
    )


def _pick_name(draw: Callable[[], str]) -> str:
    for _ in range(200):
        name = draw()
        if acceptable_name(name):
            return name
    raise RuntimeError("could not draw an acceptable name")  # pragma: no cover - Faker has thousands


def _fakers(seed: int) -> dict[str, Faker]:
    fakers = {"US": Faker("en_US"), "GB": Faker("en_GB")}
    for offset, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 10 + offset)
    return fakers


def _email(rng: random.Random, first: str, last: str, domain: str) -> str:
    f, l = _LETTERS.sub("", first.lower()), _LETTERS.sub("", last.lower())  # noqa: E741
    local = rng.choice(
        (f"{f}.{l}", f"{f}{l}{rng.randint(1, 99)}", f"{f[0]}{l}", f"{f}_{l}{rng.randint(70, 99)}")
    )
    return f"{local}@{domain}"


def make_customers(seed: int, count: int, start: date) -> list[Customer]:
    """``count`` customers, the same for a seed whatever the count (customer i does not depend on count)."""
    rng = random.Random(f"demo-customers:{seed}")
    fakers = _fakers(seed)
    origin = datetime.combine(start, time(), tzinfo=UTC)
    customers = []
    for i in range(count):
        country = "US" if rng.random() < 0.5 else "GB"
        fake = fakers[country]
        first, last = _pick_name(fake.first_name), _pick_name(fake.last_name)
        segment = rng.choice(texts.SEGMENTS)
        domain = fake.domain_name() if segment == "business" else fake.free_email_domain()
        phone, phones, spoken = ids.phone_numbers(rng, country)
        _, dobs = ids.date_of_birth(rng, country)
        _, cards = ids.card_number(rng)
        customers.append(
            Customer(
                customer_id=f"cus-{seed}-{i:06d}",
                first=first,
                last=last,
                email=_email(rng, first, last, domain),
                phone=phone,
                phones=phones,
                phone_spoken=spoken,
                street=fake.street_address().replace("\n", ", "),
                city=fake.city(),
                postcode=fake.postcode(),
                country=country,
                segment=segment,
                created_at=origin - timedelta(days=rng.randint(30, 1500), seconds=rng.randint(0, 86399)),
                dobs=dobs,
                cards=cards,
                ibans=ids.iban_spellings(fakers["GB"].iban()),
                account=ids.account_number(rng),
            )
        )
    return customers


def make_agents(seed: int, count: int) -> list[Agent]:
    rng = random.Random(f"demo-agents:{seed}")
    fake = _fakers(seed + 100_003)["GB" if seed % 2 else "US"]
    agents = []
    for i in range(count):
        first, last = _pick_name(fake.first_name), _pick_name(fake.last_name)
        email = f"{_LETTERS.sub('', first.lower())}.{_LETTERS.sub('', last.lower())}@support.example.com"
        agents.append(Agent(f"agt-{seed}-{i:04d}", first, last, email, rng.choice(texts.TEAMS)))
    return agents
