"""Write a synthetic helpdesk (SQL tables) and chat exports, and return the truth about what PII went in.

Deterministic for a seed: ids, texts and timestamps depend only on the arguments, and each day uses its own
random stream, so generating days 1-6 gives the same days 4-6 as generating them alone. Reruns replace the
rows and files they wrote (customers and agents are updated in place: other days' tickets point at them).
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, select, update

from support_curation.demo import identifiers as ids
from support_curation.demo import texts
from support_curation.demo.profiles import Agent, Customer, make_agents, make_customers
from support_curation.sources import helpdesk_schema as hs

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from support_curation.storage import Storage

BATCH_ROWS = 5_000
LONG_MESSAGE_CHARS = 50_000
CONSENT_STATES = ("granted", "never_asked", "revoked", "chat_only")
SCOPES = ("tickets", "chat", "voice")
NOTICE_VERSIONS = ("2023-06", "2024-01", "2024-09")
# The deliberate skew the representation audit must flag: most customers of this segment never answer
# the consent request, so they are rarely in the training set.
RARELY_CONSENTING_SEGMENT = "premium"
RARELY_CONSENTING_SHARE = 0.75  # of that segment's customers, those who never consented to training
# placeholders whose values are embedded identifiers (recorded in truth when a template uses them)
_EMBEDDED_FIELDS = frozenset({"card", "iban", "dob", "order", "account", "code", "ticket"})
_TICKET_EPOCH = date(2020, 1, 1)


@dataclass
class DemoTruth:
    """What the generator put in: every PII value, consent state per customer, and the bad input counts."""

    customers: dict[str, list[str]] = field(default_factory=dict)
    agents: dict[str, list[str]] = field(default_factory=dict)
    embedded: dict[str, None] = field(default_factory=dict)  # ordered set of values used in texts
    consent: dict[str, str] = field(default_factory=dict)
    bad_chat_lines: dict[str, int] = field(
        default_factory=lambda: {"not_json": 0, "bad_encoding": 0, "too_long": 0, "missing_customer_id": 0}
    )
    chats: int = 0  # contract-valid chat lines (including the over-long and the extra-field ones)
    tickets: int = 0

    @property
    def malformed_chat_lines(self) -> int:
        """Lines a reader cannot turn into a chat: not JSON, not UTF-8, or without a customer."""
        bad = self.bad_chat_lines
        return bad["not_json"] + bad["bad_encoding"] + bad["missing_customer_id"]

    def to_json(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "agents": self.agents,
            "embedded": list(self.embedded),
            "consent": self.consent,
            "malformed_chat_lines": self.malformed_chat_lines,
            "bad_chat_lines": dict(self.bad_chat_lines),
            "chats": self.chats,
            "tickets": self.tickets,
        }

    def all_values(self) -> set[str]:
        values = set(self.embedded)
        for group in (self.customers, self.agents):
            for vals in group.values():
                values.update(vals)
        return values


@lru_cache(maxsize=4096)
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


class _Writer:
    """Fills templates from a conversation's context and records the embedded values it used."""

    def __init__(self, truth: DemoTruth) -> None:
        self.truth = truth

    def fill(self, template: str, ctx: dict[str, str]) -> str:
        for name in _fields(template):
            if name in _EMBEDDED_FIELDS:
                self.truth.embedded[ctx[name]] = None
        return template.format_map(ctx)


class _Batcher:
    """executemany in bounded batches, so memory stays flat for large runs."""

    def __init__(self, conn: Connection, table: Table, parent: _Batcher | None = None) -> None:
        self.conn, self.table, self.parent = conn, table, parent
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.parent is not None:  # parents first, for foreign keys
            self.parent.flush()
        if self.rows:
            self.conn.execute(self.table.insert(), self.rows)
            self.rows = []


