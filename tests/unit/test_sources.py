"""Extraction and minimisation from a small hand-written helpdesk (SQLite) and chat export."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, insert

from support_curation.config import load_policy
from support_curation.records import read_jsonl_gz
from support_curation.sources import helpdesk_schema as schema
from support_curation.sources.chat_exports import extract_chats, partition_prefixes
from support_curation.sources.common import (
    BAD_ENCODING,
    MALFORMED_JSON,
    MESSAGE_TOO_LONG,
    NO_USABLE_MESSAGES,
    SCHEMA_ERROR,
    opaque_ref,
)
from support_curation.sources.helpdesk import extract_tickets
from support_curation.storage import open_storage

START = datetime(2024, 2, 1, tzinfo=UTC)
END = datetime(2024, 2, 2, tzinfo=UTC)


def at(hour: int, day: int = 1) -> datetime:
    return datetime(2024, 2, day, hour, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.customers),
            [
                {
                    "customer_id": "c1",
                    "full_name": "Odalys Quenneville",
                    "email": "oq@example.org",
                    "phone": "+1 555 010 7788",
                    "street_address": "12 Larkspur Lane",
                    "postal_code": "90210",
                    "segment": "smb",
                    "language": "en",
                },
            ],
        )
        conn.execute(
            insert(schema.agents),
            [
                {
                    "agent_id": "a1",
                    "full_name": "Thaddeus Brightwater",
                    "email": "tb@support.example",
                    "team": "billing",
                }
            ],
        )
        ticket = {
            "customer_id": "c1",
            "agent_id": "a1",
            "channel": "email",
            "subject": "s",
            "status": "closed",
            "priority": "low",
            "product": "p",
            "created_at": at(1),
            "csat_score": 5,
        }
        conn.execute(
            insert(schema.tickets),
            [
                {**ticket, "ticket_id": "t1", "ticket_number": "TCK-100001", "updated_at": at(9)},
                {**ticket, "ticket_id": "t2", "ticket_number": "TCK-100002", "updated_at": at(10)},
                {**ticket, "ticket_id": "t3", "ticket_number": "TCK-100003", "updated_at": at(9, day=2)},
                {
                    **ticket,
                    "ticket_id": "t4",
                    "ticket_number": "TCK-100004",
                    "updated_at": at(11),
                    "channel": "phone",
                },
            ],
        )
        message = {"author_id": "a1", "is_internal_note": False, "created_at": at(2)}
        conn.execute(
            insert(schema.ticket_messages),
            [
                {
                    **message,
                    "message_id": "m1",
                    "ticket_id": "t1",
                    "author_role": "customer",
                    "author_id": "c1",
                    "body": "my router\x00 is broken",
                },
                {
                    **message,
                    "message_id": "m2",
                    "ticket_id": "t1",
                    "author_role": "agent",
                    "body": "Try a restart",
                },
                {
                    **message,
                    "message_id": "m3",
                    "ticket_id": "t1",
                    "author_role": "agent",
                    "is_internal_note": True,
                    "body": "INT-XYZ-123 customer is difficult",
                },
                {**message, "message_id": "m4", "ticket_id": "t1", "author_role": "system", "body": "closed"},
                {**message, "message_id": "m5", "ticket_id": "t2", "author_role": "system", "body": "auto"},
                {
                    **message,
                    "message_id": "m6",
                    "ticket_id": "t4",
                    "author_role": "customer",
                    "body": "x" * 30_000,
                },
            ],
        )
    return engine


def test_tickets_are_minimised_and_carry_known_identifiers(engine, tmp_path):
    staging = open_storage(str(tmp_path / "staging"))
    batch = extract_tickets(
        engine,
        start=START,
        end=END,
        policy=load_policy(),
        hmac_key="k",
        staging=staging,
        prefix="x/tickets",
        chunk_size=2,
    )
    result = batch.result("tickets")
    # t3 is outside the interval; t2 has only a system message; t4 has a message too long to handle
    assert result["extracted"] == 3
    assert result["excluded"] == {NO_USABLE_MESSAGES: 1}
    assert result["quarantined"] == {MESSAGE_TOO_LONG: 1}
    staged = [c for key in result["chunks"] for c in read_jsonl_gz(staging, key)]
    assert len(staged) == 1
    conversation = staged[0]
    assert conversation["messages"] == [
        {"role": "customer", "content": "my router is broken"},
        {"role": "agent", "content": "Try a restart"},
    ]  # internal note and system message dropped, NUL removed
    assert conversation["scope"] == "tickets"
    known = conversation["known_identifiers"]
    assert known["PERSON"] == [
        "Odalys Quenneville",
        "Odalys",
        "Quenneville",
        "Thaddeus Brightwater",
        "Thaddeus",
        "Brightwater",
    ]
    assert known["TICKET_ID"] == ["TCK-100001"]
    assert known["EMAIL"] == ["oq@example.org", "tb@support.example"]
    assert "ticket_number" not in conversation and "subject" not in conversation
    # the quarantine entry names a record, not its content
    assert all("x" * 10 not in json.dumps(item) for item in batch.quarantine)


def chat(chat_id: str, ended: datetime, **extra) -> dict:
    return {
        "chat_id": chat_id,
        "customer_id": "c1",
        "started_at": ended.isoformat(),
        "ended_at": ended.isoformat(),
        "messages": [
            {"sender": "customer", "text": "hello", "agent_id": None},
            {"sender": "bot", "text": "Hi! How can I help?"},
            {"sender": "agent", "agent_id": "a1", "text": "Thaddeus here"},
        ],
        **extra,
    }


def test_chat_lines_are_staged_or_quarantined_with_a_reason(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    lines = [
        json.dumps(chat("ch1", at(8))).encode(),
        json.dumps(chat("ch2", at(9), unexpected_field={"x": 1})).encode(),  # unknown fields: minimised away
        b"{not json",
        '{"chat_id": "ch3", "note": "caf\u00e9"}'.encode("latin-1"),  # not UTF-8
        json.dumps({"chat_id": "ch4", "started_at": "x"}).encode(),  # wrong shape
        json.dumps(chat("ch5", at(8, day=2))).encode(),  # another interval's chat
        json.dumps(
            {**chat("ch6", at(7)), "messages": [{"sender": "customer", "text": "y" * 25_000}]}
        ).encode(),
    ]
    landing.put_bytes("chats/dt=2024-02-01/chats-00000.jsonl", b"\n".join(lines) + b"\n")
    staging = open_storage(str(tmp_path / "staging"))
    batch = extract_chats(
        landing,
        engine,
        start=START,
        end=END,
        policy=load_policy(),
        hmac_key="k",
        staging=staging,
        prefix="x/chat",
        chunk_size=10,
    )
    result = batch.result("chat")
    assert result["extracted"] == 6
    assert result["quarantined"] == {BAD_ENCODING: 1, MALFORMED_JSON: 1, MESSAGE_TOO_LONG: 1, SCHEMA_ERROR: 1}
    staged = [c for key in result["chunks"] for c in read_jsonl_gz(staging, key)]
    assert len(staged) == 2
    assert [m["role"] for m in staged[0]["messages"]] == ["customer", "agent", "agent"]
    assert "unexpected_field" not in json.dumps(staged)
    assert staged[0]["known_identifiers"]["PERSON"][0] == "Odalys Quenneville"
    # references are a hash of the file name plus a line number: file names can hold personal data
    assert {item["ref"].rsplit(":", 1)[0] for item in batch.quarantine} == {
        opaque_ref("chats/dt=2024-02-01/chats-00000.jsonl")
    }


def test_partitions_cover_the_interval():
    assert partition_prefixes(START, END) == ["chats/dt=2024-02-01/"]
    assert partition_prefixes(START, datetime(2024, 2, 3, tzinfo=UTC)) == [
        "chats/dt=2024-02-01/",
        "chats/dt=2024-02-02/",
    ]


def test_ticket_pages_cover_the_interval_once_across_ties(tmp_path):
    """Keyset paging on (updated_at, ticket_id): every ticket of the interval exactly once, though
    pages are smaller than the runs of equal timestamps, and none from the edges of the interval."""
    from support_curation.sources.helpdesk import _ticket_pages

    engine = create_engine(f"sqlite:///{tmp_path / 'paging.db'}")
    schema.metadata.create_all(engine)
    inside = [{"ticket_id": f"t{i:03d}", "updated_at": at(i % 3)} for i in range(50)]
    edges = [
        {"ticket_id": "early", "updated_at": datetime(2024, 1, 31, 23, 59, tzinfo=UTC)},
        {"ticket_id": "late", "updated_at": END},
    ]
    with engine.begin() as conn:
        conn.execute(insert(schema.tickets), inside + edges)
    with engine.connect() as conn:
        pages = list(_ticket_pages(conn, START, END, page=7))
    # the database is asked for a window 14 hours wider (stored offsets); it marks what it placed inside
    seen = [row["ticket_id"] for page in pages for row in page if row["in_interval"]]
    assert sorted(seen) == sorted(t["ticket_id"] for t in inside)
    everything = [row["ticket_id"] for page in pages for row in page]
    assert len(everything) == len(set(everything)) and all(len(page) <= 7 for page in pages)
