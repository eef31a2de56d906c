"""Extraction and minimisation from a small hand-written helpdesk (SQLite) and chat export."""

from __future__ import annotations

import gzip
import json
import signal
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert

from support_curation.config import load_policy
from support_curation.records import read_jsonl_gz, record_id, subject_id
from support_curation.sources import helpdesk_schema as schema
from support_curation.sources.chat_exports import extract_chats, partition_prefixes
from support_curation.sources.common import (
    BAD_ENCODING,
    BAD_TIMESTAMP,
    DUPLICATE_ID,
    MALFORMED_JSON,
    MESSAGE_TOO_LONG,
    MISFILED,
    NO_USABLE_MESSAGES,
    SCHEMA_ERROR,
    UNEXPECTED_FILE,
    UNKNOWN_SCOPE,
    UNREADABLE_FILE,
    opaque_ref,
)
from support_curation.sources.contract import scope_for
from support_curation.sources.helpdesk import extract_tickets
from support_curation.sources.timestamps import TimestampError, parse_timestamp, zone
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
    # the database is asked for a window a day wider (stored offsets); it marks what it placed inside
    seen = [row["ticket_id"] for page in pages for row in page if row["in_interval"]]
    assert sorted(seen) == sorted(t["ticket_id"] for t in inside)
    everything = [row["ticket_id"] for page in pages for row in page]
    assert len(everything) == len(set(everything)) and all(len(page) <= 7 for page in pages)


# --- #11: bad input becomes quarantine, the day goes on -------------------------------------------


def run_chats(landing, engine, tmp_path, **kwargs):
    batch = extract_chats(
        landing,
        engine,
        start=kwargs.get("start", START),
        end=kwargs.get("end", END),
        policy=kwargs.get("policy") or load_policy(),
        hmac_key="k",
        staging=open_storage(str(tmp_path / "staging")),
        prefix="x/chat",
        chunk_size=10,
    )
    return batch, batch.result("chat")


def staged_of(tmp_path, result):
    staging = open_storage(str(tmp_path / "staging"))
    return [c for key in result["chunks"] for c in read_jsonl_gz(staging, key)]


