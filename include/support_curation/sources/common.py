"""What every source shares: the reasons input is set aside, identifiers, and the batch that collects it all.

The staged record itself is defined in :mod:`support_curation.sources.contract`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from support_curation.records import (
    STAGING_COMPRESSLEVEL,
    WrittenFile,
    add_counts,
    subject_id,
    write_jsonl_gz,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sqlalchemy import Column, Connection, Table

    from support_curation.sources.contract import Rejected, StagedConversation
    from support_curation.storage import Storage

# Reasons a conversation is quarantined at extract (bad input); never carries the offending value.
BAD_ENCODING = "bad_encoding"
MALFORMED_JSON = "malformed_json"
SCHEMA_ERROR = "schema_error"
MESSAGE_TOO_LONG = "message_too_long"
TOO_MANY_MESSAGES = "too_many_messages"
BAD_TIMESTAMP = "bad_timestamp"  # a missing or unreadable time: the conversation cannot be placed in a day
DUPLICATE_ID = "duplicate_id"  # the same conversation id again (e.g. in two export files): the first wins
UNREADABLE_FILE = "unreadable_file"  # refused (a link out of the landing root) or unreadable (bad gzip)
UNEXPECTED_FILE = "unexpected_file"  # a file in a landing folder that does not follow the naming
MISFILED = "misfiled"  # a chat in a dt= folder more than a day away from when it ended: no run would find it
# Reasons a conversation is excluded (not bad, just nothing to use)
NO_USABLE_MESSAGES = "no_usable_messages"
UNKNOWN_SCOPE = "unknown_scope"  # a channel the policy does not map to a consent scope

# the reference of a quarantine item whose customer asked for erasure: nothing that points back to them
ERASED_REF = "erased"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def opaque_ref(*parts: object) -> str:
    """A reference to input that may hold personal data (a file name, a source id): a hash, not the text.

    An operator who holds the landing listing can find the file by hashing its names the same way.
    """
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest[:16]}"


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
    ids: dict[str, list[Any]] = {
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
                # a lookup table can hold anything too: only clean text becomes an identifier
                if not isinstance(value, str) or not is_encodable(value):
                    continue
                if value and value not in merged.setdefault(kind, []):
                    merged[kind].append(value)
    return dict(sorted(merged.items()))


def rows_by_key(
    conn: Connection, table: Table, column: Column[Any], keys: Iterable[object]
) -> dict[str, Any]:
    """Rows of a small lookup table (customers, agents) for a set of keys."""
    # ids come from input: only clean text is sent to the database (a lone surrogate cannot be bound)
    wanted = {k for k in keys if isinstance(k, str) and is_encodable(k)}
    if not wanted:
        return {}
    rows = conn.execute(select(table).where(column.in_(sorted(wanted)))).mappings()
    return {row[column.name]: row for row in rows}


def is_encodable(text: str) -> bool:
    """False for text with lone surrogates (``\\ud800``): it cannot be written as UTF-8 anywhere."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class ExtractBatch:
    """Collects one source's staged conversations into chunk files, and what was set aside."""

    staging: Storage
    prefix: str  # e.g. "support_conversations/dt=2024-01-02/run-<hash>/extracted/tickets"
    chunk_size: int
    hmac_key: str = ""  # for the subject hash of quarantine items whose customer is known
    chunks: list[str] = field(default_factory=list)
    extracted: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    # {"ref", "reason"[, "subject"]}: no raw values; "subject" lets erasure find a customer's items
    quarantine: list[dict[str, str]] = field(default_factory=list)
    _pending: list[dict[str, Any]] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _customers: dict[str, str] = field(default_factory=dict)  # subject -> customer id, quarantined items only

    def take(self, ref: str, outcome: StagedConversation | Rejected, customer_id: object = None) -> None:
        """Account for one conversation: staged, excluded or quarantined (with ``ref``, never content)."""
        from support_curation.sources.contract import StagedConversation

        if not isinstance(outcome, StagedConversation):
            if outcome.quarantined:
                self.quarantine_item(ref, outcome.reason, customer_id)
            else:
                self.exclude(outcome.reason)
        elif outcome.record_id in self._seen:
            self.quarantine_item(ref, DUPLICATE_ID, customer_id)
        else:
            self._seen.add(outcome.record_id)
            self.add(outcome.as_dict())

    def add(self, conversation: dict[str, Any]) -> None:
        self.extracted += 1
        self._pending.append(conversation)
        if len(self._pending) >= self.chunk_size:
            self.flush()

    def exclude(self, reason: str) -> None:
        self.extracted += 1
        self.excluded = add_counts(self.excluded, {reason: 1})

    def quarantine_item(self, ref: str, reason: str, customer_id: object = None) -> None:
        self.extracted += 1
        item = {"ref": ref, "reason": reason}
        if isinstance(customer_id, str) and customer_id and is_encodable(customer_id) and self.hmac_key:
            item["subject"] = subject_id(self.hmac_key, customer_id)
            self._customers[item["subject"]] = customer_id
        self.quarantine.append(item)

    def quarantined_customers(self) -> set[str]:
        return set(self._customers.values())

    def forget(self, customer_ids: set[str]) -> None:
        """Keep only the reason of the items of customers who asked for erasure (the count stays).

        Erasure sweeps the quarantine once; a later rerun of an old day must not write their subject
        hash, or a reference to their conversation, back into it.
        """
        forgotten = {s for s, c in self._customers.items() if c in customer_ids}
        if not forgotten:
            return
        self.quarantine = [
            {"ref": ERASED_REF, "reason": item["reason"]} if item.get("subject") in forgotten else item
            for item in self.quarantine
        ]

    def flush(self) -> None:
        if not self._pending:
            return
        key = f"{self.prefix}/chunk-{len(self.chunks):05d}.jsonl.gz"
        rows = sorted(self._pending, key=lambda c: c["record_id"])
        written: WrittenFile = write_jsonl_gz(self.staging, key, rows, compresslevel=STAGING_COMPRESSLEVEL)
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
