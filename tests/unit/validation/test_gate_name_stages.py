"""The gate's name count in stages: tokenizer prefilter, NER, tagger only where tags are read.

``count_names`` must give, for every text, what the whole model (tagger and NER) on that text gives
to ``_count``: the prefilter may skip a text only when no span could be counted in it, and the tagger
may be skipped only where no tag is read. The reference here runs the full pipeline on every text.
"""

from __future__ import annotations

import random

import pytest
from faker import Faker

from support_curation.validation import gate, names

TEMPLATES = [
    "my name is {n}",
    "Thanks {f}, that helps",
    "this is {l} from billing",
    "cheers {l}",
    "Regards,\n{l}",
    "Mr {l} will sort it",
    "Dr. {l} said so",
    "ask mrs {l} about it",
    "{l} and {l2} Ltd",
    "{l} {l2} called",
    "we spoke to {n} yesterday",
    "the parcel went to {n} next door",
    "{f} {l} from {c}",
    "<PERSON_1> {l}",
]
# lower-case listed surnames that are ordinary words, rare capitalised words, titles without names
EDGES = [
    "the white box by the church is in the house on field street",
    "i will mark the bill as paid in june",
    "Thanks, Grant was approved",
    "Zorblax Quentavio",
    "Zorblax is here",
    "miss the delivery again",
    "Dr. said to rest",
    "it's viswa",
    "my name is nivika",
    "hello Smith",
    "Hello, Young",
    "The Galaxy Tab is back in stock at our London store.",
    "Your order <ORDER_ID> was shipped on Monday to <ADDRESS>.",
]


def _texts() -> list[str]:
    rng = random.Random(17)
    texts = list(EDGES)
    for locale in ("en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL"):
        fake = Faker(locale)
        fake.seed_instance(23)
        for _ in range(10):
            text = rng.choice(TEMPLATES).format(
                n=fake.name(), f=fake.first_name(), l=fake.last_name(), l2=fake.last_name(), c=fake.city()
            )
            texts += [text, text.lower(), text.upper()]
    return [gate.prepare(t) for t in texts]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def test_counts_are_those_of_the_whole_model_on_every_text(texts: list[str]) -> None:
    nlp = names._nlp()
    reference = [names._count(doc) for doc in nlp.pipe(texts)]
    assert names.count_names(texts) == reference
    assert sum(1 for c in reference if c) > len(texts) // 4  # the set holds names the model counts


def test_prefilter_lets_through_every_text_with_a_count(texts: list[str]) -> None:
    nlp = names._nlp()
    for doc in nlp.pipe(texts):
        if names._count(doc):
            assert names._may_hold_name(nlp.make_doc(doc.text)), doc.text


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("the white box by the church is in the house", False),  # lower-case surnames alone
        ("White and Black are both here", False),  # capitalised surnames without a title or cue
        ("ask mr white", True),  # a title and a surname
        ("Mr. Church called", True),
        ("cheers Black", True),  # a capitalised surname after a cue
        ("cheers black", False),  # a lower-case one is no proper noun to the cue
        ("Zorblax Quentavio", True),  # two rare capitalised words
        ("Zorblax is here", False),  # one is not a name to any counting rule
        ("my name is nivika", True),  # a rare word after an introduction
        ("hi nivika", False),  # a greeting is not an introduction
        ("thanks john", True),  # a listed first name, whatever its case
    ],
)
def test_prefilter_conditions(text: str, passes: bool) -> None:
    assert names._may_hold_name(names._nlp().make_doc(gate.prepare(text))) is passes


def test_tags_are_read_only_for_person_entities_and_names_after_cues() -> None:
    nlp = names._nlp()
    ner = nlp.get_pipe("ner")
    assert names._needs_tags(ner(nlp.make_doc("Regards, Black")))  # capitalised surname after a cue
    plain = ner(nlp.make_doc("the white box is in the house"))
    assert not [e for e in plain.ents if e.label_ == "PERSON"]
    assert not names._needs_tags(plain)


def test_the_ner_reads_no_other_component() -> None:
    """Running the NER first and the tagger on some docs only is sound only for such a model."""
    nlp = names._nlp()
    ner_tok2vec = nlp.config["components"]["ner"]["model"]["tok2vec"]["@architectures"]
    assert "Listener" not in ner_tok2vec  # token vectors of its own, not the shared tok2vec's
    ruled = {attr for pattern in nlp.get_pipe("attribute_ruler").patterns for attr in pattern["attrs"]}
    embedded = set(nlp.config["components"]["ner"]["model"]["tok2vec"]["embed"]["attrs"])
    assert not ruled & embedded  # the attribute ruler sets nothing the NER's embedding reads
