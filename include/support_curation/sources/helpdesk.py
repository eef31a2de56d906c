"""The SQL helpdesk: tickets updated within the interval, with their messages, minimised."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, select, tuple_

from support_curation.records import record_id
from support_curation.sources.common import (
    NO_USABLE_MESSAGES,
    ExtractBatch,
    agent_identifiers,
    check_limits,
    clean_text,
    customer_identifiers,
    merge_identifiers,
    rows_by_key,
)
from support_curation.sources.helpdesk_schema import agents, customers, ticket_messages, tickets

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from datetime import datetime

    from sqlalchemy import Connection, Engine

    from support_curation.config import PipelinePolicy, Settings
    from support_curation.storage import Storage

SOURCE = "tickets"


def helpdesk_engine(settings: Settings) -> Engine:
    """The helpdesk database: an Airflow connection when one is named, else the configured URL."""
    if settings.helpdesk_conn_id:
        from airflow.sdk import BaseHook

        uri = BaseHook.get_connection(settings.helpdesk_conn_id).get_uri()
        uri = uri.replace("postgres://", "postgresql+psycopg2://", 1)
        return create_engine(uri)
    return create_engine(settings.resolved_helpdesk_url)


def _ticket_pages(conn: Connection, start: datetime, end: datetime, page: int) -> Iterator[list[Any]]:
    """Tickets updated in ``[start, end)`` a page at a time, by keyset on (updated_at, ticket_id).

    Both keys are the columns of one index, so every page is a range read of it: bounded memory, a
    stable order whatever the database, and the same cost per page for a day of a thousand tickets or
    of a million (ordering by ticket_id alone re-sorted the whole interval for every page).
    """
    after: tuple[Any, str] | None = None
    while True:
        # the keyset replaces the interval's lower bound, so that the index read starts at it
        query = select(tickets).where(tickets.c.updated_at < end)
        if after is None:
            query = query.where(tickets.c.updated_at >= start)
        else:
            query = query.where(tuple_(tickets.c.updated_at, tickets.c.ticket_id) > after)
        order = (tickets.c.updated_at, tickets.c.ticket_id)
        rows = conn.execute(query.order_by(*order).limit(page)).mappings().all()
        if not rows:
            return
        yield list(rows)
        after = (rows[-1]["updated_at"], rows[-1]["ticket_id"])


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
    """Stage every ticket updated in ``[start, end)`` as a minimised conversation."""
    batch = ExtractBatch(staging=staging, prefix=prefix, chunk_size=chunk_size)
    allowed_roles = policy.minimise.roles
    with engine.connect() as conn:
        for page in _ticket_pages(conn, start, end, page=chunk_size):
            ticket_ids = {t["ticket_id"] for t in page}
            people = rows_by_key(conn, customers, customers.c.customer_id, {t["customer_id"] for t in page})
            messages_by_ticket: dict[str, list[Mapping[str, Any]]] = {tid: [] for tid in ticket_ids}
            for message in conn.execute(
                select(ticket_messages)
                .where(ticket_messages.c.ticket_id.in_(sorted(ticket_ids)))
                .order_by(ticket_messages.c.created_at, ticket_messages.c.message_id)
            ).mappings():
                messages_by_ticket[message["ticket_id"]].append(message)
            agent_ids = {t["agent_id"] for t in page if t["agent_id"]} | {
                m["author_id"]
                for ms in messages_by_ticket.values()
                for m in ms
                if m["author_role"] == "agent" and m["author_id"]
            }
            staff = rows_by_key(conn, agents, agents.c.agent_id, agent_ids)
            for ticket in page:
                rid = record_id(hmac_key, SOURCE, ticket["ticket_id"])
                raw_messages = messages_by_ticket[ticket["ticket_id"]]
                messages = [
                    {"role": allowed_roles[m["author_role"]], "content": clean_text(m["body"] or "")}
                    for m in raw_messages
                    if m["author_role"] in allowed_roles
                    and not (policy.minimise.drop_internal_notes and m["is_internal_note"])
                    and (m["body"] or "").strip()
                ]
                if not messages:
                    batch.exclude(NO_USABLE_MESSAGES)
                    continue
                if reason := check_limits(messages, policy):
                    batch.quarantine_item(f"{SOURCE}:{rid}", reason)
                    continue
                customer = people.get(ticket["customer_id"])
                involved = {ticket["agent_id"]} | {m["author_id"] for m in raw_messages}
                batch.add(
                    {
                        "record_id": rid,
                        "source": SOURCE,
                        "customer_id": ticket["customer_id"],
                        "channel": ticket["channel"],
                        "scope": policy.scope_by_channel.get(ticket["channel"], "tickets"),
                        "language": customer["language"] if customer else None,
                        "segment": customer["segment"] if customer else None,
                        "messages": messages,
                        "known_identifiers": merge_identifiers(
                            customer_identifiers(customer),
                            agent_identifiers(staff[a] for a in sorted(involved - {None}) if a in staff),
                            {"TICKET_ID": [ticket["ticket_number"]] if ticket["ticket_number"] else []},
                        ),
                    }
                )
    return batch
