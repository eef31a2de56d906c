"""``detectors.scan`` masks IBANs in the pass that counts them and skips the SSN and date/time passes
on texts without their digit-separator-digit shape: the counts must be those of every pass run.
"""

from __future__ import annotations

import random

import pytest

from support_curation.validation import detectors

TEXTS = [
    "call me on 07700 900123 or +44 20 7946 0958, my SSN is 123-45-6789",
    "IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111 on 2024-01-02 10:30",
    "de89370400440532013000 and a mistyped one DE89 3704 0044 0532 0130 01 then 4111111111111111",
    "order 12345678901 shipped 03/04/2024 at 9:45, refund $25.00, ticket 555 12 3456",
    "ssn 078 05 1120 and 078-05 1120 (mixed separators), phone (415) 555-2671 x596",
    "no digits at all here",
    "dates only: 1.2.2024, 12/31/99, 23:59:59; card 5555-5555-5555-4444 exp 12/26",
    "a time then a number: 10:30 5551234567; a date glued 2024-01-0212345678",
]


def _valid_ibans(text: str) -> int:
    hits = 0
    for match in detectors._IBAN.finditer(text):
        compact = match.group().replace(" ", "").upper()
        length = detectors._IBAN_LENGTHS.get(compact[:2])
        hits += 1 if length and len(compact) >= length and detectors.iban_valid(compact[:length]) else 0
    return hits


def _scan_every_pass(text: str) -> dict[str, int]:
    """The scan as it ran before the shortcuts: every pass over every text with a digit."""
    counts = dict.fromkeys(detectors.DETECTORS, 0)
    text = detectors._mask(text, detectors._PLACEHOLDER)
    if "@" in text:
        counts["email"] = len(detectors._EMAIL.findall(text))
        text = detectors._mask(text, detectors._EMAIL)
    if detectors._NON_DIGIT.sub("", text) == "":
        return counts
    counts["iban"] = _valid_ibans(text)
    text = detectors._mask(text, detectors._IBAN)
    counts["ssn"] = len(detectors._SSN.findall(text))
    if counts["ssn"]:
        text = detectors._mask(text, detectors._SSN)
    counts["card"], counts["phone"] = detectors._count_digit_runs(detectors._mask(text, detectors._DATE_TIME))
    return counts


@pytest.mark.parametrize("text", [*TEXTS, *(t.upper() for t in TEXTS), "\n".join(TEXTS)])
def test_shortcuts_keep_the_counts(text: str) -> None:
    assert detectors.scan(text) == _scan_every_pass(text)


def test_the_table_exercises_every_detector() -> None:
    totals = dict.fromkeys(detectors.DETECTORS, 0)
    for text in TEXTS:
        for name, count in _scan_every_pass(text).items():
            totals[name] += count
    assert all(totals[name] for name in ("phone", "card", "iban", "ssn")), totals


def _digit_texts() -> list[str]:
    rng = random.Random(5)
    alphabet = "0123456789" * 2 + "-/.: x\t"
    shapes = [f"{rng.randint(0, 9999)}{rng.choice('-/.: ')}{rng.randint(0, 99)}" for _ in range(3000)]
    noise = ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 24))) for _ in range(3000)]
    return [*TEXTS, *(a + rng.choice(" -/.:") + b for a, b in zip(shapes, noise, strict=True))]


def test_hints_are_necessary_for_their_patterns() -> None:
    texts = _digit_texts()
    dated = [t for t in texts if detectors._DATE_TIME.search(t)]
    ssns = [t for t in texts if detectors._SSN.search(t)]
    assert len(dated) > 300 and len(ssns) > 3  # times, dates and SSNs all occur
    assert any(":" in m.group() for t in dated for m in detectors._DATE_TIME.finditer(t))
    assert all(detectors._DATE_TIME_HINT.search(t) for t in dated)
    assert all(detectors._SSN_HINT.search(t) for t in ssns)


@pytest.mark.parametrize("text", [*TEXTS, *(t.upper() for t in TEXTS), "\n".join(TEXTS)])
def test_one_pass_masks_as_the_mask_pass(text: str) -> None:
    assert detectors._ibans_masked(text) == (_valid_ibans(text), detectors._mask(text, detectors._IBAN))
