"""A steward's decision on one item, checked and logged (the CLI and the steward pages both come here).

Checks happen here, before anything is stored: the item is pending, an exclusion names a reason from the
policy's list, a missed-data mark names a known type and a span of the item's own text that is not
already a placeholder. The value under the span is read to check it, never stored or echoed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support_curation.review import items
from support_curation.review.names import MISSED_TYPES, Action, State
from support_curation.review.reredact import PLACEHOLDER

if TYPE_CHECKING:
    from support_curation.config import PipelinePolicy
    from support_curation.review.store import Decision, DecisionStore
    from support_curation.storage import Storage

MIN_VALUE = 2


class InvalidDecision(ValueError):
    """The decision cannot be taken as given (message: never the item's text)."""


def parse_span(text: str) -> tuple[int, int]:
    """``START:END`` as two offsets."""
    try:
        start, end = (int(part) for part in text.split(":", 1))
    except ValueError:
        raise InvalidDecision("a span is START:END, two offsets into the item's text") from None
    return start, end


def check_span(record: dict[str, Any], span: tuple[int, int]) -> None:
    start, end = span
    text = items.item_text(record)
    if not 0 <= start < end <= len(text):
        raise InvalidDecision(f"span {start}:{end} is outside the item's text (0:{len(text)})")
    if not any(s <= start and end <= e for s, e in items.message_offsets(record)):
        raise InvalidDecision("a span must lie within one message")
    if len(text[start:end].strip()) < MIN_VALUE:
        raise InvalidDecision(f"a marked value needs at least {MIN_VALUE} characters")
    if any(start < e and s < end for s, e in (m.span() for m in PLACEHOLDER.finditer(text))):
        raise InvalidDecision("the span covers a placeholder: it is redacted already")


def decide(
    storage: Storage,
    store: DecisionStore,
    policy: PipelinePolicy,
    *,
    dataset: str,
    item: str,
    action: Action | str,
    who: str,
    reason: str | None = None,
    entity_type: str | None = None,
    span: tuple[int, int] | None = None,
) -> Decision:
    """Check and record one decision; it takes effect when decisions are applied."""
    action = Action(action)
    found = items.find_item(storage, dataset, item)
    if found is None:
        raise InvalidDecision(f"no review item {item!r}" if item.startswith("rv-") else "no such review item")
    if found["state"] != State.PENDING:
        raise InvalidDecision(f"item {item} is {found['state']}, not pending")
    if action is Action.EXCLUDE and reason not in policy.review.exclude_reasons:
        raise InvalidDecision(f"exclude needs a reason from: {', '.join(policy.review.exclude_reasons)}")
    if action is Action.MISSED:
        if entity_type not in MISSED_TYPES:
            raise InvalidDecision(f"missed needs a type from: {', '.join(MISSED_TYPES)}")
        if span is None:
            raise InvalidDecision("missed needs --span START:END")
        check_span(found["record"], span)
    return store.record(item=found, action=action, who=who, reason=reason, entity_type=entity_type, span=span)
