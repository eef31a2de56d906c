"""Demo generator: deterministic, complete, valid identifiers, announced bad input, truth covering texts."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy
from sqlalchemy import select

from support_curation.demo import DemoTruth, generate_demo
from support_curation.demo.identifiers import iban_valid, luhn_valid
from support_curation.demo.profiles import acceptable_name
from support_curation.sources import helpdesk_schema as hs
from support_curation.storage import open_storage

START = date(2024, 3, 1)
DAYS = 3
TABLES = (hs.customers, hs.agents, hs.tickets, hs.ticket_messages, hs.consent_events, hs.erasure_requests)


def _generate(tmp_path, **kwargs) -> tuple[sqlalchemy.Engine, object, DemoTruth]:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path}/h.db")
    storage = open_storage(str(tmp_path / "landing"))
    args = {
        "start": START,
        "days": DAYS,
        "seed": 7,
        "customers": 60,
        "tickets_per_day": 25,
        "chats_per_day": 25,
    }
    args.update(kwargs)
    return engine, storage, generate_demo(engine, storage, **args)


def _dump(engine: sqlalchemy.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t.name: sorted(tuple(r) for r in conn.execute(select(t)).all()) for t in TABLES}


def _chat_lines(storage) -> list[bytes]:
    lines = []
    for key in storage.list("chats/"):
        assert re.fullmatch(r"chats/dt=\d{4}-\d{2}-\d{2}/chats-00000\.jsonl", key)
        lines += storage.get_bytes(key).splitlines()
    return lines


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return _generate(tmp_path_factory.mktemp("demo"))


def test_deterministic_and_idempotent(tmp_path, demo):
    engine, storage, truth = demo
    engine2, storage2, truth2 = _generate(tmp_path)
    assert _dump(engine) == _dump(engine2)
    assert truth.to_json() == truth2.to_json()
    assert _chat_lines(storage) == _chat_lines(storage2)
    # a rerun into the same database and folder rewrites the same rows, no duplicates
    truth3 = generate_demo(engine2, storage2, start=START, days=DAYS, seed=7)
    assert _dump(engine2) == _dump(engine)
    assert truth3.to_json() == truth.to_json()


def test_other_seed_differs(tmp_path, demo):
    _, _, truth = demo
    _, _, other = _generate(tmp_path, seed=8)
    assert set(other.embedded) != set(truth.embedded)


def test_all_tables_filled_and_counts(demo):
    engine, _, truth = demo
    dump = _dump(engine)
    assert all(dump[t.name] for t in TABLES)
    assert len(dump["tickets"]) == truth.tickets == DAYS * 25
    assert len(dump["customers"]) == 60
    with engine.connect() as conn:
        roles = set(conn.scalars(select(hs.ticket_messages.c.author_role)))
        notes = conn.scalars(
            select(hs.ticket_messages.c.body).where(hs.ticket_messages.c.is_internal_note)
        ).all()
        channels = set(conn.scalars(select(hs.tickets.c.channel)))
        pending = conn.scalars(
            select(hs.erasure_requests.c.status).where(hs.erasure_requests.c.status == "pending")
        )
        assert pending.all()
    assert roles == {"customer", "agent", "system"}
    assert notes and any(re.search(r"INT-[A-Z]{3}-\d{3}", n) for n in notes)
    assert channels == {"email", "web", "phone"}


def test_ticket_timestamps_within_day(demo):
    engine, _, _ = demo
    range_start = datetime(2024, 3, 1, tzinfo=UTC)
    range_end = range_start + timedelta(days=DAYS)
    with engine.connect() as conn:
        updated = {r.ticket_id: r.updated_at for r in conn.execute(select(hs.tickets))}
        for msg in conn.execute(select(hs.ticket_messages)):
            assert msg.created_at.replace(tzinfo=UTC) < updated[msg.ticket_id].replace(tzinfo=UTC)
    for ts in updated.values():
        assert range_start <= ts.replace(tzinfo=UTC) < range_end  # SQLite hands back naive UTC


def test_consent_states(demo):
    engine, _, truth = demo
    assert set(truth.consent.values()) == {"granted", "never_asked", "revoked", "chat_only"}
    start = datetime(2024, 3, 1, tzinfo=UTC)
    with engine.connect() as conn:
        events = conn.execute(select(hs.consent_events)).all()
    by_customer: dict[str, list] = {}
    for e in events:
        by_customer.setdefault(e.customer_id, []).append(e)
    assert {e.purpose for e in events} == {"ai_training", "marketing"}
    revoked_in_range = 0
    for cid, state in truth.consent.items():
        training = [e for e in by_customer.get(cid, []) if e.purpose == "ai_training"]
        if state == "never_asked":
            assert not training
        elif state == "chat_only":
            assert {e.scope for e in training if e.granted} == {"chat"}
        elif state == "granted":
            assert {e.scope for e in training if e.granted} == {"tickets", "chat", "voice"}
            assert all(e.granted for e in training)
        else:
            revocations = [e for e in training if not e.granted]
            assert {e.scope for e in revocations} == {"tickets", "chat", "voice"}
            revoked_in_range += any(e.recorded_at.replace(tzinfo=UTC) >= start for e in revocations)
        grants = [e for e in training if e.granted]
        assert all(e.recorded_at.replace(tzinfo=UTC) < start for e in grants)
    assert revoked_in_range  # some revocations fall inside the range, exercising as-of lookups


def test_chat_files_parse_except_announced_bad_lines(demo):
    _, storage, truth = demo
    bad = {"not_json": 0, "bad_encoding": 0, "too_long": 0, "missing_customer_id": 0}
    valid = 0
    extra_fields = 0
    for key in storage.list("chats/"):
        day = key.split("dt=")[1][:10]
        for line in storage.get_bytes(key).splitlines():
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                bad["bad_encoding"] += 1
                continue
            try:
                chat = json.loads(text)
            except json.JSONDecodeError:
                bad["not_json"] += 1
                continue
            if "customer_id" not in chat:
                bad["missing_customer_id"] += 1
                continue
            valid += 1
            extra_fields += bool(set(chat) - {"chat_id", "customer_id", "started_at", "ended_at", "messages"})
            ended = datetime.fromisoformat(chat["ended_at"])
            assert ended.utcoffset() == timedelta(0) and ended.date().isoformat() == day
            assert datetime.fromisoformat(chat["started_at"]) <= ended
            for m in chat["messages"]:
                assert m["sender"] in {"customer", "agent", "bot"}
                assert (m["agent_id"] is not None) == (m["sender"] == "agent")
                assert datetime.fromisoformat(m["sent_at"]) <= ended
            bad["too_long"] += any(len(m["text"]) >= 50_000 for m in chat["messages"])
    assert bad == truth.bad_chat_lines
    assert all(n == DAYS for n in bad.values())
    assert truth.malformed_chat_lines == DAYS * 3
    assert valid == truth.chats == DAYS * 25
    assert extra_fields == DAYS


def test_cards_and_ibans_valid(demo):
    _, _, truth = demo
    cards = [
        v for v in truth.embedded if re.fullmatch(r"[\d \-]{15,19}", v) and len(re.sub(r"\D", "", v)) >= 15
    ]
    ibans = [v for v in truth.embedded if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9 ]{11,}", v)]
    assert cards and ibans
    assert all(luhn_valid(c) for c in cards)
    assert all(iban_valid(i) for i in ibans)
    assert any(" " in c for c in cards) and any("-" in c for c in cards)


# identifiers a redactor must find; each one seen in any text must be in the truth
_PATTERNS = (
    r"ORD-\d{7}",
    r"TCK-\d{6,}",
    r"INT-[A-Z]{3}-\d{3}",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"\b(?:\d{4}[ -]?){3}\d{4}\b|\b\d{4}[ -]?\d{6}[ -]?\d{5}\b",
    r"\bGB\d{2}(?: ?[A-Z0-9]{4}){4}(?: ?[A-Z0-9]{2})\b",
    r"\b\d{2}/\d{2}/\d{4}\b",
    r"\+1 \(\d{3}\) \d{3}-\d{4}|\b\d{3}\.\d{3}\.\d{4}\b|\b07\d{3} ?\d{6}\b|\+44 7\d{3} \d{6}",
    r"(?:\d ){9,10}\d",
)


def test_truth_covers_values_in_texts(demo):
    engine, storage, truth = demo
    values = truth.all_values()
    with engine.connect() as conn:
        texts = list(conn.scalars(select(hs.ticket_messages.c.body)))
        texts += list(conn.scalars(select(hs.tickets.c.subject)))
    for line in _chat_lines(storage):
        texts.append(line.decode("utf-8", "replace"))
    seen = 0
    for text in texts:
        for pattern in _PATTERNS:
            for match in re.findall(pattern, text):
                seen += 1
                assert match in values, pattern
    assert seen > 500
    # customers' and agents' names appear in texts, and are all in the truth
    joined = "\n".join(texts)
    names = [vals[0] for vals in truth.customers.values()] + [vals[0] for vals in truth.agents.values()]
    assert sum(name in joined for name in names) > len(names) // 2
    assert all(name in values for name in names)


def test_truth_json_shape(demo):
    _, _, truth = demo
    data = json.loads(json.dumps(truth.to_json()))
    assert set(data) >= {
        "customers",
        "agents",
        "embedded",
        "consent",
        "malformed_chat_lines",
        "chats",
        "tickets",
    }
    assert data["bad_chat_lines"] == truth.bad_chat_lines
    assert len(data["customers"]) == 60 and len(data["consent"]) == 60
    for vals in data["customers"].values():
        assert any("@" in v for v in vals)
        assert any(re.fullmatch(r"(?:\d ){9,10}\d", v) for v in vals)  # spoken phone
    assert truth.all_values() >= set(data["embedded"])


def test_names_avoid_common_words(demo):
    _, _, truth = demo
    for group in (truth.customers, truth.agents):
        for vals in group.values():
            full = vals[0]
            for part in full.split(" "):
                assert acceptable_name(part) and len(part) >= 3
    assert not acceptable_name("Will") and not acceptable_name("Jo")


def test_sensitive_topics_present(demo):
    engine, _, _ = demo
    with engine.connect() as conn:
        joined = "\n".join(conn.scalars(select(hs.ticket_messages.c.body))).lower()
    assert (
        sum(w in joined for w in ("passed away", "died", "lost my job", "redundant", "hospital", "sclerosis"))
        >= 2
    )


def test_needs_one_customer_per_consent_state(tmp_path):
    with pytest.raises(ValueError):
        _generate(tmp_path, customers=3)


def test_one_segment_rarely_consents(demo):
    """The deliberate skew the representation audit must flag: premium customers rarely consent."""
    from support_curation.demo.generator import RARELY_CONSENTING_SEGMENT

    engine, _, truth = demo
    with engine.connect() as conn:
        segment = dict(conn.execute(select(hs.customers.c.customer_id, hs.customers.c.segment)).all())
    rates = {}
    for name in set(segment.values()):
        members = [cid for cid, seg in segment.items() if seg == name]
        consenting = [cid for cid in members if truth.consent[cid] != "never_asked"]
        rates[name] = len(consenting) / len(members)
    skewed = rates.pop(RARELY_CONSENTING_SEGMENT)
    assert skewed <= 0.3
    assert all(rate >= 2 * skewed for rate in rates.values()), rates
