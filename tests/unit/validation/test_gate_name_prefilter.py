"""The gate's name count skips the model only where the model could not change it.

``count_names`` runs the NER once per distinct text and only on texts ``_may_hold_name`` lets through:
the counts must be those of the model on every text, for names of several locales in any case, after
cues, and for clean redacted turns (which the filter is there to skip).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

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
    monkeypatch.setattr(names, "_may_hold_name", lambda doc, text=None: True)
    assert filtered == names.count_names(texts)
    assert sum(1 for c in filtered if c) > len(texts) // 3  # the set holds names the model counts


def test_clean_turns_skip_the_model() -> None:
    nlp = names._nlp()
    skipped = [t for t in CLEAN if not names._may_hold_name(nlp.make_doc(gate.prepare(t)))]
    assert len(skipped) >= 4, skipped


def _may_hold_name_by_tokens(doc: Any) -> bool:
    """The prefilter as it read spaCy ``Token`` objects, before it read token arrays and cached words."""
    text = doc.text
    title = surname = False
    rare_capitalised = 0
    for token in doc:
        word = token.text
        lowered = word.lower()
        if lowered.strip(".") in names._TITLES:
            title = True
        if not token.is_alpha:
            continue
        if names._is_first(word):
            return True
        last = names._is_last(word)
        surname = surname or (last and len(word) > 2)
        capitalised = names._is_title(token)
        rare = max(names.zipf(lowered), names.foreign_zipf(lowered)) < names.COMMON_ZIPF - 0.5
        if len(word) > 1 and capitalised and rare:
            rare_capitalised += 1
            if rare_capitalised >= 2:
                return True
        if (last and capitalised) or names.zipf(lowered) < names.RARE_ZIPF:
            cue = names._cue_word(token) and names._cue_before(text, token.idx)
            if cue and ((last and capitalised) or cue == "intro"):
                return True
    return title and surname


def test_prefilter_reads_arrays_as_it_read_tokens() -> None:
    nlp = names._nlp()
    extra = ["Mr. and the Smith", "dr white", "Zorblat Quixwell", "my name is zorblat", "thanks, Black", "x"]
    texts = [*_texts(), *(gate.prepare(t) for t in extra)]
    verdicts = []
    for text in texts:
        doc = nlp.make_doc(text)
        verdicts.append(names._may_hold_name(doc, text))
        assert verdicts[-1] == _may_hold_name_by_tokens(doc) == names._may_hold_name(doc), text
    assert 0 < sum(verdicts) < len(verdicts)
