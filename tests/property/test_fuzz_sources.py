"""Property-based: whatever lands in the chat exports or the helpdesk, a day never crashes, never echoes
the input into quarantine or logs, and its counts reconcile with what landed (#11, item 8).

Budgeted for CI (well under two minutes together with the redact properties): a few dozen examples
per property, each example a whole extract on a fresh folder and SQLite database.
"""

from __future__ import annotations

import json
import logging
import os
import re
import string
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, insert

from support_curation.config import load_policy
from support_curation.records import read_jsonl_gz
from support_curation.sources import helpdesk_schema as schema
from support_curation.sources.chat_exports import extract_chats
from support_curation.sources.helpdesk import extract_tickets
from support_curation.sources.timestamps import TimestampError, parse_timestamp
from support_curation.storage import open_storage

START = datetime(2024, 2, 1, tzinfo=UTC)
END = START + timedelta(days=1)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REF = re.compile(r"^(sha256:[0-9a-f]{16}(:\d+)?|tickets:[0-9a-f]{32}|tickets:row)$")
HEX = re.compile(r"^[0-9a-f]{32}$")
# a probe every generated text carries, so an echo anywhere is found by one substring search
PROBE = "Qz7"

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
probe_text = st.text(max_size=30).map(lambda t: f"{PROBE}{t}")
# naive bounds: hypothesis draws naive datetimes between them; the offset is added as text
_moments = st.datetimes(min_value=datetime(2024, 1, 29), max_value=datetime(2024, 2, 4))  # noqa: DTZ001
_offset = st.sampled_from(["", "Z", "+14:00", "-12:00"])
_iso = st.tuples(_moments, st.sampled_from(["T", " "]), _offset).map(lambda p: p[0].isoformat(p[1]) + p[2])
timestamps = st.one_of(
    _iso,
    st.integers(1706400000, 1707000000),
    st.integers(1706400000000, 1707000000000),
    st.floats(1706400000, 1707000000) | st.floats(1.7064e12, 1.707e12),  # "1706781600.5", "1.7067816e+12"
    st.text(max_size=12),
    st.none(),
)
sender = st.sampled_from(["customer", "agent", "bot", "system", "", "Customer"]) | st.none() | st.integers()
chat_like = st.fixed_dictionaries(
    {
        "chat_id": st.text(min_size=1, max_size=12) | st.integers(),
        "customer_id": st.sampled_from(["c1", "c2"]) | st.none() | probe_text,
        "ended_at": timestamps,
        "messages": st.lists(
            st.fixed_dictionaries(
                {"sender": sender, "text": probe_text | st.none() | st.integers(), "agent_id": st.none()}
            ),
            max_size=4,
        )
        | json_value,
    }
)
line = st.one_of(
    st.binary(max_size=60).map(lambda b: PROBE.encode() + b),
    json_value.map(lambda v: json.dumps([PROBE, v]).encode()),
    chat_like.map(lambda c: json.dumps(c).encode()),
    st.just(b"[" * 5000 + b"]" * 5000),
)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.text: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.text.append(record.getMessage())


def _engine(folder: Path):
    engine = create_engine(f"sqlite:///{folder / 'helpdesk.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(schema.customers), [{"customer_id": "c1", "full_name": "Ada Byrne", "language": "en"}]
        )
    return engine


def _check_quarantine(items: list[dict[str, str]]) -> None:
    for item in items:
        assert REF.match(item["ref"]), "a quarantine reference that is not a hash"
        assert set(item) <= {"ref", "reason", "subject"}
        assert "subject" not in item or HEX.match(item["subject"])
    assert PROBE not in json.dumps(items, ensure_ascii=False)


