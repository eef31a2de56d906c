"""Chat exports: ``chats/dt=YYYY-MM-DD/*.jsonl`` files, one chat per line, in a folder or under an S3 prefix.

Every line is accounted for: a chat in the interval is staged, or quarantined with a reason (bad
encoding, not JSON, wrong shape, too big); the reason never carries the line's content.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from support_curation.records import record_id
from support_curation.sources.common import (
    BAD_ENCODING,
    MALFORMED_JSON,
    NO_USABLE_MESSAGES,
    SCHEMA_ERROR,
    ExtractBatch,
    agent_identifiers,
    check_limits,
    clean_text,
    customer_identifiers,
    merge_identifiers,
    rows_by_key,
)
from support_curation.sources.helpdesk_schema import agents, customers

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

SOURCE = "chat"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # unknown fields are minimised away, not an error

    sender: Literal["customer", "agent", "bot"]
    agent_id: str | None = None
    text: str
    sent_at: datetime | None = None


class ChatExport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    chat_id: str
    customer_id: str
    started_at: datetime
    ended_at: datetime
    messages: list[ChatMessage]


def partition_prefixes(start: datetime, end: datetime) -> list[str]:
    """The ``dt=`` partitions that can hold chats ending in ``[start, end)``."""
    day = start.date()
    prefixes = []
    while datetime.combine(day, datetime.min.time(), tzinfo=start.tzinfo) < end:
        prefixes.append(f"chats/dt={day.isoformat()}/")
        day += timedelta(days=1)
    return prefixes


def _lines(landing: Storage, start: datetime, end: datetime) -> Iterator[tuple[str, bytes]]:
    for prefix in partition_prefixes(start, end):
        for key in landing.list(prefix):
            if not key.endswith(".jsonl"):
                continue
            for number, line in enumerate(landing.iter_lines(key), start=1):  # streamed: exports are big
                if line.strip():
                    yield f"{key}:{number}", line


def _parse(line: bytes) -> ChatExport | str:
    """The chat, or the quarantine reason."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_ENCODING
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return MALFORMED_JSON
    try:
        return ChatExport.model_validate(payload)
    except ValidationError:
        return SCHEMA_ERROR


def extract_chats(
    landing: Storage,
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
    """Stage every chat that ended in ``[start, end)``; customer and agent details come from the helpdesk."""
    batch = ExtractBatch(staging=staging, prefix=prefix, chunk_size=chunk_size)
    pending: list[tuple[str, ChatExport]] = []

    def stage(pending: list[tuple[str, ChatExport]]) -> None:
        with engine.connect() as conn:
            people = rows_by_key(
                conn, customers, customers.c.customer_id, {c.customer_id for _, c in pending}
            )
            staff_ids = {m.agent_id for _, c in pending for m in c.messages if m.agent_id}
            staff = rows_by_key(conn, agents, agents.c.agent_id, staff_ids)
        for ref, chat in pending:
            _stage_chat(batch, ref, chat, people, staff, policy, hmac_key)

    for ref, line in _lines(landing, start, end):
        parsed = _parse(line)
        if isinstance(parsed, str):
            batch.quarantine_item(ref, parsed)
            continue
        ended = parsed.ended_at if parsed.ended_at.tzinfo else parsed.ended_at.replace(tzinfo=start.tzinfo)
        if not start <= ended < end:
            continue  # belongs to another interval
        pending.append((ref, parsed))
        if len(pending) >= chunk_size:
            stage(pending)
            pending = []
    if pending:
        stage(pending)
    return batch


def _stage_chat(
    batch: ExtractBatch,
    ref: str,
    chat: ChatExport,
    people: dict[str, Any],
    staff: dict[str, Any],
    policy: PipelinePolicy,
    hmac_key: str,
) -> None:
    rid = record_id(hmac_key, SOURCE, chat.chat_id)
    roles = policy.minimise.roles
    messages = [
        {"role": roles[m.sender], "content": clean_text(m.text)}
        for m in chat.messages
        if m.sender in roles and m.text.strip()
    ]
    if not messages:
        batch.exclude(NO_USABLE_MESSAGES)
        return
    if reason := check_limits(messages, policy):
        batch.quarantine_item(f"{ref}:{rid}", reason)
        return
    customer = people.get(chat.customer_id)
    batch.add(
        {
            "record_id": rid,
            "source": SOURCE,
            "customer_id": chat.customer_id,
            "channel": "chat",
            "scope": policy.scope_by_channel.get("chat", "chat"),
            "language": customer["language"] if customer else None,
            "segment": customer["segment"] if customer else None,
            "messages": messages,
            "known_identifiers": merge_identifiers(
                customer_identifiers(customer),
                agent_identifiers(
                    staff[a] for a in sorted({m.agent_id for m in chat.messages} - {None}) if a in staff
                ),
            ),
        }
    )
