"""The gate's name count skips the model only where the model could not change it.

``count_names`` runs the NER once per distinct text and only on texts ``_may_hold_name`` lets through:
the counts must be those of the model on every text, for names of several locales in any case, after
cues, and for clean redacted turns (which the filter is there to skip).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from faker import Faker

from support_curation.validation import gate, names

if TYPE_CHECKING:
    import pytest

TEMPLATES = [
    "my name is {n}",
    "Thanks {f}, that helps",
    "this is {l} from billing",
    "hi {f}",
    "Please ask {n} to call me back.",
    "i'm {l}",
    "Regards,\n{n}",
    "Mr {l} will sort it",
    "the parcel went to {n} next door",
    "{n}: hello there",
]
CLEAN = [
    "Thanks for contacting us, how can I help you today?",
    "Your order <ORDER_ID> was shipped on Monday to <ADDRESS>.",
    "I have refunded $25.00 to your card, it takes 3-5 business days.",
    "Is there anything else I can help with?",
    "The Galaxy Tab is back in stock at our London store.",
    "ok thank you",
]


def _texts() -> list[str]:
    rng = random.Random(3)
    texts = list(CLEAN)
    for locale in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL"):
        fake = Faker(locale)
        fake.seed_instance(11)
        for _ in range(8):
            name = fake.name()
            text = rng.choice(TEMPLATES).format(n=name, f=fake.first_name(), l=name.split()[-1])
            texts += [text, text.lower(), text.upper()]
    return [gate.prepare(t) for t in texts + texts[:5]]  # repeats: counted once, reported for each


def test_prefilter_and_dedup_keep_the_model_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    filtered = names.count_names(texts)
    monkeypatch.setattr(names, "_may_hold_name", lambda doc: True)
    assert filtered == names.count_names(texts)
    assert sum(1 for c in filtered if c) > len(texts) // 3  # the set holds names the model counts


def test_clean_turns_skip_the_model() -> None:
    nlp = names._nlp()
    skipped = [t for t in CLEAN if not names._may_hold_name(nlp.make_doc(gate.prepare(t)))]
    assert len(skipped) >= 4, skipped