def _every_line_once(folder_name: str, extract, source: str, lines: list[bytes], split: int) -> None:
    """Three consecutive days over one day's files: each line accounted for once, no echo anywhere."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        landing = open_storage(str(folder / "landing"))
        # two files in the day's folder (a second upper-case one), as exporters write them
        landing.put_bytes(f"{folder_name}/dt=2024-02-01/a.jsonl", b"\n".join(lines[:split]))
        landing.put_bytes(f"{folder_name}/dt=2024-02-01/b.JSONL", b"\r\n".join(lines[split:]))
        engine = _engine(folder)
        capture = _Capture()
        logging.getLogger().addHandler(capture)
        extracted = 0
        try:
            for offset in (-1, 0, 1):  # the day and its neighbours: every line belongs to exactly one
                start = START + timedelta(days=offset)
                staging = open_storage(str(folder / f"staging{offset}"))
                batch = extract(
                    landing,
                    engine,
                    start=start,
                    end=start + timedelta(days=1),
                    policy=load_policy(),
                    hmac_key="k" * 32,
                    staging=staging,
                    prefix=f"x/{source}",
                    chunk_size=3,
                )
                result = batch.result(source)
                staged = [row for key in result["chunks"] for row in read_jsonl_gz(staging, key)]
                assert result["extracted"] == len(staged) + sum(result["excluded"].values()) + sum(
                    result["quarantined"].values()
                )
                _check_quarantine(batch.quarantine)
                extracted += result["extracted"]
        finally:
            logging.getLogger().removeHandler(capture)
        landed = sum(1 for raw in lines for part in raw.splitlines() if part.strip())
        assert extracted == landed
        assert PROBE not in "\n".join(capture.text)


@FUZZ
@given(lines=st.lists(line, max_size=8), split=st.integers(0, 8))
def test_any_chat_export_is_accounted_for_without_echo(lines: list[bytes], split: int) -> None:
    _every_line_once("chats", extract_chats, "chat", lines, split)


# threads are chats with another id field and a channel of their own
thread_like = chat_like.map(
    lambda c: {"thread_id": c["chat_id"], "channel": c["customer_id"] and "social", **c}
)
social_line = line | thread_like.map(lambda t: json.dumps(t).encode())


@FUZZ
@given(lines=st.lists(social_line, max_size=8), split=st.integers(0, 8))
def test_any_social_export_is_accounted_for_without_echo(lines: list[bytes], split: int) -> None:
    from support_curation.sources.social_exports import extract_social

    _every_line_once("social", extract_social, "social", lines, split)


ticket_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)
ticket_row = st.fixed_dictionaries(
    {
        "customer_id": st.sampled_from(["c1", "c2"]) | st.none() | ticket_text.map(lambda t: PROBE + t),
        "channel": st.sampled_from(["email", "web", "phone", "chat", "Phone", "voice"]) | st.none(),
        "updated_at": st.one_of(
            _iso,
            # not digits alone: epoch numbers written as text into a timestamp column are out of contract
            st.text(alphabet=string.printable, min_size=1, max_size=20).filter(
                lambda t: not t.strip().isdigit()
            ),
        ),
        "bodies": st.lists(
            st.one_of(
                ticket_text.map(lambda t: PROBE + t),
                st.binary(max_size=12).map(lambda b: PROBE.encode() + b),
                st.none(),
                st.integers(-(2**63), 2**63 - 1),
            ),
            max_size=3,
        ),
        "roles": st.lists(
            st.sampled_from(["customer", "agent", "system", "bot", "other"]), min_size=3, max_size=3
        ),
    }
)


def _landed(value: str) -> bool:
    """Whether a ticket landed in the interval: by its UTC time; unreadable, where the database puts it."""
    try:
        return START <= parse_timestamp(value) < END
    except TimestampError:
        return "2024-02-01 00:00:00.000000" <= value < "2024-02-02 00:00:00.000000"


@FUZZ
@given(rows=st.lists(ticket_row, max_size=8))
def test_any_helpdesk_rows_are_accounted_for_without_echo(rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = _engine(folder)
        with engine.begin() as conn:
            for number, row in enumerate(rows):
                conn.exec_driver_sql(
                    "INSERT INTO tickets (ticket_id, customer_id, channel, updated_at) VALUES (?, ?, ?, ?)",
                    (f"t{number}", row["customer_id"], row["channel"], row["updated_at"]),
                )
                for position, body in enumerate(row["bodies"]):
                    conn.exec_driver_sql(
                        "INSERT INTO ticket_messages (message_id, ticket_id, author_role, body, created_at) "
                        "VALUES (?, ?, ?, ?, '2024-02-01 00:00:00')",
                        (f"m{number}-{position}", f"t{number}", row["roles"][position], body),
                    )
        staging = open_storage(str(folder / "staging"))
        capture = _Capture()
        logging.getLogger().addHandler(capture)
        try:
            batch = extract_tickets(
                engine,
                start=START,
                end=END,
                policy=load_policy(),
                hmac_key="k" * 32,
                staging=staging,
                prefix="x/tickets",
                chunk_size=3,
            )
            result = batch.result("tickets")
        finally:
            logging.getLogger().removeHandler(capture)
        staged = [row for key in result["chunks"] for row in read_jsonl_gz(staging, key)]
        assert result["extracted"] == len(staged) + sum(result["excluded"].values()) + sum(
            result["quarantined"].values()
        )
        assert result["extracted"] == sum(1 for row in rows if _landed(row["updated_at"]))
        _check_quarantine(batch.quarantine)
        assert PROBE not in "\n".join(capture.text)
