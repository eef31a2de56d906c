"""Synthetic identifiers that must pass the same checks real ones do (Luhn, IBAN mod-97), in the formats
people actually type or say, so that redactors meet realistic variation rather than one tidy pattern."""

from __future__ import annotations

import string
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True when the digits of ``number`` (spaces and dashes ignored) pass the Luhn check."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check (spaces ignored)."""
    compact = iban.replace(" ", "").upper()
    if len(compact) < 15 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


def card_number(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """A Luhn-valid card number: (digits, the spellings used in text)."""
    kind = rng.random()
    if kind < 0.15:  # Amex: 15 digits, 4-6-5 grouping
        payload = rng.choice(("34", "37")) + "".join(rng.choice(string.digits) for _ in range(12))
        digits = payload + luhn_check_digit(payload)
        groups: tuple[str, ...] = (digits[:4], digits[4:10], digits[10:])
    else:
        prefix = "4" if kind < 0.6 else str(rng.randint(51, 55))
        payload = prefix + "".join(rng.choice(string.digits) for _ in range(15 - len(prefix)))
        digits = payload + luhn_check_digit(payload)
        groups = (digits[:4], digits[4:8], digits[8:12], digits[12:])
    return digits, (digits, " ".join(groups), "-".join(groups))


def iban_spellings(iban: str) -> tuple[str, ...]:
    compact = iban.replace(" ", "")
    return compact, " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def phone_numbers(rng: random.Random, country: str) -> tuple[str, tuple[str, ...], str]:
    """(stored form, typed spellings, spoken spelling: digits separated by spaces)."""
    if country == "US":
        area = rng.randint(201, 989)
        area += area % 100 == 11  # N11 codes are service numbers, not area codes
        exch, line = rng.randint(201, 989), rng.randint(0, 9999)
        a, e, n = f"{area}", f"{exch}", f"{line:04d}"
        stored = f"+1{a}{e}{n}"
        typed: tuple[str, ...] = (
            stored,
            f"+1 ({a}) {e}-{n}",
            f"{a}.{e}.{n}",
            f"({a}) {e}-{n}",
            f"{a}-{e}-{n}",
        )
        spoken = " ".join(a + e + n)
    else:
        body = str(rng.randint(1, 9)) + f"{rng.randint(0, 999):03d}" + f"{rng.randint(0, 999999):06d}"
        local = "07" + body[1:]  # UK mobile: 07 + 9 digits
        stored = "+447" + body[1:]
        typed = (stored, f"{local[:5]} {local[5:]}", f"+44 {local[1:5]} {local[5:]}", local)
        spoken = " ".join(local)
    return stored, typed, spoken


def date_of_birth(rng: random.Random, country: str) -> tuple[date, tuple[str, ...]]:
    """A birth date between 1940 and 2005 (not relative to today, so output does not drift), and spellings."""
    dob = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    month = _MONTHS[dob.month - 1]
    if country == "US":
        spelled = (dob.strftime("%m/%d/%Y"), f"{month} {dob.day}, {dob.year}", dob.isoformat())
    else:
        spelled = (dob.strftime("%d/%m/%Y"), f"{dob.day} {month} {dob.year}", dob.isoformat())
    return dob, spelled


def order_number(rng: random.Random) -> str:
    return f"ORD-{rng.randint(1_000_000, 9_999_999)}"


def account_number(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 99_999_999))


def internal_code(rng: random.Random) -> str:
    return f"INT-{rng.choice(('BIL', 'LOG', 'SEC', 'ACC', 'RET', 'VUL', 'ESC'))}-{rng.randint(0, 999):03d}"
