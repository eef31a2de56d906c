"""A missed value becomes a deny-list entry: every mention goes, existing placeholders stay."""

from __future__ import annotations

import json

import pytest
from faker import Faker

from support_curation.review.reredact import redact_record, redact_values


@pytest.fixture
def person() -> tuple[str, str]:
    fake = Faker()
    Faker.seed(41)
    return fake.first_name(), fake.last_name()


def test_every_mention_and_its_parts_are_redacted(person):
    first, last = person
    messages = [
        {"role": "agent", "content": "Hello <PERSON_1>, thanks for calling."},
        {"role": "customer", "content": f"My mother {first} {last} set up the account."},
        {"role": "agent", "content": f"Is {first.upper()} still the holder? Call <PHONE_1>."},
    ]
    out, counts = redact_values(messages, {"PERSON": [f"{first} {last}"]})
    text = "\n".join(m["content"] for m in out)
    assert first.lower() not in text.lower() and last.lower() not in text.lower()
    assert "<PERSON_1>" in out[0]["content"] and "<PHONE_1>" in out[2]["content"]  # untouched
    assert (
        "<PERSON_2>" in out[1]["content"] and "<PERSON_2>" in out[2]["content"]
    )  # numbered after, one person
    assert counts == {"PERSON": 2}
    assert [m["role"] for m in out] == ["agent", "customer", "agent"]


def test_numbers_are_found_with_any_separators():
    messages = [
        {"role": "customer", "content": "you can reach me on 415 555 0134"},
        {"role": "agent", "content": "noted: 415-555-0134, and the old <PHONE_3>"},
    ]
    out, counts = redact_values(messages, {"PHONE": ["415 555 0134"]})
    assert all("0134" not in m["content"] for m in out)
    assert "<PHONE_4>" in out[0]["content"] and "<PHONE_4>" in out[1]["content"]
    assert counts == {"PHONE": 2}


def test_record_entities_are_counted_and_untouched_records_kept(person):
    first, last = person
    record = {
        "record_id": "r1",
        "messages": [{"role": "customer", "content": f"{first} {last} here"}],
        "entities": {"EMAIL": 1},
    }
    redacted, mentions = redact_record(record, {"PERSON": [f"{first} {last}"]})
    assert mentions == 1 and redacted["entities"] == {"EMAIL": 1, "PERSON": 1}
    assert record["messages"][0]["content"].startswith(first)  # the input is not changed in place
    other = {"record_id": "r2", "messages": [{"role": "agent", "content": "nothing to see"}], "entities": {}}
    assert redact_record(other, {"PERSON": [f"{first} {last}"]}) == (other, 0)


def test_the_shared_replacement_gives_the_outputs_of_the_former_own_loop():
    """Re-redaction numbers placeholders with the redactor's ``placeholders.replace`` (``after=``) instead of
    a loop of its own. ``reredact_golden.json``: 60 seeded Faker conversations (several locales; names,
    their parts and upper case, numbers with separators, e-mails, existing placeholders, a value marked under
    two kinds, renamed kinds) with the outputs and counts of the former loop."""
    from pathlib import Path

    cases = json.loads((Path(__file__).parent / "reredact_golden.json").read_text("utf-8"))
    assert len(cases) == 60 and sum(c["out"] != c["messages"] for c in cases) > 50
    for case in cases:
        assert redact_values(case["messages"], case["values"], case["names"]) == (case["out"], case["counts"])
