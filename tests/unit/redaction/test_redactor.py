"""The conversation-level contract others code against: placeholders, propagation, known identifiers,
topic flags. One shared redactor (see conftest); synthetic text written for these tests."""

from __future__ import annotations

import dataclasses
import re

import pytest

from support_curation.redaction import RedactionResult, Redactor, get_redactor


def convo(*turns: str) -> list[dict[str, str]]:
    """Turns alternate customer, agent, customer, ... unless a turn starts with 'A:'."""
    out = []
    for turn in turns:
        role, text = ("agent", turn[2:].strip()) if turn.startswith("A:") else ("customer", turn)
        out.append({"role": role, "content": text})
    return out


def test_api_shape(redactor: Redactor) -> None:
    result = redactor.redact_conversation(convo("hello there", "A: how can I help?"))
    assert isinstance(result, RedactionResult) and dataclasses.is_dataclass(result)
    assert [m["role"] for m in result.messages] == ["customer", "agent"]
    assert result.entities == {} and result.flags == [] and result.action == "keep"
    assert redactor.policy_version == "redaction-v1"


def test_get_redactor_is_cached_per_policy(redactor: Redactor) -> None:
    assert get_redactor() is redactor
    assert get_redactor(None) is redactor


def test_placeholders_numbered_by_first_appearance_and_consistent(redactor: Redactor) -> None:
    result = redactor.redact_conversation(
        convo(
            "my email is first.person@example.com and my order number is 88341207",
            "A: thanks, I also see second.person@example.net on file",
            "please use FIRST.PERSON@example.com, not the other one",
        )
    )
    texts = [m["content"] for m in result.messages]
    assert "<EMAIL_1>" in texts[0] and "<ORDER_ID_1>" in texts[0]
    assert "<EMAIL_2>" in texts[1]
    assert "<EMAIL_1>" in texts[2]
    assert "example" not in " ".join(texts)
    assert result.entities["EMAIL"] == 3


def test_value_found_once_is_redacted_everywhere(redactor: Redactor) -> None:
    result = redactor.redact_conversation(
        convo("my order number is 88341207", "A: let me check", "any news on 88341207? or 8834 1207")
    )
    joined = " ".join(m["content"] for m in result.messages)
    assert "88341207" not in joined and "8834 1207" not in joined


@pytest.mark.parametrize(
    ("known", "text", "gone"),
    [
        ({"PERSON": ["Quentin Marlowe"]}, "this is quentin   MARLOWE speaking", "marlowe"),
        ({"EMAIL": ["q.marlowe@example.com"]}, "reach me at Q.Marlowe@Example.com", "marlowe"),
        ({"PHONE": ["+1 (415) 555-0199"]}, "call 415.555.0199 today", "0199"),
        ({"TICKET_ID": ["TCK-998877"]}, "about tck-998877 again", "998877"),
        (["q.marlowe@example.com", "Quentin"], "quentin here, q.marlowe@example.com", "marlowe"),
    ],
)
def test_known_identifiers_exact_match(redactor: Redactor, known, text: str, gone: str) -> None:
    result = redactor.redact_conversation(convo(text), known_identifiers=known)
    assert gone not in result.messages[0]["content"].lower()


def test_answer_read_with_agent_question(redactor: Redactor) -> None:
    result = redactor.redact_conversation(
        [
            {"role": "agent", "content": "May I have your full name please?"},
            {"role": "customer", "content": "sure, ottoline brackenbury"},
        ]
    )
    assert "brackenbury" not in result.messages[1]["content"]
    assert "<PERSON_1>" in result.messages[1]["content"]


@pytest.mark.parametrize(
    "text",
    [
        "I will call you tomorrow and hope it gets sorted",
        "send it to my son with price and law details",
        "may I ask you to grant me a refund on the bill?",
        "please mark it as urgent, I can wait until June",
        "thanks so much for your help today",
    ],
)
def test_common_words_that_are_names_stay(redactor: Redactor, text: str) -> None:
    result = redactor.redact_conversation(convo(text))
    assert result.messages[0]["content"] == text


@pytest.mark.parametrize(
    ("text", "flags", "action"),
    [
        ("I was diagnosed with diabetes last year", ["health"], "keep"),
        ("I lost my job and can't afford the payment", ["financial_hardship"], "keep"),
        ("my husband passed away last month", ["vulnerability"], "review"),
        ("the router keeps dropping the connection", [], "keep"),
    ],
)
def test_sensitive_topics(redactor: Redactor, text: str, flags: list[str], action: str) -> None:
    result = redactor.redact_conversation(convo(text))
    assert result.flags == flags and result.action == action


def test_informal_lowercase_text(redactor: Redactor) -> None:
    result = redactor.redact_conversation(
        convo("hi my name is ottoline brackenbury, email ottoline.b at gmail dot com, zip code 90210")
    )
    content = result.messages[0]["content"]
    for value in ("ottoline", "brackenbury", "gmail", "90210"):
        assert value not in content
    assert re.search(r"<PERSON_1>", content)


def test_no_raw_values_in_entities_or_flags(redactor: Redactor) -> None:
    result = redactor.redact_conversation(convo("my password is Zq8!pass and I work at Globex Corporation"))
    assert "Zq8" not in repr(result.entities) + repr(result.flags)
    assert "Zq8!pass" not in result.messages[0]["content"]
    assert "Globex" not in result.messages[0]["content"]


def test_priming_a_chunk_changes_no_span(redactor: Redactor) -> None:
    """Batching the NER across a chunk's conversations (``prime``) is only faster: same output."""
    conversations = [
        convo("Hi, this is Sumarlidason from Vestmanna, my order never came", "Sorry! Which order?"),
        convo("Grant Will wrote to Ms Okonkwo-Baptiste yesterday", "Thanks, Ingeborg"),
        convo("call Zdzisław on 0612 345 678", "Noted, Zdzisław."),
    ]
    redactor._cache.clear()
    one_by_one = [redactor.redact_conversation(c) for c in conversations]
    redactor._cache.clear()
    redactor.prime(conversations)
    assert len(redactor._cache) == sum(len(c) for c in conversations)
    assert [redactor.redact_conversation(c) for c in conversations] == one_by_one
