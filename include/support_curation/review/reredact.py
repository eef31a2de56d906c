"""Missed personal data, redacted after the fact: each marked value becomes a deny-list entry.

The value goes through the redactor's own machinery, so it is found as the redactor finds a record's known
identifiers (any case and spacing, numbers with any separators: ``redaction.known``) and propagated as
the redactor propagates (a marked full name also takes its parts: ``redaction.propagation``). Mentions
become placeholders numbered after the conversation's existing ones of that kind, so ``<PERSON_1>``
keeps meaning the person it meant; the placeholders already in the text are never touched.

Fail closed: if any mention is still found after the replacement, the record is not returned.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")


class ValueStillPresent(RuntimeError):
    """A marked value survived re-redaction (message: counts only)."""


def _find(texts: list[str], values: Mapping[str, Sequence[str]]) -> list[list[Any]]:
    from support_curation.redaction.known import known_recognizers, known_spans
    from support_curation.redaction.placeholders import merge
    from support_curation.redaction.propagation import propagate

    spans = known_spans(known_recognizers({k: list(v) for k, v in values.items()}), texts)
    propagate(texts, spans)
    kept = []
    for text, text_spans in zip(texts, spans, strict=True):
        protected = [m.span() for m in PLACEHOLDER.finditer(text)]
        clear = [s for s in merge(text_spans) if not any(s.start < e and b < s.end for b, e in protected)]
        kept.append(clear)
    return kept


def _could_mention(texts: list[str], values: Mapping[str, Sequence[str]]) -> bool:
    """False only when no value (nor a part of it, as propagation would take) can be in the texts: a
    substring test that spares the pattern search on the records that cannot hold one (most of them)."""
    lowered = "\n".join(texts).lower()
    digits = re.sub(r"\D", "", lowered)
    for value in (v for vs in values.values() for v in vs):
        value_digits = re.sub(r"\D", "", value)
        if len(value_digits) >= 7 and digits.count(value_digits[-7:]):
            return True
        if any(part in lowered for part in re.split(r"\W+", value.lower()) if len(part) >= 2):
            return True
    return False


def redact_values(
    messages: Sequence[Mapping[str, Any]],
    values: Mapping[str, Sequence[str]],
    placeholder_names: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The messages with every mention of the values (``{TYPE: [value, ...]}``) replaced, and how many
    placeholders of each kind were written. Messages without a mention come back unchanged."""
    from support_curation.redaction.placeholders import replace

    texts = [str(m.get("content") or "") for m in messages]
    if not _could_mention(texts, values):
        return [dict(m) for m in messages], {}
    spans = _find(texts, values)
    if not any(spans):
        return [dict(m) for m in messages], {}
    numbers: dict[str, int] = {}
    for text in texts:
        for match in PLACEHOLDER.finditer(text):
            numbers[match.group(1)] = max(numbers.get(match.group(1), 0), int(match.group(2)))
    # the redactor's own replacement (one placeholder per value, parts of a full name with it), numbered
    # after the placeholders the published text already holds
    out, counts = replace(texts, spans, placeholder_names or {}, after=numbers)
    if any(_find(out, values)):
        raise ValueStillPresent(f"a marked value survived re-redaction in {len(out)} messages")
    redacted = [dict(m) | {"content": new} for m, new in zip(messages, out, strict=True)]
    return redacted, dict(sorted(counts.items()))


def redact_record(
    record: dict[str, Any],
    values: Mapping[str, Sequence[str]],
    placeholder_names: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], int]:
    """A curated record with the values redacted (entity counts updated); and how many mentions went."""
    messages, counts = redact_values(record.get("messages") or [], values, placeholder_names)
    if not counts:
        return record, 0
    entities = dict(record.get("entities") or {})
    for kind, count in counts.items():
        entities[kind] = entities.get(kind, 0) + count
    return record | {"messages": messages, "entities": dict(sorted(entities.items()))}, sum(counts.values())