def test_every_bad_chat_line_is_quarantined_and_the_good_ones_staged(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    secret = "odalys.q@example.org 4111 1111 1111 1111"
    lines = [
        json.dumps(chat("good", at(8))).encode(),
        b"\xff\xfe" + secret.encode(),  # invalid UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the JSON parser goes
        json.dumps(chat("surrogate", at(8))).replace("hello", "\\ud800 " + secret).encode(),
        json.dumps({**chat("nocustomer", at(8)), "customer_id": None}).encode(),
        json.dumps({**chat("noend", at(8)), "ended_at": "the 31st of never"}).encode(),
        json.dumps(chat("ch-surrogate-id", at(8))).replace("ch-surrogate-id", "\\udfff").encode(),
    ]
    landing.put_bytes("chats/dt=2024-02-01/chats-00000.jsonl", b"\n".join(lines) + b"\n")
    batch, result = run_chats(landing, engine, tmp_path)
    assert result["extracted"] == len(lines)
    assert result["quarantined"] == {
        BAD_ENCODING: 3,
        BAD_TIMESTAMP: 1,
        MALFORMED_JSON: 1,
        SCHEMA_ERROR: 1,
    }
    assert [c["record_id"] for c in staged_of(tmp_path, result)] == [record_id("k", "chat", "good")]
    dumped = json.dumps(batch.quarantine)
    assert "example.org" not in dumped and "4111" not in dumped and "nocustomer" not in dumped


def test_a_system_message_is_dropped_not_the_whole_chat(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    with_system = chat("sys", at(8))
    with_system["messages"].insert(1, {"sender": "system", "text": "Chat transferred to billing"})
    landing.put_bytes("chats/dt=2024-02-01/a.jsonl", json.dumps(with_system).encode() + b"\n")
    _, result = run_chats(landing, engine, tmp_path)
    assert result["quarantined"] == {}
    (staged,) = staged_of(tmp_path, result)
    assert "transferred" not in json.dumps(staged["messages"])
    assert len(staged["messages"]) == 3


def test_file_names_are_never_echoed_and_odd_files_are_reported(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    folder = "chats/dt=2024-02-01"
    named_after_customer = f"{folder}/odalys.q@example.org.jsonl"
    landing.put_bytes(named_after_customer, b"{not json\n")
    landing.put_bytes(f"{folder}/upper.JSONL", json.dumps(chat("upper", at(8))).encode() + b"\n")
    landing.put_bytes(f"{folder}/packed.jsonl.gz", gzip.compress(json.dumps(chat("gz", at(9))).encode()))
    landing.put_bytes(f"{folder}/broken.jsonl.gz", b"not gzip at all")
    landing.put_bytes(f"{folder}/notes.csv", b"a,b\n")
    batch, result = run_chats(landing, engine, tmp_path)
    assert len(staged_of(tmp_path, result)) == 2  # .JSONL and .jsonl.gz are read
    assert result["quarantined"] == {MALFORMED_JSON: 1, UNEXPECTED_FILE: 1, UNREADABLE_FILE: 1}
    assert "example.org" not in json.dumps(batch.quarantine) and "notes" not in json.dumps(batch.quarantine)
    assert {i["ref"] for i in batch.quarantine if i["reason"] == MALFORMED_JSON} == {
        f"{opaque_ref(named_after_customer)}:1"
    }


def test_a_link_out_of_the_landing_root_is_refused_and_the_day_goes_on(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    outside = tmp_path / "elsewhere.jsonl"
    outside.write_bytes(json.dumps(chat("outside", at(8))).encode() + b"\n")
    landing.put_bytes("chats/dt=2024-02-01/good.jsonl", json.dumps(chat("good", at(8))).encode() + b"\n")
    (tmp_path / "landing/chats/dt=2024-02-01/link.jsonl").symlink_to(outside)
    _, result = run_chats(landing, engine, tmp_path)
    assert result["quarantined"] == {UNREADABLE_FILE: 1}
    assert [c["record_id"] for c in staged_of(tmp_path, result)] == [record_id("k", "chat", "good")]


def test_the_same_chat_in_two_files_is_staged_once(engine, tmp_path):
    landing = open_storage(str(tmp_path / "landing"))
    line = json.dumps(chat("twice", at(8))).encode() + b"\n"
    landing.put_bytes("chats/dt=2024-02-01/a.jsonl", line)
    landing.put_bytes("chats/dt=2024-02-01/b.jsonl", line)
    batch, result = run_chats(landing, engine, tmp_path)
    assert len(staged_of(tmp_path, result)) == 1
    assert result["quarantined"] == {DUPLICATE_ID: 1}
    assert batch.quarantine[0]["subject"] == subject_id("k", "c1")  # erasure can find it


def test_chats_are_placed_by_ended_at_and_every_line_counted_once_across_days(engine, tmp_path):
    """Stragglers in neighbouring folders, epoch seconds and milliseconds, an offset that moves a chat
    into the next UTC day, a chat filed a month away: three consecutive runs account for every line."""
    landing = open_storage(str(tmp_path / "landing"))
    feb1_epoch = int(at(10).timestamp())
    files = {
        "chats/dt=2024-01-31/late.jsonl": [chat("straggler", at(1))],  # ended Feb 1, filed Jan 31
        "chats/dt=2024-02-01/a.jsonl": [
            {**chat("epoch-s", at(0)), "ended_at": feb1_epoch},
            {**chat("epoch-ms", at(0)), "ended_at": feb1_epoch * 1000 + 5},
            {**chat("space", at(0)), "ended_at": "2024-02-01 11:00:00"},  # naive: UTC by policy
            {**chat("offset", at(0)), "ended_at": "2024-02-01T23:30:00-02:00"},  # Feb 2, 01:30 UTC
            {**chat("misfiled", at(0)), "ended_at": "2024-03-01T10:00:00Z"},
        ],
        "chats/dt=2024-02-02/b.jsonl": [chat("early", at(23))],  # ended Feb 1, filed Feb 2
    }
    for key, chats in files.items():
        landing.put_bytes(key, b"".join(json.dumps(c).encode() + b"\n" for c in chats))
    staged_by_day, extracted = {}, 0
    for day in (31, 1, 2):
        start = datetime(2024, 1, 31, tzinfo=UTC) if day == 31 else datetime(2024, 2, day, tzinfo=UTC)
        run_path = tmp_path / f"run-{day}"
        batch, result = run_chats(landing, engine, run_path, start=start, end=start + timedelta(days=1))
        extracted += result["extracted"]
        staged_by_day[day] = sorted(c["record_id"] for c in staged_of(run_path, result))
        if day == 1:
            assert result["quarantined"] == {MISFILED: 1}
    rid = {
        name: record_id("k", "chat", name) for name in ("straggler", "epoch-s", "epoch-ms", "space", "early")
    }
    assert staged_by_day[1] == sorted(rid.values())
    assert staged_by_day[2] == [record_id("k", "chat", "offset")]
    assert staged_by_day[31] == []
    assert extracted == sum(len(c) for c in files.values())  # every line, exactly once


def test_an_unknown_channel_is_excluded_as_unknown_scope(engine, tmp_path):
    with engine.begin() as conn:
        for number, channel in enumerate(["Phone", "voice", None]):
            conn.execute(
                insert(schema.tickets),
                {"ticket_id": f"u{number}", "customer_id": "c1", "channel": channel, "updated_at": at(12)},
            )
            conn.execute(
                insert(schema.ticket_messages),
                {
                    "message_id": f"um{number}",
                    "ticket_id": f"u{number}",
                    "author_role": "customer",
                    "body": "please call me back",
                    "created_at": at(12),
                },
            )
    result = extract_ticket_day(engine, tmp_path).result("tickets")
    assert result["excluded"] == {NO_USABLE_MESSAGES: 1, UNKNOWN_SCOPE: 3}
    # and a policy without a chat mapping excludes chats the same way: no fallback scope anywhere
    landing = open_storage(str(tmp_path / "landing"))
    landing.put_bytes("chats/dt=2024-02-01/a.jsonl", json.dumps(chat("c", at(8))).encode() + b"\n")
    policy = load_policy().model_copy(update={"scope_by_channel": {"email": "tickets"}})
    _, chats = run_chats(landing, engine, tmp_path, policy=policy)
    assert chats["excluded"] == {UNKNOWN_SCOPE: 1}


def test_scope_for_has_one_rule_for_both_sources():
    mapping = {"email": "tickets", "phone": "voice", "chat": "chat"}
    assert scope_for("tickets", "email", mapping) == "tickets"
    assert scope_for("tickets", "phone", mapping) == "voice"
    assert scope_for("chat", None, mapping) == "chat"
    assert [scope_for("tickets", c, mapping) for c in ("Phone", "voice", None, 7)] == [None] * 4
    assert scope_for("chat", "chat", {}) is None


def extract_ticket_day(engine, tmp_path, start=START, end=END):
    return extract_tickets(
        engine,
        start=start,
        end=end,
        policy=load_policy(),
        hmac_key="k",
        staging=open_storage(str(tmp_path / "staging-t")),
        prefix="x/tickets",
        chunk_size=2,
    )


def insert_raw_ticket(engine, ticket_id: str, updated_at: object, **extra) -> None:
    """Write a row the way another integration might: raw values, no SQLAlchemy type processing."""
    values = {
        "ticket_id": ticket_id,
        "customer_id": "c1",
        "channel": "email",
        "updated_at": updated_at,
    } | extra
    columns = ", ".join(values)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO tickets ({columns}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
        )
        conn.exec_driver_sql(
            "INSERT INTO ticket_messages (message_id, ticket_id, author_role, body, created_at) "
            "VALUES (?, ?, 'customer', 'my router is broken', '2024-02-01 00:00:00')",
            (f"m-{ticket_id}", ticket_id),
        )


def test_iso_t_timestamps_cannot_loop_the_ticket_keyset(engine, tmp_path):
    """An updated_at written with a "T" made the keyset compare text with a datetime and loop for ever."""
    for n in range(5):
        insert_raw_ticket(engine, f"iso{n}", f"2024-02-01T1{n}:00:00")
    insert_raw_ticket(engine, "next-day", "2024-02-01T23:30:00-05:00")  # 04:30 UTC on Feb 2
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("ticket extract did not terminate"))
    signal.alarm(30)
    try:
        result = extract_ticket_day(engine, tmp_path).result("tickets")
        feb2 = extract_ticket_day(engine, tmp_path / "2", START + timedelta(days=1), END + timedelta(days=1))
    finally:
        signal.alarm(0)
    # t1, t2, t4 of the fixture (t3 is Feb 2) and the five ISO tickets
    assert result["extracted"] == 3 + 5
    assert feb2.result("tickets")["extracted"] == 2  # the fixture's t3 and the offset ticket


def test_bad_ticket_rows_are_quarantined_and_the_day_goes_on(engine, tmp_path):
    insert_raw_ticket(engine, "bad-time", "2024-02-01 25:61:00")
    insert_raw_ticket(engine, "no-customer", "2024-02-01 12:00:00", customer_id=None)
    insert_raw_ticket(engine, "blob", "2024-02-01 12:00:00")
    insert_raw_ticket(engine, "latin1", "2024-02-01 12:00:00")
    with engine.begin() as conn:
        body = "card 4111 1111 1111 1111 for odalys.q@example.org"
        conn.exec_driver_sql(
            "UPDATE ticket_messages SET body = ? WHERE ticket_id = 'blob'", (b"\x00\xff" * 8,)
        )
        conn.exec_driver_sql(
            "UPDATE ticket_messages SET body = CAST(? AS TEXT) WHERE ticket_id = 'latin1'",
            (body.encode("latin-1") + b"\xe9\xff",),
        )
    batch = extract_ticket_day(engine, tmp_path)
    result = batch.result("tickets")
    assert result["quarantined"] == {
        BAD_ENCODING: 2,
        BAD_TIMESTAMP: 1,
        MESSAGE_TOO_LONG: 1,
        SCHEMA_ERROR: 1,
    }
    assert len(staged_of_tickets(tmp_path, result)) == 1  # the fixture's good ticket still goes on
    dumped = json.dumps(batch.quarantine)
    assert "4111" not in dumped and "example.org" not in dumped
    # the quarantine names tickets by keyed hash, and their customer by subject hash when known
    refs = {i["reason"]: i for i in batch.quarantine}
    assert refs[BAD_TIMESTAMP]["ref"] == f"tickets:{record_id('k', 'tickets', 'bad-time')}"
    assert refs[BAD_TIMESTAMP]["subject"] == subject_id("k", "c1")
    assert "subject" not in refs[SCHEMA_ERROR]


def staged_of_tickets(tmp_path, result):
    staging = open_storage(str(tmp_path / "staging-t"))
    return [c for key in result["chunks"] for c in read_jsonl_gz(staging, key)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-01T10:00:00", datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ("2024-02-01 10:00:00", datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ("2024-02-01T10:00:00Z", datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ("2024-02-01T23:30:00-02:00", datetime(2024, 2, 2, 1, 30, tzinfo=UTC)),
        ("2024-02-01 10:00:00.123456+00:00", datetime(2024, 2, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        (1706781600, datetime(2024, 2, 1, 10, tzinfo=UTC)),
        (1706781600000, datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ("1706781600", datetime(2024, 2, 1, 10, tzinfo=UTC)),
        (1706781600.5, datetime(2024, 2, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        (datetime(2024, 2, 1, 10, tzinfo=UTC).replace(tzinfo=None), datetime(2024, 2, 1, 10, tzinfo=UTC)),
    ],
)
def test_one_timestamp_parser_reads_every_form_into_utc(value, expected):
    assert parse_timestamp(value) == expected


def test_naive_timestamps_follow_the_policy_zone():
    assert parse_timestamp("2024-02-01 10:00", zone("Europe/Paris")) == datetime(2024, 2, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", [None, True, "", "the 31st of never", "2024-02-30", "1e400", float("nan"), 10**30, b"\xff", {}]
)
def test_unreadable_timestamps_raise_without_the_value(value):
    with pytest.raises(TimestampError) as caught:
        parse_timestamp(value)
    assert "never" not in str(caught.value) and "2024" not in str(caught.value)


def test_a_keyset_that_stops_moving_is_stopped_not_looped():
    """Defence in depth behind the raw-value keyset: a page that does not move past the last one raises."""
    from support_curation.sources.helpdesk import KeysetStalled, _ticket_pages

    class SamePageForEver:
        def execute(self, _query):
            return self

        def mappings(self):
            return self

        def all(self):
            return [{"ticket_id": "t1", "updated_at": "2024-02-01T09:00:00"}]

    pages = _ticket_pages(SamePageForEver(), START, END, page=1)
    assert next(pages)
    with pytest.raises(KeysetStalled):
        next(pages)
