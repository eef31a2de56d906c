"""The SQL helpdesk: tickets updated within the interval, with their messages, minimised.

Rows are read defensively, because a helpdesk holds whatever its integrations wrote: ``updated_at`` is
read raw and placed in a day by the one timestamp parser (text with ``T`` or a space, an offset, epoch
numbers), a body may be a BLOB or invalid UTF-8, a customer id may be NULL. Each such ticket is
quarantined with a reason and an opaque reference; the day goes on.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, create_engine, literal, select, tuple_, type_coerce
from sqlalchemy.exc import DataError
from sqlalchemy.types import NullType

from support_curation.records import record_id
from support_curation.sources.common import (
    BAD_ENCODING,
    BAD_TIMESTAMP,
    ExtractBatch,
    is_encodable,
    rows_by_key,
)
from support_curation.sources.contract import TICKETS, stage_conversation
from support_curation.sources.helpdesk_schema import agents, customers, ticket_messages, tickets
from support_curation.sources.timestamps import TimestampError, parse_timestamp, zone

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from datetime import datetime

    from sqlalchemy import Connection, Engine

    from support_curation.config import PipelinePolicy, Settings
    from support_curation.storage import Storage

SOURCE = TICKETS
# Stored times may carry any offset (or be written as local time), so the database is asked for the
# interval widened by a day either side and the parser decides membership in UTC. A whole day, not the
# largest offset (14 h): a text column compares "2024-02-02T05:00+14:00" after "2024-02-02 14:00"
# ("T" sorts after " "), so only a bound on another date is safe for both separators.
OFFSET_MARGIN = timedelta(days=1)
# The keyset runs on the values exactly as the database holds them (no type conversion on the way out
# or back in): comparing a stored "2024-02-01T09:00" text with a converted "2024-02-01 09:00" made the
# same page come back for ever.
_RAW_UPDATED_AT = type_coerce(tickets.c.updated_at, NullType())
_TICKET_COLUMNS = (
    tickets.c.ticket_id,
    tickets.c.ticket_number,
    tickets.c.customer_id,
    tickets.c.agent_id,
    tickets.c.channel,
    _RAW_UPDATED_AT.label("updated_at"),
)
_MESSAGE_COLUMNS = (
    ticket_messages.c.ticket_id,
    ticket_messages.c.author_role,
    ticket_messages.c.author_id,
    type_coerce(ticket_messages.c.is_internal_note, NullType()).label("is_internal_note"),
    ticket_messages.c.body,
)


class KeysetStalled(RuntimeError):
    """The ticket keyset returned a page that did not move past the previous one (a guard, not a path)."""


def helpdesk_engine(settings: Settings) -> Engine:
    """The helpdesk database: an Airflow connection when one is named, else the configured URL.

    ``hide_parameters``: a failing statement's message must not carry the ids and values it was bound to.
    """
    if settings.helpdesk_conn_id:
        from airflow.sdk import BaseHook

        uri = BaseHook.get_connection(settings.helpdesk_conn_id).get_uri()
        uri = uri.replace("postgres://", "postgresql+psycopg2://", 1)
        return create_engine(uri, hide_parameters=True)
    return create_engine(settings.resolved_helpdesk_url, hide_parameters=True)


def _ticket_pages(conn: Connection, start: datetime, end: datetime, page: int) -> Iterator[list[Any]]:
    """Tickets whose stored ``updated_at`` is within ``OFFSET_MARGIN`` of ``[start, end)``, a page at a time.

    Keyset paging on (updated_at, ticket_id), the columns of one index: every page is a range read of it,
    with the same cost for a day of a thousand tickets or of a million. ``in_interval`` says whether the
    database itself placed the row inside ``[start, end)``: the owner of a row whose time cannot be parsed.
    """
    typed = tickets.c.updated_at
    low, high = start - OFFSET_MARGIN, end + OFFSET_MARGIN
    in_interval = and_(typed >= start, typed < end).label("in_interval")
    after: tuple[Any, Any] | None = None
    while True:
        # the keyset replaces the window's lower bound, so that the index read starts at it
        query = select(*_TICKET_COLUMNS, in_interval).where(typed < high)
        if after is None:
            query = query.where(typed >= low)
        else:
            bound = tuple_(literal(after[0], NullType()), literal(after[1], tickets.c.ticket_id.type))
            query = query.where(tuple_(_RAW_UPDATED_AT, tickets.c.ticket_id) > bound)
        rows = conn.execute(query.order_by(typed, tickets.c.ticket_id).limit(page)).mappings().all()
        if not rows:
            return
        last = (rows[-1]["updated_at"], rows[-1]["ticket_id"])
        if last == after:
            raise KeysetStalled("ticket keyset paging made no progress")
        yield list(rows)
        after = last


@contextlib.contextmanager
def _lenient_text(conn: Connection) -> Iterator[None]:
    """SQLite: read TEXT that is not UTF-8 as text with surrogates (quarantined later) instead of raising.

    sqlite3's own decoding error quotes the offending text in its message, which is how a raw ticket
    body reached a task log. Other databases refuse invalid UTF-8 on the way in.
    """
    raw = conn.connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        yield
        return
    previous = raw.text_factory
    raw.text_factory = lambda data: data.decode("utf-8", "surrogateescape")
    try:
        yield
    finally:
        raw.text_factory = previous


def _messages(conn: Connection, ticket_ids: list[str]) -> dict[str, list[Mapping[str, Any]]]:
    query = (
        select(*_MESSAGE_COLUMNS)
        .where(ticket_messages.c.ticket_id.in_(ticket_ids))
        .order_by(ticket_messages.c.created_at, ticket_messages.c.message_id)
    )
    by_ticket: dict[str, list[Any]] = {tid: [] for tid in ticket_ids}
    for message in conn.execute(query).mappings():
        by_ticket[message["ticket_id"]].append(message)
    return by_ticket


def _messages_isolated(
    conn: Connection, ticket_ids: list[str]
) -> tuple[dict[str, list[Mapping[str, Any]]], set[str]]:
    """Messages of a page; when the page cannot be read, ticket by ticket, to find the unreadable ones.

    Reads only: rolling back after a failed read (which aborts a PostgreSQL transaction) loses nothing.
    """
    try:
        return _messages(conn, ticket_ids), set()
    except (UnicodeDecodeError, DataError):
        conn.rollback()
    found: dict[str, list[Mapping[str, Any]]] = {}
    unreadable: set[str] = set()
    for tid in ticket_ids:
        try:
            found.update(_messages(conn, [tid]))
        except (UnicodeDecodeError, DataError):
            conn.rollback()
            unreadable.add(tid)
    return found, unreadable


def extract_tickets(
    engine: Engine,
    *,
    start: datetime,
    end: datetime,
    policy: PipelinePolicy,
    hmac_key: str,
    staging: Storage,
    prefix: str,
    chunk_size: int,
) -> ExtractBatch:
    """Stage every ticket updated in ``[start, end)`` (UTC) as a minimised conversation."""
    batch = ExtractBatch(staging=staging, prefix=prefix, chunk_size=chunk_size, hmac_key=hmac_key)
    naive_tz = zone(policy.naive_timezone)
    with engine.connect() as conn, _lenient_text(conn):
        for page in _ticket_pages(conn, start, end, page=chunk_size):
            mine = []
            for ticket in page:
                tid = ticket["ticket_id"]
                if not isinstance(tid, str) or not is_encodable(tid):
                    if ticket["in_interval"]:
                        batch.quarantine_item(f"{SOURCE}:row", BAD_ENCODING, ticket["customer_id"])
                    continue
                try:
                    updated = parse_timestamp(ticket["updated_at"], naive_tz)
                except TimestampError:
                    if ticket["in_interval"]:
                        ref = f"{SOURCE}:{record_id(hmac_key, SOURCE, tid)}"
                        batch.quarantine_item(ref, BAD_TIMESTAMP, ticket["customer_id"])
                    continue
                if start <= updated < end:
                    mine.append(ticket)
            if mine:
                _stage_page(conn, batch, mine, policy, hmac_key)
    return batch


def _stage_page(
    conn: Connection,
    batch: ExtractBatch,
    page: list[Mapping[str, Any]],
    policy: PipelinePolicy,
    hmac_key: str,
) -> None:
    ticket_ids = sorted(t["ticket_id"] for t in page)
    people = rows_by_key(conn, customers, customers.c.customer_id, {t["customer_id"] for t in page})
    messages_by_ticket, unreadable = _messages_isolated(conn, ticket_ids)
    agent_ids = {t["agent_id"] for t in page} | {
        m["author_id"] for ms in messages_by_ticket.values() for m in ms if m["author_role"] == "agent"
    }
    staff = rows_by_key(conn, agents, agents.c.agent_id, agent_ids)
    drop_notes = policy.minimise.drop_internal_notes

    def turns(messages: list[Mapping[str, Any]]) -> Iterator[tuple[object, object]]:
        # an internal-note flag that is not plainly false counts as a note: dropped, the safe side
        return ((m["author_role"], m["body"]) for m in messages if not (drop_notes and m["is_internal_note"]))

    for ticket in page:
        tid = ticket["ticket_id"]
        ref = f"{SOURCE}:{record_id(hmac_key, SOURCE, tid)}"
        if tid in unreadable:
            batch.quarantine_item(ref, BAD_ENCODING, ticket["customer_id"])
            continue
        raw_messages = messages_by_ticket[tid]
        involved = {ticket["agent_id"]} | {m["author_id"] for m in raw_messages}
        number = ticket["ticket_number"]
        outcome = stage_conversation(
            source=SOURCE,
            source_id=tid,
            customer_id=ticket["customer_id"],
            channel=ticket["channel"],
            # an internal-note flag that is not plainly false counts as a note: dropped, the safe side
            turns=(
                (m["author_role"], m["body"])
                for m in raw_messages
                if not (drop_notes and m["is_internal_note"])
            ),
            customer=people.get(ticket["customer_id"]) if isinstance(ticket["customer_id"], str) else None,
            agents=[staff[a] for a in sorted(a for a in involved if isinstance(a, str)) if a in staff],
            extra_identifiers={"TICKET_ID": [number] if isinstance(number, str) and number else []},
            policy=policy,
            hmac_key=hmac_key,
        )
        batch.take(ref, outcome, ticket["customer_id"])
