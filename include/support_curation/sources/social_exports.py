"""Social-media and messaging exports: ``social/dt=YYYY-MM-DD/*.jsonl`` (or ``.jsonl.gz``), one thread
per line: public mentions and replies (channel ``social``) or direct messages (channel ``messaging``).

Read like the chat exports (the same folders, stragglers, file and line quarantine: see
``chat_exports``); what differs is the thread's channel, which the policy's ``scope_by_channel`` must
map to a consent scope (an unmapped one is excluded as ``unknown_scope``, never defaulted), and the
authors: every customer-side author's handle and display name become known identifiers of the
conversation, so the redactor removes them wherever the thread mentions them (``@jane_doe``, "Jane").
"""

from __future__ import annotations

import json
from datetime import datetime  # noqa: TC003 - pydantic reads the annotation at run time
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from support_curation.layout import partition_name
from support_curation.sources.chat_exports import (
    _UNREADABLE,
    EXPORT_FILE,
    STRAGGLER_DAYS,
    _ends_elsewhere,
    _file_lines,
    _folders,
)
from support_curation.sources.common import (
    BAD_ENCODING,
    BAD_TIMESTAMP,
    MALFORMED_JSON,
    MISFILED,
    SCHEMA_ERROR,
    UNEXPECTED_FILE,
    UNREADABLE_FILE,
    ExtractBatch,
    is_encodable,
    opaque_ref,
    person_identifiers,
    rows_by_key,
)
from support_curation.sources.contract import stage_conversation
from support_curation.sources.helpdesk_schema import agents, customers
from support_curation.sources.timestamps import TimestampError, parse_timestamp, zone

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date, tzinfo

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

SOURCE = "social"
LANDING_FOLDER = "social"
CUSTOMER_SENDERS = frozenset(["customer"])


class SocialMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sender: str | None = None  # customer | agent (others are dropped by the policy's roles)
    agent_id: str | None = None
    author_handle: str | None = None  # "@jane_doe", "u/jane"
    author_name: str | None = None  # the display name the platform shows
    text: str | None = None


class SocialThread(BaseModel):
    model_config = ConfigDict(extra="ignore")

    thread_id: str
    customer_id: str | None = None
    channel: str | None = None  # social | messaging: the policy maps it to a consent scope
    ended_at: str | int | float | datetime | None = None
    messages: list[SocialMessage]


def author_identifiers(thread: SocialThread) -> dict[str, list[str]]:
    """The customer-side authors' handles (with and without their sigil) and display names."""
    handles: list[str] = []
    names: list[str] = []
    for message in thread.messages:
        if message.sender not in CUSTOMER_SENDERS:
            continue  # the brand's own account and its agents' names come from the helpdesk
        handle = (message.author_handle or "").strip()
        bare = handle.lstrip("@＠").removeprefix("/").removeprefix("u/")
        handles += [h for h in (handle, bare) if len(h) >= 2]
        names += person_identifiers(message.author_name)
    ids = {"USERNAME": handles, "PERSON": names}
    return {kind: list(dict.fromkeys(values)) for kind, values in ids.items() if values}


def _parse(line: bytes) -> SocialThread | str:
    """The thread, or the quarantine reason (never the content, never the parser's message)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_ENCODING
    try:
        thread = SocialThread.model_validate(json.loads(text))
    except (json.JSONDecodeError, RecursionError):
        return MALFORMED_JSON
    except ValidationError:
        return SCHEMA_ERROR
    if not is_encodable(thread.thread_id):
        return BAD_ENCODING
    return thread


def _read(
    landing: Storage, start: datetime, end: datetime, batch: ExtractBatch, naive_tz: tzinfo
) -> Iterator[tuple[str, bool, date, SocialThread | str]]:
    for day, owned in _folders(start, end):
        for key in landing.list(f"{LANDING_FOLDER}/{partition_name(day)}/"):
            file_ref = opaque_ref(key)
            if not EXPORT_FILE.fullmatch(key.rsplit("/", 1)[-1]):
                if owned:
                    batch.quarantine_item(file_ref, UNEXPECTED_FILE)
                continue
            try:
                for number, line in enumerate(_file_lines(landing, key), start=1):
                    if not line.strip() or (not owned and _ends_elsewhere(line, start, end, naive_tz)):
                        continue
                    yield f"{file_ref}:{number}", owned, day, _parse(line)
            except _UNREADABLE:
                if owned:
                    batch.quarantine_item(file_ref, UNREADABLE_FILE)


def extract_social(
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
    """Stage every thread that ended in ``[start, end)``; its authors become known identifiers."""
    batch = ExtractBatch(staging=staging, prefix=prefix, chunk_size=chunk_size, hmac_key=hmac_key)
    naive_tz = zone(policy.naive_timezone)
    pending: list[tuple[str, SocialThread]] = []

    def stage(pending: list[tuple[str, SocialThread]]) -> None:
        with engine.connect() as conn:
            people = rows_by_key(
                conn, customers, customers.c.customer_id, {t.customer_id for _, t in pending}
            )
            staff_ids = {m.agent_id for _, t in pending for m in t.messages if m.agent_id}
            staff = rows_by_key(conn, agents, agents.c.agent_id, staff_ids)
        for ref, thread in pending:
            involved = sorted({m.agent_id for m in thread.messages if m.agent_id})
            outcome = stage_conversation(
                source=SOURCE,
                source_id=thread.thread_id,
                customer_id=thread.customer_id,
                channel=thread.channel,
                turns=((m.sender, m.text) for m in thread.messages),
                customer=people.get(thread.customer_id) if thread.customer_id else None,
                agents=[staff[a] for a in involved if a in staff],
                extra_identifiers=author_identifiers(thread),
                policy=policy,
                hmac_key=hmac_key,
            )
            batch.take(ref, outcome, thread.customer_id)

    for ref, owned, folder_day, parsed in _read(landing, start, end, batch, naive_tz):
        if isinstance(parsed, str):
            if owned:
                batch.quarantine_item(ref, parsed)
            continue
        try:
            ended = parse_timestamp(parsed.ended_at, naive_tz)
        except TimestampError:
            if owned:
                batch.quarantine_item(ref, BAD_TIMESTAMP, parsed.customer_id)
            continue
        if not start <= ended < end:
            if owned and abs((ended.date() - folder_day).days) > STRAGGLER_DAYS:
                batch.quarantine_item(ref, MISFILED, parsed.customer_id)
            continue
        pending.append((ref, parsed))
        if len(pending) >= chunk_size:
            stage(pending)
            pending = []
    if pending:
        stage(pending)
    return batch