def _context(
    rng: random.Random, cust: Customer, agent: Agent, ticket: str, channel: str, topic: texts.Topic
) -> dict[str, str]:
    lower = rng.random() < 0.2
    symbol = "$" if cust.country == "US" else "£"
    return {
        "cname": cust.full.lower() if lower else cust.full,
        "cfirst": cust.first.lower() if lower or rng.random() < 0.1 else cust.first,
        "email": cust.email,
        "phone": rng.choice(cust.phones[1:]),
        "phone_spoken": cust.phone_spoken,
        "address": cust.street,
        "postcode": cust.postcode,
        "dob": rng.choice(cust.dobs),
        "card": rng.choice(cust.cards),
        "iban": rng.choice(cust.ibans),
        "account": cust.account,
        "order": ids.order_number(rng),
        "code": ids.internal_code(rng),
        "ticket": ticket,
        "afirst": agent.first,
        "aname": agent.full,
        "aemail": agent.email,
        "team": agent.team,
        "product": rng.choice(texts.PRODUCTS),
        "amount": f"{symbol}{rng.randint(5, 400)}.{rng.choice(('00', '49', '99'))}",
        "channel": channel,
        "duration": f"00:{rng.randint(2, 25):02d}:{rng.randint(0, 59):02d}",
        "sensitive": topic.sensitive or "",
    }


def _topic(rng: random.Random) -> texts.Topic:
    sensitive = rng.random() < 0.15
    pool = [t for t in texts.TOPICS if (t.sensitive is not None) == sensitive]
    return rng.choice(pool)


def _notes(topic: texts.Topic) -> tuple[str, ...]:
    return tuple(n for n in texts.INTERNAL_NOTES if topic.sensitive or "{sensitive}" not in n)


def _written_ticket(
    rng: random.Random, w: _Writer, ctx: dict[str, str], topic: texts.Topic, cust: Customer, agent: Agent
) -> list[tuple[str, str | None, bool, str]]:
    """(author_role, author_id, is_internal_note, body) for an email or web ticket."""
    c, a = cust.customer_id, agent.agent_id
    f = w.fill
    opening = f(rng.choice(topic.openings), ctx)
    if rng.random() < 0.4:
        opening += " " + f(rng.choice(topic.details), ctx)
    greeting, signoff = (
        f(rng.choice(texts.CUSTOMER_GREETINGS), ctx),
        f(rng.choice(texts.CUSTOMER_SIGNOFFS), ctx),
    )
    first = f"{greeting}\n\n{opening}\n\n{signoff}"
    msgs: list[tuple[str, str | None, bool, str]] = [("customer", c, False, first)]
    if rng.random() < 0.7:
        msgs.append(("system", None, False, f(rng.choice(texts.SYSTEM_MESSAGES[:3]), ctx)))
    greet, sign = f(rng.choice(texts.AGENT_GREETINGS), ctx), f(rng.choice(texts.AGENT_SIGNOFFS), ctx)
    msgs.append(("agent", a, False, f"{greet}\n\n{rng.choice(texts.AGENT_VERIFY)}\n\n{sign}"))
    detail = f(rng.choice(topic.details), ctx)
    msgs.append(("customer", c, False, f(rng.choice(texts.CUSTOMER_FOLLOWUPS), {**ctx, "detail": detail})))
    if rng.random() < 0.6 or topic.sensitive:
        msgs.append(("agent", a, True, f(rng.choice(_notes(topic)), ctx)))
    resolution = f(rng.choice(topic.resolutions), ctx)
    msgs.append(
        (
            "agent",
            a,
            False,
            f"Hi {ctx['cfirst']},\n\n{resolution}\n\n{f(rng.choice(texts.AGENT_SIGNOFFS), ctx)}",
        )
    )
    if rng.random() < 0.5:
        msgs.append(("customer", c, False, f(rng.choice(texts.CUSTOMER_CLOSINGS), ctx)))
    if rng.random() < 0.5:
        msgs.append(("system", None, False, f(rng.choice(texts.SYSTEM_MESSAGES[3:]), ctx)))
    return msgs


