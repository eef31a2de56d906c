"""Counts of conversations per group, as the extract and consent stages see them: counts only, never ids.

The consent join reads every staged conversation once; it counts them here per dimension value (and the
notice versions behind the grants), and the counts ride to the publish step in its XCom results, so the
representation report needs no second pass over raw data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

DIMENSIONS = ("source", "channel", "language", "segment")
UNKNOWN = "unknown"  # a conversation without the field: still counted, so totals reconcile

Counts = dict[str, dict[str, int]]  # dimension -> value -> conversations


def _value(conversation: Mapping[str, Any], dimension: str) -> str:
    value = conversation.get(dimension)
    return str(value) if value not in (None, "") else UNKNOWN


def _bump(counts: Counts, dimension: str, value: str, by: int = 1) -> None:
    row = counts.setdefault(dimension, {})
    row[value] = row.get(value, 0) + by


def count_groups(conversations: Sequence[Mapping[str, Any]], decisions: Sequence[Any]) -> dict[str, Any]:
    """Extracted and consented conversations per dimension value, and the notice versions of the grants.

    ``decisions`` are the consent decisions in the same order (anything with ``granted`` and
    ``notice_version``).
    """
    extracted: Counts = {d: {} for d in DIMENSIONS}
    consented: Counts = {d: {} for d in DIMENSIONS}
    notices: dict[str, int] = {}
    for conversation, decision in zip(conversations, decisions, strict=True):
        for dimension in DIMENSIONS:
            value = _value(conversation, dimension)
            _bump(extracted, dimension, value)
            if decision.granted:
                _bump(consented, dimension, value)
        if decision.granted:
            version = getattr(decision, "notice_version", None) or UNKNOWN
            notices[version] = notices.get(version, 0) + 1
    return {"extracted": _sorted(extracted), "consented": _sorted(consented), "notice_versions": notices}


def merge_groups(results: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """Sum :func:`count_groups` results (missing ones, e.g. from an older run's XCom, count as empty)."""
    extracted: Counts = {d: {} for d in DIMENSIONS}
    consented: Counts = {d: {} for d in DIMENSIONS}
    notices: dict[str, int] = {}
    for result in results:
        if not result:
            continue
        for target, field in ((extracted, "extracted"), (consented, "consented")):
            for dimension, values in result.get(field, {}).items():
                for value, count in values.items():
                    _bump(target, dimension, value, count)
        for version, count in result.get("notice_versions", {}).items():
            notices[version] = notices.get(version, 0) + count
    return {
        "extracted": _sorted(extracted),
        "consented": _sorted(consented),
        "notice_versions": dict(sorted(notices.items())),
    }


def record_groups(record: Mapping[str, Any], dimensions: Iterable[str] = DIMENSIONS) -> dict[str, str]:
    """A curated record's group per dimension (its published values before any generalisation)."""
    return {dimension: _value(record, dimension) for dimension in dimensions}


def _sorted(counts: Counts) -> Counts:
    return {d: dict(sorted(values.items())) for d, values in sorted(counts.items())}
