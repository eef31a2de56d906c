"""The social/messaging export source: staged threads, authors as known identifiers, scopes from policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert

from support_curation.config import load_policy
from support_curation.records import read_jsonl_gz
from support_curation.sources import helpdesk_schema as schema
from support_curation.sources.common import MALFORMED_JSON, UNKNOWN_SCOPE
from support_curation.sources.social_exports import extract_social
from support_curation.storage import open_storage

START = datetime(2024, 2, 1, tzinfo=UTC)
END = datetime(2024, 2, 2, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path):  # noqa: ANN001, ANN201
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.customers),
            [{"customer_id": "c1", "full_name": "Odalys Quenneville", "segment": "smb", "language": "en"}],
        )
        conn.execute(
            insert(schema.agents),
            [
                {
                    "agent_id": "a1",
                    "full_name": "Thaddeus Brightwater",
                    "email": "tb@x.example",
                    "team": "care",
                }
            ],
        )
    return engine


def thread(thread_id: str, channel: str, hour: int = 9) -> dict:
    return {
        "thread_id": thread_id,
        "customer_id": "c1",
        "channel": channel,
        "ended_at": datetime(2024, 2, 1, hour, tzinfo=UTC).isoformat(),
        "messages": [
            {
                "sender": "customer",
                "author_handle": "@zephyr_q",
                "author_name": "Zephyrine Quall",
                "text": "@AcmeCare my parcel never came 😡",
            },
            {
                "sender": "agent",
                "agent_id": "a1",
                "author_handle": "@AcmeCare",
                "text": "Sorry @zephyr_q! DM us.",
            },
        ],
    }


def test_threads_are_staged_with_their_authors_as_known_identifiers(engine, tmp_path) -> None:  # noqa: ANN001
    landing = open_storage(str(tmp_path / "landing"))
    lines = [thread("t1", "social"), thread("t2", "messaging"), thread("t3", "carrier-pigeon")]
    body = b"\n".join(json.dumps(t).encode() for t in lines) + b"\n{broken\n"
    landing.put_bytes("social/dt=2024-02-01/export-1.jsonl", body)
    staging = open_storage(str(tmp_path / "staging"))
    batch = extract_social(
        landing,
        engine,
        start=START,
        end=END,
        policy=load_policy(),
        hmac_key="k" * 32,
        staging=staging,
        prefix="x/social",
        chunk_size=10,
    )
    result = batch.result("social")
    assert result["excluded"] == {UNKNOWN_SCOPE: 1}  # a channel the policy does not map: never defaulted
    assert result["quarantined"] == {MALFORMED_JSON: 1}
    staged = [c for key in result["chunks"] for c in read_jsonl_gz(staging, key)]
    assert sorted((c["channel"], c["scope"]) for c in staged) == [
        ("messaging", "messaging"),
        ("social", "social"),
    ]
    known = staged[0]["known_identifiers"]
    assert {"@zephyr_q", "zephyr_q"} <= set(known["USERNAME"])
    assert "@AcmeCare" not in known["USERNAME"]  # the brand's account is not a customer identifier
    assert "Zephyrine Quall" in known["PERSON"] and "Odalys Quenneville" in known["PERSON"]


def test_the_redactor_removes_the_authors_handles_everywhere() -> None:
    from support_curation.redaction import get_redactor

    result = get_redactor().redact_conversation(
        [
            {"role": "customer", "content": "hi it's me again, zephyr_q from twitter 🙃 any news?"},
            {"role": "agent", "content": "Hi Zephyrine, yes: the parcel ships today."},
        ],
        known_identifiers={"USERNAME": ["@zephyr_q", "zephyr_q"], "PERSON": ["Zephyrine Quall", "Zephyrine"]},
    )
    text = " ".join(m["content"] for m in result.messages)
    assert "zephyr_q" not in text
    assert "Zephyrine" not in text
    assert "parcel ships today" in text