def _call_ticket(
    rng: random.Random, w: _Writer, ctx: dict[str, str], topic: texts.Topic, cust: Customer, agent: Agent
) -> list[tuple[str, str | None, bool, str]]:
    """A phone ticket: a transcript, one speaker turn per message, lower case and spoken numbers."""
    c, a = cust.customer_id, agent.agent_id
    f = w.fill
    ctx = {**ctx, "dob": cust.dobs[1]}  # dates are said in words on the phone
    ask = rng.randrange(len(texts.CALL_AGENT_VERIFY))  # 0: phone number, 1: date of birth
    msgs: list[tuple[str, str | None, bool, str]] = [
        ("system", None, False, f(rng.choice(texts.CALL_OPENINGS), ctx)),
        ("agent", a, False, f(rng.choice(texts.CALL_AGENT), ctx)),
        ("customer", c, False, f(rng.choice(texts.CALL_CUSTOMER_NAME), ctx)),
        ("agent", a, False, f(texts.CALL_AGENT_VERIFY[ask], ctx)),
        ("customer", c, False, f(rng.choice(texts.CALL_CUSTOMER_VERIFY[ask]), ctx)),
        ("agent", a, False, "thank you, and what's the call about today"),
        # lower-case the template, not the text, so identifiers keep their real spelling
        ("customer", c, False, "so " + f(rng.choice(topic.openings).lower(), ctx)),
        ("customer", c, False, f(rng.choice(topic.details).lower(), ctx)),
        ("agent", a, False, f(rng.choice(topic.resolutions).lower(), ctx)),
        ("agent", a, False, f(rng.choice(texts.CALL_AGENT_CLOSE), ctx)),
        ("customer", c, False, rng.choice(("no that's everything thanks, bye", "no thanks bye bye"))),
    ]
    if rng.random() < 0.5 or topic.sensitive:
        msgs.append(("agent", a, True, f(rng.choice(_notes(topic)), ctx)))
    return msgs


def _chat_messages(
    rng: random.Random, w: _Writer, ctx: dict[str, str], topic: texts.Topic, agent: Agent
) -> list[tuple[str, str | None, str]]:
    """(sender, agent_id, text): a bot triage, then an agent."""
    f = w.fill
    greet = rng.choice(("hi", "hello", "Hi,", "hey", f"hi it's {ctx['cname']}"))
    msgs: list[tuple[str, str | None, str]] = [
        ("bot", None, texts.BOT_LINES[0]),
        ("customer", None, f"{greet} {f(rng.choice(topic.openings), ctx)}"),
        ("bot", None, texts.BOT_LINES[1]),
        ("customer", None, ctx["email"] if rng.random() < 0.6 else f"it's {ctx['email']}"),
        ("bot", None, texts.BOT_LINES[2]),
    ]
    if rng.random() < 0.3:
        msgs.append(("bot", None, texts.BOT_LINES[3]))
    msgs.append(("agent", agent.agent_id, f(rng.choice(texts.CHAT_AGENT_GREETINGS), ctx)))
    if rng.random() < 0.6:
        msgs.append(("agent", agent.agent_id, rng.choice(texts.AGENT_VERIFY)))
    msgs.append(("customer", None, f(rng.choice(topic.details), ctx)))
    msgs.append(("agent", agent.agent_id, f(rng.choice(topic.resolutions), ctx)))
    msgs.append(("agent", agent.agent_id, f(rng.choice(texts.CHAT_AGENT_CLOSE), ctx)))
    if rng.random() < 0.6:
        msgs.append(("customer", None, f(rng.choice(texts.CUSTOMER_CLOSINGS), ctx)))
    return msgs


def _spread(rng: random.Random, begin: datetime, span_s: int, n: int) -> list[datetime]:
    """n sorted instants in [begin, begin + span_s), the first at begin."""
    offsets = sorted(rng.randrange(span_s) for _ in range(n - 1))
    return [begin] + [begin + timedelta(seconds=o) for o in offsets]


