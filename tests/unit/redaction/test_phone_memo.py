"""The phone recognizer's memoised phonenumbers calls give what the calls themselves give.

``_valid_region`` and ``_matched`` are memoised per string; the recognizer's results must be the same
with the memo cold, warm (each text analysed twice) and as the uncached loops over the regions find.
"""

from __future__ import annotations

import phonenumbers
import pytest
from faker import Faker

from support_curation.redaction.recognizers import phone_number as pn


def _texts(seed: int) -> list[str]:
    fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR", "pt_BR", "en_IN"])
    fake.seed_instance(seed)
    out = []
    for _ in range(60):
        out += [
            f"call me on {fake.phone_number()} after 5",
            f"card {fake.credit_card_number()} and {fake.credit_card_number()}",
            f"my card is {fake.numerify('#### #### #### ####')}, phone {fake.numerify('+44 7### ######')}",
            f"text {fake.numerify('###-####')} or {fake.numerify('(###) ###-####')}",
            f"order {fake.numerify('#########')} on 12/03/2026 14:02, mobile {fake.numerify('##########')}",
            f"ref {fake.numerify('################-####')} or {fake.numerify('####-####-####-####')}",
        ]
    return out


def _uncached(recognizer: pn.PhoneNumberRecognizer, number: str, text: str, start: int, end: int) -> list:
    """The recognizer's lookup as it stood before the memo: the loops over the regions, inline."""
    full = number.startswith("+") or sum(c.isdigit() for c in number) >= pn.FULL_DIGITS
    for region in recognizer.supported_regions if full else ():
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return [recognizer._result(start, end, region)]
    if full and sum(c.isdigit() for c in number) <= pn.MAX_DIGITS:
        return []
    if not full and not pn._CONTEXT.search(text[max(0, start - pn.CONTEXT_CHARS) : start]):
        return []
    lo = max(0, start - pn.SLACK)
    snippet = text[lo : end + pn.SLACK]
    for region in recognizer.supported_regions:
        matches = list(phonenumbers.PhoneNumberMatcher(snippet, region, leniency=recognizer._leniency))
        if matches:
            return [recognizer._result(lo + m.start, lo + m.end, region) for m in matches]
    return []


def _key(results: list) -> list[tuple]:
    return sorted(
        (r.entity_type, r.start, r.end, r.score, r.analysis_explanation.textual_explanation) for r in results
    )


@pytest.mark.parametrize("seed", range(2))
def test_memoised_phone_lookups_match_the_plain_ones(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(seed)
    memoised = pn.PhoneNumberRecognizer(supported_language="en")
    pn._valid_region.cache_clear()
    pn._matched.cache_clear()
    cold = [_key(memoised.analyze(t, memoised.supported_entities)) for t in texts]
    warm = [_key(memoised.analyze(t, memoised.supported_entities)) for t in texts]
    assert pn._valid_region.cache_info().hits and pn._matched.cache_info().hits  # the memo was used

    plain = pn.PhoneNumberRecognizer(supported_language="en")
    monkeypatch.setattr(plain, "_find", lambda *args: _uncached(plain, *args))
    expected = [_key(plain.analyze(t, plain.supported_entities)) for t in texts]
    assert cold == expected
    assert warm == expected
    assert sum(map(len, expected)) > len(texts) // 3  # phone numbers were found: this compared something
