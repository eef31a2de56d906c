"""The helpdesk source contract as SQLAlchemy Core tables (see ARCHITECTURE.md, "Source contract").

Real deployments map their helpdesk onto these names (a view per table is enough).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

customers = Table(
    "customers",
    metadata,
    Column("customer_id", String(64), primary_key=True),
    Column("full_name", String(200)),
    Column("email", String(200)),
    Column("phone", String(64)),
    Column("street_address", String(300)),
    Column("city", String(120)),
    Column("postal_code", String(32)),
    Column("country", String(64)),
    Column("segment", String(32)),
    Column("language", String(16)),
    Column("created_at", DateTime(timezone=True)),
)

agents = Table(
    "agents",
    metadata,
    Column("agent_id", String(64), primary_key=True),
    Column("full_name", String(200)),
    Column("email", String(200)),
    Column("team", String(64)),
)

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("ticket_number", String(64), index=True),
    Column("customer_id", String(64), ForeignKey("customers.customer_id")),
    Column("agent_id", String(64), ForeignKey("agents.agent_id")),
    Column("channel", String(32)),
    Column("subject", String(500)),
    Column("status", String(32)),
    Column("priority", String(32)),
    Column("product", String(120)),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    Column("csat_score", Integer),
    # the extract's keyset: each page of an interval is one range read of this index
    Index("ix_tickets_updated_at_ticket_id", "updated_at", "ticket_id"),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("message_id", String(64), primary_key=True),
    Column("ticket_id", String(64), ForeignKey("tickets.ticket_id"), index=True),
    Column("author_role", String(32)),  # customer | agent | system
    Column("author_id", String(64)),
    Column("is_internal_note", Boolean),
    Column("body", Text),
    Column("created_at", DateTime(timezone=True)),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("customer_id", String(64), index=True),
    Column("purpose", String(64)),
    Column("scope", String(32)),  # tickets | chat | voice
    Column("granted", Boolean),
    Column("notice_version", String(32)),
    Column("recorded_at", DateTime(timezone=True)),
)

erasure_requests = Table(
    "erasure_requests",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("customer_id", String(64), index=True),
    Column("requested_at", DateTime(timezone=True)),
    Column("status", String(32)),  # pending | done
)