def _consent_events(
    rng: random.Random, cust: Customer, index: int, state: str, start: datetime, days: int, seed: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(purpose: str, scope: str, granted: bool, at: datetime) -> None:
        rows.append(
            {
                "event_id": f"cev-{seed}-{index:06d}-{len(rows):02d}",
                "customer_id": cust.customer_id,
                "purpose": purpose,
                "scope": scope,
                "granted": granted,
                "notice_version": rng.choice(NOTICE_VERSIONS),
                "recorded_at": at,
            }
        )

    granted_at = start - timedelta(days=rng.randint(7, 400), seconds=rng.randint(0, 86399))
    if state in ("granted", "revoked"):
        for scope in SCOPES:
            add("ai_training", scope, True, granted_at)
    if state == "chat_only":
        add("ai_training", "chat", True, granted_at)
        if rng.random() < 0.5:
            add("ai_training", "tickets", False, granted_at)
    if state == "revoked":
        if index % 2:  # in the middle of the range: as-of logic must still use the grant before it
            revoked_at = start + timedelta(seconds=days * 86400 // 2 + rng.randint(-3600, 3600))
        else:
            revoked_at = start - timedelta(days=rng.randint(1, 6), seconds=rng.randint(0, 86399))
        for scope in SCOPES:
            add("ai_training", scope, False, revoked_at)
    if rng.random() < 0.4:  # other purposes must not count as consent for training
        add("marketing", rng.choice(SCOPES), rng.random() < 0.7, granted_at - timedelta(days=3))
    return rows


def _declines(seed: int, cust: Customer) -> bool:
    """Whether a customer of the rarely consenting segment never gave consent (own stream per customer)."""
    if cust.segment != RARELY_CONSENTING_SEGMENT:
        return False
    return random.Random(f"demo-skew:{seed}:{cust.customer_id}").random() < RARELY_CONSENTING_SHARE


def _upsert(conn: Connection, table: Table, key: str, prefix: str, rows: list[dict[str, Any]]) -> None:
    """Update rows that exist, insert the rest: rows other days' tickets reference cannot be deleted."""
    column = table.c[key]
    existing = set(conn.scalars(select(column).where(column.like(f"{prefix}%"))))
    old = [r for r in rows if r[key] in existing]
    new = [r for r in rows if r[key] not in existing]
    for i in range(0, len(old), BATCH_ROWS):
        batch = [{**r, "_key": r[key]} for r in old[i : i + BATCH_ROWS]]
        values: dict[str, Any] = {c: bindparam(c) for c in rows[0] if c != key}
        conn.execute(update(table).where(column == bindparam("_key")).values(values), batch)
    for i in range(0, len(new), BATCH_ROWS):
        conn.execute(table.insert(), new[i : i + BATCH_ROWS])


def _chat_record(
    rng: random.Random,
    w: _Writer,
    chat_id: str,
    cust: Customer,
    agent: Agent,
    day_start: datetime,
    ticket: str,
) -> dict[str, Any]:
    topic = _topic(rng)
    ctx = _context(rng, cust, agent, ticket, "chat", topic)
    msgs = _chat_messages(rng, w, ctx, topic, agent)
    ended = day_start + timedelta(seconds=rng.randint(2400, 86399))
    duration = rng.randint(120, 2400)
    started = ended - timedelta(seconds=duration)
    times = _spread(rng, started, duration, len(msgs))
    return {
        "chat_id": chat_id,
        "customer_id": cust.customer_id,
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat(),
        "messages": [
            {"sender": s, "agent_id": aid, "text": text, "sent_at": t.isoformat()}
            for (s, aid, text), t in zip(msgs, times, strict=True)
        ],
    }


def _dumps(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_day(
    conn: Connection,
    storage: Storage,
    truth: DemoTruth,
    day: date,
    seed: int,
    customers: list[Customer],
    agents: list[Agent],
    tickets_per_day: int,
    chats_per_day: int,
) -> None:
    day_start = datetime.combine(day, time(), tzinfo=UTC)
    stamp = day.strftime("%Y%m%d")
    w = _Writer(truth)
    rng = random.Random(f"demo-tickets:{seed}:{day.isoformat()}")
    # ticket numbers: the day's tickets, then the ones its chats open; no two days overlap
    ticket_base = 100_000 + (day - _TICKET_EPOCH).days * (tickets_per_day + chats_per_day)
    tickets = _Batcher(conn, hs.tickets)
    messages = _Batcher(conn, hs.ticket_messages, parent=tickets)
    for j in range(tickets_per_day):
        cust, agent = customers[rng.randrange(len(customers))], agents[rng.randrange(len(agents))]
        channel = rng.choices(("email", "web", "phone"), weights=(5, 3, 2))[0]
        topic = _topic(rng)
        number = f"TCK-{ticket_base + j:06d}"
        ctx = _context(rng, cust, agent, number, channel, topic)
        build = _call_ticket if channel == "phone" else _written_ticket
        msgs = build(rng, w, ctx, topic, cust, agent)
        updated = day_start + timedelta(seconds=rng.randint(3600, 86399))
        span = rng.randint(300, 3600) if channel == "phone" else rng.randint(600, 3 * 86400)
        created = updated - timedelta(seconds=span)
        ticket_id = f"tkt-{seed}-{stamp}-{j:06d}"
        status = rng.choice(("solved", "solved", "closed", "pending", "open"))
        tickets.add(
            {
                "ticket_id": ticket_id,
                "ticket_number": number,
                "customer_id": cust.customer_id,
                "agent_id": agent.agent_id,
                "channel": channel,
                "subject": w.fill(rng.choice(topic.subjects), ctx),
                "status": status,
                "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                "product": ctx["product"],
                "created_at": created,
                "updated_at": updated,
                "csat_score": rng.randint(1, 5)
                if status in ("solved", "closed") and rng.random() < 0.6
                else None,
            }
        )
        times = _spread(rng, created, span, len(msgs))
        for k, ((role, author, internal, body), at) in enumerate(zip(msgs, times, strict=True)):
            messages.add(
                {
                    "message_id": f"msg-{seed}-{stamp}-{j:06d}-{k:02d}",
                    "ticket_id": ticket_id,
                    "author_role": role,
                    "author_id": author,
                    "is_internal_note": internal,
                    "body": body,
                    "created_at": at,
                }
            )
    messages.flush()
    truth.tickets += tickets_per_day

    crng = random.Random(f"demo-chats:{seed}:{day.isoformat()}")
    lines: list[bytes] = []
    for j in range(chats_per_day):
        cust, agent = customers[crng.randrange(len(customers))], agents[crng.randrange(len(agents))]
        number = f"TCK-{ticket_base + tickets_per_day + j:06d}"  # a ticket number the chat may quote
        record = _chat_record(crng, w, f"chat-{seed}-{stamp}-{j:06d}", cust, agent, day_start, number)
        if j == 0:  # unknown extra fields: valid, and must be dropped by minimisation
            ip = f"203.0.113.{crng.randint(1, 254)}"
            record["visitor_ip"], record["crm_tags"] = ip, ["vip", "web"]
            truth.embedded[ip] = None
        elif j == 1:
            long_text = "Here is everything the page shows:\n" + "".join(
                texts.LONG_LOG_LINE.format(n=n) for n in range(LONG_MESSAGE_CHARS // 60 + 1)
            )
            record["messages"][1]["text"] = long_text[:LONG_MESSAGE_CHARS]
            truth.bad_chat_lines["too_long"] += 1
        lines.append(_dumps(record))
    truth.chats += chats_per_day
    if chats_per_day:
        lines.extend(_bad_lines(crng, w, truth, seed, stamp, customers, agents, day_start))
        crng.shuffle(lines)
    storage.put_bytes(
        f"chats/dt={day.isoformat()}/chats-00000.jsonl", b"".join(line + b"\n" for line in lines)
    )


def _bad_lines(
    rng: random.Random,
    w: _Writer,
    truth: DemoTruth,
    seed: int,
    stamp: str,
    customers: list[Customer],
    agents: list[Agent],
    day_start: datetime,
) -> list[bytes]:
    """A truncated line, one with invalid UTF-8 inside a text, and one without customer_id."""

    def chat(tag: str) -> dict[str, Any]:
        cust, agent = customers[rng.randrange(len(customers))], agents[rng.randrange(len(agents))]
        return _chat_record(rng, w, f"chat-{seed}-{stamp}-{tag}", cust, agent, day_start, "TCK-000000")

    truncated = _dumps(chat("bad0"))
    bad_bytes = _dumps(chat("bad1")).replace(b'"text":"', b'"text":"\xff\xfe caf\xe9 ', 1)
    missing = chat("bad2")
    del missing["customer_id"]
    truth.bad_chat_lines["not_json"] += 1
    truth.bad_chat_lines["bad_encoding"] += 1
    truth.bad_chat_lines["missing_customer_id"] += 1
    return [truncated[: len(truncated) // 2], bad_bytes, _dumps(missing)]


def generate_demo(
    engine: Engine,
    chat_storage: Storage,
    start: date,
    days: int = 3,
    seed: int = 7,
    customers: int = 60,
    tickets_per_day: int = 25,
    chats_per_day: int = 25,
) -> DemoTruth:
    """Create the helpdesk tables if needed and fill ``days`` days from ``start`` (UTC); see module doc."""
    if customers < len(CONSENT_STATES):
        raise ValueError(f"customers must be at least {len(CONSENT_STATES)}, one per consent state")
    hs.metadata.create_all(engine)
    truth = DemoTruth()
    people = make_customers(seed, customers, start)
    staff = make_agents(seed, max(4, min(200, customers // 12)))
    start_dt = datetime.combine(start, time(), tzinfo=UTC)
    rng = random.Random(f"demo-consent:{seed}:{start.isoformat()}:{days}")

    consent_rows: list[dict[str, Any]] = []
    for i, cust in enumerate(people):
        truth.customers[cust.customer_id] = cust.pii_values()
        state = (
            CONSENT_STATES[i] if i < len(CONSENT_STATES) else rng.choices(CONSENT_STATES, (50, 20, 15, 15))[0]
        )
        events = _consent_events(rng, cust, i, state, start_dt, days, seed)
        if i >= len(CONSENT_STATES) and _declines(seed, cust):
            # after drawing its events, so every other customer's draws (and the demo) stay the same
            state = "never_asked"
            events = [e for e in events if e["purpose"] != "ai_training"]
        truth.consent[cust.customer_id] = state
        consent_rows += events
    for agent in staff:
        truth.agents[agent.agent_id] = agent.pii_values()
    erasure_rows = [
        {
            "request_id": f"era-{seed}-{k:04d}",
            "customer_id": cust.customer_id,
            "requested_at": start_dt + timedelta(seconds=rng.randint(-10 * 86400, days * 86400 - 1)),
            "status": "done" if k % 3 == 2 else "pending",
        }
        for k, cust in enumerate(rng.sample(people, max(1, customers // 25)))
    ]

    day_list = [start + timedelta(days=d) for d in range(days)]
    with engine.begin() as conn:
        for day in day_list:
            stamp = day.strftime("%Y%m%d")
            conn.execute(
                delete(hs.ticket_messages).where(
                    hs.ticket_messages.c.message_id.like(f"msg-{seed}-{stamp}-%")
                )
            )
            conn.execute(delete(hs.tickets).where(hs.tickets.c.ticket_id.like(f"tkt-{seed}-{stamp}-%")))
        conn.execute(delete(hs.consent_events).where(hs.consent_events.c.event_id.like(f"cev-{seed}-%")))
        conn.execute(
            delete(hs.erasure_requests).where(hs.erasure_requests.c.request_id.like(f"era-{seed}-%"))
        )
        _upsert(conn, hs.agents, "agent_id", f"agt-{seed}-", [
            {"agent_id": a.agent_id, "full_name": a.full, "email": a.email, "team": a.team} for a in staff
        ])  # fmt: skip
        _upsert(conn, hs.customers, "customer_id", f"cus-{seed}-", [_customer_row(c) for c in people])
        for i in range(0, len(consent_rows), BATCH_ROWS):
            conn.execute(hs.consent_events.insert(), consent_rows[i : i + BATCH_ROWS])
        conn.execute(hs.erasure_requests.insert(), erasure_rows)
        for day in day_list:
            _write_day(conn, chat_storage, truth, day, seed, people, staff, tickets_per_day, chats_per_day)
    return truth


def _customer_row(c: Customer) -> dict[str, Any]:
    return {
        "customer_id": c.customer_id,
        "full_name": c.full,
        "email": c.email,
        "phone": c.phone,
        "street_address": c.street,
        "city": c.city,
        "postal_code": c.postcode,
        "country": c.country,
        "segment": c.segment,
        "language": c.language,
        "created_at": c.created_at,
    }
