"""What every source produces: minimised conversations with their known identifiers, or a quarantine reason.

A staged conversation (raw text, staging only) is a dict:
``{"record_id", "source", "customer_id", "channel", "scope", "language", "segment",
"messages": [{"role", "content"}], "known_identifiers": {TYPE: [values]}}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from support_curation.records import WrittenFile, add_counts, write_jsonl_gz

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sqlalchemy import Column, Connection, Table

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

# Reasons a conversation is quarantined at extract (bad input); never carries the offending value.
BAD_ENCODING = "bad_encoding"
MALFORMED_JSON = "malformed_json"
SCHEMA_ERROR = "schema_error"
MESSAGE_TOO_LONG = "message_too_long"
TOO_MANY_MESSAGES = "too_many_messages"
# Reason a conversation is excluded (not bad, just nothing to use)
NO_USABLE_MESSAGES = "no_usable_messages"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Drop control characters (NUL and friends break downstream tools); keep newlines and tabs."""
    return _CONTROL.sub("", text)


def person_identifiers(full_name: str | None) -> list[str]:
    """A name and its parts: customers sign with first names, agents get called by them."""
    if not full_name:
        return []
    parts = [p.strip(".,") for p in full_name.split()]
    return [full_name, *[p for p in parts if len(p) >= 2]]


def customer_identifiers(customer: Mapping[str, Any] | None) -> dict[str, list[str]]:
    if not customer:
        return {}
    ids = {
        "PERSON": person_identifiers(customer.get("full_name")),
        "EMAIL": [customer.get("email")],
        "PHONE": [customer.get("phone")],
        "ADDRESS": [customer.get("street_address")],
        "ZIP": [customer.get("postal_code")],
    }
    return {kind: [v for v in values if v] for kind, values in ids.items() if any(values)}


def agent_identifiers(agents: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    names: list[str] = []
    emails: list[str] = []
    for agent in agents:
        names += person_identifiers(agent.get("full_name"))
        if agent.get("email"):
            emails.append(agent["email"])
    return {kind: values for kind, values in (("PERSON", names), ("EMAIL", emails)) if values}


def merge_identifiers(*groups: Mapping[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for group in groups:
        for kind, values in group.items():
            for value in values:
                if value and value not in merged.setdefault(kind, []):
                    merged[kind].append(value)
    return dict(sorted(merged.items()))


def rows_by_key(conn: Connection, table: Table, column: Column[Any], keys: set[str]) -> dict[str, Any]:
    """Rows of a small lookup table (customers, agents) for a set of keys."""
    if not keys:
        return {}
    rows = conn.execute(select(table).where(column.in_(sorted(keys)))).mappings()
    return {row[column.name]: row for row in rows}


def check_limits(messages: list[dict[str, str]], policy: PipelinePolicy) -> str | None:
    """The quarantine reason for a conversation too big to handle safely, if any."""
    if len(messages) > policy.limits.max_messages:
        return TOO_MANY_MESSAGES
    if any(len(m["content"]) > policy.limits.max_message_chars for m in messages):
        return MESSAGE_TOO_LONG
    return None


@dataclass
class ExtractBatch:
    """Collects one source's staged conversations into chunk files, and what was set aside."""

    staging: Storage
    prefix: str  # e.g. "support_conversations/dt=2024-01-02/extracted/tickets"
    chunk_size: int
    chunks: list[str] = field(default_factory=list)
    extracted: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    quarantine: list[dict[str, str]] = field(default_factory=list)  # {"ref", "reason"}: no raw values
    _pending: list[dict[str, Any]] = field(default_factory=list)

    def add(self, conversation: dict[str, Any]) -> None:
        self.extracted += 1
        self._pending.append(conversation)
        if len(self._pending) >= self.chunk_size:
            self.flush()

    def exclude(self, reason: str) -> None:
        self.extracted += 1
        self.excluded = add_counts(self.excluded, {reason: 1})

    def quarantine_item(self, ref: str, reason: str) -> None:
        self.extracted += 1
        self.quarantine.append({"ref": ref, "reason": reason})

    def flush(self) -> None:
        if not self._pending:
            return
        key = f"{self.prefix}/chunk-{len(self.chunks):05d}.jsonl.gz"
        rows = sorted(self._pending, key=lambda c: c["record_id"])
        written: WrittenFile = write_jsonl_gz(self.staging, key, rows)
        self.chunks.append(written.key)
        self._pending = []

    def quarantined_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.quarantine:
            counts = add_counts(counts, {item["reason"]: 1})
        return counts

    def result(self, source: str) -> dict[str, Any]:
        """Paths and counts only: this goes to XCom."""
        self.flush()
        return {
            "source": source,
            "chunks": self.chunks,
            "extracted": self.extracted,
            "excluded": self.excluded,
            "quarantined": self.quarantined_counts(),
        }
