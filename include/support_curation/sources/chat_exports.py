"""Chat exports: ``chats/dt=YYYY-MM-DD/*.jsonl`` (or ``.jsonl.gz``, any case) files, one chat per line.

Every line is accounted for exactly once across runs:

- a chat belongs to the interval its ``ended_at`` falls in (UTC), not to its folder: each run also reads
  the neighbouring ``dt=`` folders for stragglers (a late export, a time zone that moves the chat into
  the next UTC day);
- a line that cannot be read (bad encoding, not JSON, too deep, wrong shape, no readable ``ended_at``)
  belongs to the run of its own folder, which quarantines it with a reason;
- a chat filed more than a day away from its ``ended_at`` is quarantined by its folder's run
  (``misfiled``), since no run would look for it there;
- files that do not follow the naming, or cannot be read (a link out of the landing root, a broken
  gzip), are quarantined as files by their folder's run.

Quarantine references are hashes of the file name plus a line number: file names and chat ids can hold
personal data (an exporter that names files after the customer's email), so neither is ever written.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from support_curation.layout import partition_name
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
    rows_by_key,
)
from support_curation.sources.contract import CHAT, stage_conversation
from support_curation.sources.helpdesk_schema import agents, customers
from support_curation.sources.timestamps import TimestampError, parse_timestamp, zone

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import tzinfo

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage


class Thread(Protocol):
    """What staging reads of any exported thread (a chat, a social thread)."""

    @property
    def customer_id(self) -> str | None: ...
    @property
    def ended_at(self) -> Any: ...
    @property
    def messages(self) -> Sequence[Any]: ...


T = TypeVar("T", bound=Thread)
SOURCE = CHAT
LANDING_FOLDER = "chats"
# an export file: any name ending .jsonl or .jsonl.gz, in any letter case
EXPORT_FILE = re.compile(r"[^/]+\.jsonl(\.gz)?", re.IGNORECASE)
# a chat may sit at most this many days from its ended_at day and still be found by its run
STRAGGLER_DAYS = 1


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")  # unknown fields are minimised away, not an error

    sender: str | None = None  # roles the policy does not keep (system, unknown) are dropped
    agent_id: str | None = None
    text: str | None = None


class ChatExport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    chat_id: str
    customer_id: str | None = None  # missing: quarantined by the contract (no consent can be found)
    ended_at: str | int | float | datetime | None = None  # read by the one timestamp parser
    messages: list[ChatMessage]


def _days(start: datetime, end: datetime) -> list[date]:
    """The UTC days ``[start, end)`` touches."""
    first = start.astimezone(UTC).date()
    last = (end.astimezone(UTC) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def partition_prefixes(start: datetime, end: datetime) -> list[str]:
    """The ``dt=`` folders of the days ``[start, end)`` touches: this run owns what is filed there."""
    return [f"{LANDING_FOLDER}/{partition_name(day)}/" for day in _days(start, end)]


def _folders(start: datetime, end: datetime) -> list[tuple[date, bool]]:
    """Every folder to read, with whether this run owns it (own days, then the neighbours either side)."""
    own = _days(start, end)
    before = [own[0] - timedelta(days=n) for n in range(STRAGGLER_DAYS, 0, -1)]
    after = [own[-1] + timedelta(days=n) for n in range(1, STRAGGLER_DAYS + 1)]
    return [(d, False) for d in before] + [(d, True) for d in own] + [(d, False) for d in after]


def _file_lines(landing: Storage, key: str) -> Iterator[bytes]:
    if key.lower().endswith(".gz"):
        # compressed exports are read whole (they are small) and decompressed as a stream
        with gzip.GzipFile(fileobj=io.BytesIO(landing.get_bytes(key))) as handle:
            for line in handle:
                yield from line.splitlines()
    else:
        yield from landing.iter_lines(key)  # streamed: exports are big


# what a file that cannot be read raises: a key that escapes the landing root (a symlink out of it),
# a broken gzip, a folder or a file the worker may not read; network errors still fail the task (retry)
_UNREADABLE = (ValueError, EOFError, zlib.error, gzip.BadGzipFile, PermissionError, IsADirectoryError)


# "ended_at": "<text>" or a number, as an exporter writes it at the top level of a chat
# (a number must end where the value ends: "1.7e9" is not read as 1.7)
_ENDED_AT = re.compile(rb'"ended_at"\s*:\s*(?:"([^"\\]{1,64})"|(-?\d{1,16}(?:\.\d+)?)(?=\s*[,}\]]))')


def _ends_elsewhere(line: bytes, start: datetime, end: datetime, naive_tz: tzinfo) -> bool:
    """True when a neighbouring folder's line surely ended outside ``[start, end)``: skip its parsing.

    Most lines of a neighbouring folder belong to its own day, so they are not parsed three times.
    Only a line with exactly one readable ``ended_at`` outside the interval is skipped; anything
    unclear is parsed in full (a neighbour's unreadable lines are not this run's to count anyway).
    """
    found = _ENDED_AT.findall(line)
    if len(found) != 1 or line.count(b'"ended_at"') != 1:
        return False
    text, number = found[0]
    try:
        value: object = text.decode("ascii") if text else (float(number) if b"." in number else int(number))
        ended = parse_timestamp(value, naive_tz)
    except (UnicodeDecodeError, TimestampError, ValueError):
        return False
    return not start <= ended < end


def _parse(line: bytes) -> ChatExport | str:
    """The chat, or the quarantine reason (never the content, never the parser's message)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_ENCODING
    try:
        payload = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return MALFORMED_JSON
    try:
        chat = ChatExport.model_validate(payload)
    except (ValidationError, RecursionError):
        return SCHEMA_ERROR
    if not is_encodable(chat.chat_id):  # "\ud800" in JSON decodes to a lone surrogate
        return BAD_ENCODING
    return chat


@dataclass(frozen=True)
class ThreadExport(Generic[T]):
    """One kind of thread export (chats, social threads): where its files land and how a line is read.

    Every kind is read, placed by ``ended_at`` and staged the same way; only the folder, the line model
    and three facts of a thread (its id, its channel, extra known identifiers) differ.
    """

    source: str
    folder: str
    parse: Callable[[bytes], T | str]
    source_id: Callable[[T], str]
    channel: Callable[[T], str | None]
    extra_identifiers: Callable[[T], dict[str, list[str]] | None] = lambda _thread: None


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
    return extract_threads(
        CHATS,
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


def extract_threads(
    kind: ThreadExport[T],
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
    """Stage every thread of one export kind that ended in ``[start, end)``."""
    batch = ExtractBatch(staging=staging, prefix=prefix, chunk_size=chunk_size, hmac_key=hmac_key)
    naive_tz = zone(policy.naive_timezone)
    pending: list[tuple[str, Any]] = []

    def stage(pending: list[tuple[str, Any]]) -> None:
        with engine.connect() as conn:
            people = rows_by_key(
                conn, customers, customers.c.customer_id, {t.customer_id for _, t in pending}
            )
            staff_ids = {m.agent_id for _, t in pending for m in t.messages if m.agent_id}
            staff = rows_by_key(conn, agents, agents.c.agent_id, staff_ids)
        for ref, thread in pending:
            involved = sorted({m.agent_id for m in thread.messages if m.agent_id})
            outcome = stage_conversation(
                source=kind.source,
                source_id=kind.source_id(thread),
                customer_id=thread.customer_id,
                channel=kind.channel(thread),
                turns=((m.sender, m.text) for m in thread.messages),
                customer=people.get(thread.customer_id) if thread.customer_id else None,
                agents=[staff[a] for a in involved if a in staff],
                extra_identifiers=kind.extra_identifiers(thread),
                policy=policy,
                hmac_key=hmac_key,
            )
            batch.take(ref, outcome, thread.customer_id)

    for ref, owned, folder_day, parsed in _read(kind, landing, start, end, batch, naive_tz):
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
            continue  # another interval's thread: the run of its ended_at day finds it here
        pending.append((ref, parsed))
        if len(pending) >= chunk_size:
            stage(pending)
            pending = []
    if pending:
        stage(pending)
    return batch


def _read(
    kind: ThreadExport[T],
    landing: Storage,
    start: datetime,
    end: datetime,
    batch: ExtractBatch,
    naive_tz: tzinfo,
) -> Iterator[tuple[str, bool, date, T | str]]:
    """``(ref, owned, folder day, thread or reason)`` for every non-blank line of every folder to read.

    Files of this run's own folders that are misnamed or unreadable are quarantined here, as files.
    """
    for day, owned in _folders(start, end):
        for key in landing.list(f"{kind.folder}/{partition_name(day)}/"):
            file_ref = opaque_ref(key)
            if not EXPORT_FILE.fullmatch(key.rsplit("/", 1)[-1]):
                if owned:
                    batch.quarantine_item(file_ref, UNEXPECTED_FILE)
                continue
            try:
                for number, line in enumerate(_file_lines(landing, key), start=1):
                    if not line.strip() or (not owned and _ends_elsewhere(line, start, end, naive_tz)):
                        continue
                    yield f"{file_ref}:{number}", owned, day, kind.parse(line)
            except _UNREADABLE:
                if owned:  # the lines read before the failure are counted already; the rest with the file
                    batch.quarantine_item(file_ref, UNREADABLE_FILE)


CHATS: ThreadExport[ChatExport] = ThreadExport(
    source=SOURCE,
    folder=LANDING_FOLDER,
    parse=_parse,
    source_id=lambda chat: chat.chat_id,
    channel=lambda _chat: CHAT,
)
