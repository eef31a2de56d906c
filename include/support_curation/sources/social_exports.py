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

from support_curation.sources.chat_exports import ThreadExport, extract_threads
from support_curation.sources.common import (
    BAD_ENCODING,
    MALFORMED_JSON,
    SCHEMA_ERROR,
    ExtractBatch,
    is_encodable,
    person_identifiers,
)

if TYPE_CHECKING:
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


SOCIAL: ThreadExport[SocialThread] = ThreadExport(
    source=SOURCE,
    folder=LANDING_FOLDER,
    parse=_parse,
    source_id=lambda thread: thread.thread_id,
    channel=lambda thread: thread.channel,  # social | messaging: the policy maps it to a consent scope
    extra_identifiers=author_identifiers,
)


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
    return extract_threads(
        SOCIAL,
        landing,
        engine,
        start=start,
        end=end,
        policy=policy,
        hmac_key=hmac_key,
        staging=staging,
        prefix=prefix,
        chunk_size=chunk_size,
    )
