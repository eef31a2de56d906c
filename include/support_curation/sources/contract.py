"""The staged-conversation contract every source produces, and the consent scope of a conversation.

Both sources hand their minimised conversations to :func:`stage_conversation`, so the staged record is
built in one place; the lifecycle asks :func:`scope_for` which consent scope a published record needed,
so extraction and enforcement cannot disagree about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from support_curation.records import record_id
from support_curation.sources.common import (
    BAD_ENCODING,
    MESSAGE_TOO_LONG,
    NO_USABLE_MESSAGES,
    SCHEMA_ERROR,
    TOO_MANY_MESSAGES,
    UNKNOWN_SCOPE,
    agent_identifiers,
    clean_text,
    customer_identifiers,
    is_encodable,
    merge_identifiers,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from support_curation.config import PipelinePolicy

CHAT = "chat"
TICKETS = "tickets"


def scope_for(source: str | None, channel: object, scope_by_channel: Mapping[str, str]) -> str | None:
    """The consent scope a conversation needs; None when the policy does not map its channel.

    There is no fallback scope: a channel the policy does not know ("Phone", "voice", NULL) could be a
    voice call whose customer refused voice consent, so it is excluded (``unknown_scope``), never
    treated as a ticket.
    """
    key = CHAT if source == CHAT else channel
    if not isinstance(key, str):
        return None
    return scope_by_channel.get(key)


@dataclass(frozen=True, slots=True)
class StagedConversation:
    """One minimised conversation in staging (raw text: staging only, never logged)."""

    record_id: str
    source: str
    customer_id: str
    channel: str
    scope: str
    language: str | None
    segment: str | None
    messages: list[dict[str, str]]  # [{"role", "content"}]
    known_identifiers: dict[str, list[str]]  # {TYPE: [values]}, for redaction and the residual-PII gate

    def as_dict(self) -> dict[str, Any]:
        """The staged row as written to a chunk file (and read back by consent join and redaction)."""
        return {
            "record_id": self.record_id,
            "source": self.source,
            "customer_id": self.customer_id,
            "channel": self.channel,
            "scope": self.scope,
            "language": self.language,
            "segment": self.segment,
            "messages": self.messages,
            "known_identifiers": self.known_identifiers,
        }


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why a conversation is not staged: ``quarantined`` for bad input, else excluded (nothing to use)."""

    reason: str
    quarantined: bool


class BadText(ValueError):
    """A message body that is not clean text; ``reason`` is the quarantine reason. Carries no content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def message_text(value: object) -> str:
    """A message body as clean text, or :class:`BadText` (a BLOB, a number, a lone surrogate)."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise BadText(BAD_ENCODING) from None
    if not isinstance(value, str):
        raise BadText(SCHEMA_ERROR)
    if not is_encodable(value):
        raise BadText(BAD_ENCODING)
    return clean_text(value)


def stage_conversation(
    *,
    source: str,
    source_id: str,
    customer_id: object,
    channel: object,
    turns: Iterable[tuple[object, object]],
    customer: Mapping[str, Any] | None,
    agents: Iterable[Mapping[str, Any]],
    extra_identifiers: Mapping[str, list[str]] | None,
    policy: PipelinePolicy,
    hmac_key: str,
) -> StagedConversation | Rejected:
    """Minimise one conversation's ``(author role, body)`` turns into the staged record, or say why not.

    Roles the policy does not map (``system``, unknown) are dropped, as the policy says, without
    affecting the rest of the conversation.
    """
    if not isinstance(customer_id, str) or not customer_id or not is_encodable(customer_id):
        return Rejected(SCHEMA_ERROR, quarantined=True)  # no customer: no consent can be looked up
    roles = policy.minimise.roles
    messages = []
    try:
        for role, body in turns:
            if not isinstance(role, str) or role not in roles:
                continue
            text = message_text(body)
            if text.strip():
                messages.append({"role": roles[role], "content": text})
    except BadText as bad:
        return Rejected(bad.reason, quarantined=True)
    scope = scope_for(source, channel, policy.scope_by_channel)
    if not messages:
        return Rejected(NO_USABLE_MESSAGES, quarantined=False)
    if scope is None:
        return Rejected(UNKNOWN_SCOPE, quarantined=False)
    if len(messages) > policy.limits.max_messages:
        return Rejected(TOO_MANY_MESSAGES, quarantined=True)
    if any(len(m["content"]) > policy.limits.max_message_chars for m in messages):
        return Rejected(MESSAGE_TOO_LONG, quarantined=True)
    return StagedConversation(
        record_id=record_id(hmac_key, source, source_id),
        source=source,
        customer_id=customer_id,
        channel=channel if isinstance(channel, str) else "",
        scope=scope,
        language=customer["language"] if customer else None,
        segment=customer["segment"] if customer else None,
        messages=messages,
        known_identifiers=merge_identifiers(
            customer_identifiers(customer), agent_identifiers(agents), extra_identifiers or {}
        ),
    )
