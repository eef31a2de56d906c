"""Re-identification risk of the published metadata: k-anonymity over record-level quasi-identifiers.

A reader who knows that a customer wrote in on a given day, by phone, in British English, as a premium
customer, about a health matter, may find the one record that fits, even with every name redacted. The
rule: every combination of quasi-identifier values that is published is shared by at least ``k_min``
records. The policy's actions apply in order, each to the records still in groups under ``k_min``
(local recoding: only those records change): generalise a field (segment -> ``other``, flags ->
``[sensitive_topic]``, ``en-GB`` -> ``en``, channel -> its consent scope -> ``other``), and finally
suppress.

Decisions depend only on the counts of distinct combinations, so they are planned from a small table,
not from the records; every record with the same combination gets the same fate, deterministically.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from support_curation.config import AuditPolicy

OTHER_SEGMENT = "other"
GENERALISED_FLAG = "sensitive_topic"
ANY_CHANNEL = "other"
_LIST_FIELDS = frozenset({"flags"})

Combination = tuple[str, ...]


class KAnonymityNotMet(RuntimeError):
    """Groups under k_min remain and the policy has no suppress step: publish nothing. Counts only."""


def qi_value(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    if name in _LIST_FIELDS:
        return "+".join(sorted(value or []))
    return "" if value is None else str(value)


def combination(record: Mapping[str, Any], quasi_identifiers: Iterable[str]) -> Combination:
    """The record's quasi-identifier values, in the policy's order."""
    return tuple(qi_value(record, name) for name in quasi_identifiers)


def generalise_value(name: str, value: str, scope_by_channel: Mapping[str, str]) -> str:
    """One level up the field's hierarchy (a value already at the top stays)."""
    if name == "segment":
        return OTHER_SEGMENT
    if name == "flags":
        return GENERALISED_FLAG if value else value
    if name == "language":
        return value.split("-", 1)[0]
    if name == "channel":
        # channel -> its consent scope (email, web -> tickets) -> any; a channel that is its own scope
        # (chat) goes straight to any
        scope = scope_by_channel.get(value)
        return scope if scope is not None and scope != value else ANY_CHANNEL
    raise ValueError(f"no generalisation for quasi-identifier {name!r}")


@dataclass
class KAnonymityPlan:
    """What happens to each distinct combination: its published combination, or None (suppressed)."""

    quasi_identifiers: list[str]
    k_min: int
    fate: dict[Combination, Combination | None]
    before: Counter[Combination]
    steps: list[dict[str, Any]] = field(default_factory=list)

    def published_counts(self) -> Counter[Combination]:
        after: Counter[Combination] = Counter()
        for original, count in self.before.items():
            final = self.fate[original]
            if final is not None:
                after[final] += count
        return after

    def suppressed(self, original: Combination) -> bool:
        return self.fate[original] is None

    def apply(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """The record as published (generalised fields replaced), or None when it is suppressed."""
        original = combination(record, self.quasi_identifiers)
        final = self.fate[original]
        if final is None:
            return None
        if final == original:
            return record
        changed = dict(record)
        for name, old, new in zip(self.quasi_identifiers, original, final, strict=True):
            if old != new:
                changed[name] = [new] if name in _LIST_FIELDS and new else new
        return changed

    def report(self) -> dict[str, Any]:
        """Counts only: group sizes before and after, what each step changed, whether k holds."""
        after = self.published_counts()
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "k_min": self.k_min,
            "before": _summary(self.before, self.k_min),
            "steps": list(self.steps),
            "after": _summary(after, self.k_min),
            "suppressed": sum(c for o, c in self.before.items() if self.fate[o] is None),
            "generalised": sum(
                c for o, c in self.before.items() if self.fate[o] is not None and self.fate[o] != o
            ),
            "k_met": all(c >= self.k_min for c in after.values()),
        }


def _summary(counts: Counter[Combination], k_min: int) -> dict[str, Any]:
    small = {c: n for c, n in counts.items() if n < k_min}
    return {
        "records": sum(counts.values()),
        "groups": len(counts),
        "min_k": min(counts.values(), default=0),
        "groups_below_k": len(small),
        "records_below_k": sum(small.values()),
    }


def plan_k_anonymity(
    combinations: Counter[Combination], policy: AuditPolicy, scope_by_channel: Mapping[str, str]
) -> KAnonymityPlan:
    """Plan the policy's actions over the partition's combination counts (see the module doc)."""
    names = list(policy.quasi_identifiers)
    fate: dict[Combination, Combination | None] = {c: c for c in combinations}
    plan = KAnonymityPlan(names, policy.k_min, fate, Counter(combinations))
    for step in policy.actions:
        current = plan.published_counts()
        small = [o for o, f in fate.items() if f is not None and current[f] < policy.k_min]
        if not small:
            break
        records = sum(combinations[o] for o in small)
        if step.action == "suppress":
            for original in small:
                fate[original] = None
        else:
            if step.field not in names:
                continue  # a policy may generalise a field it does not treat as identifying: nothing to do
            index = names.index(step.field)
            for original in small:
                final = fate[original]
                assert final is not None
                value = generalise_value(step.field, final[index], scope_by_channel)
                fate[original] = (*final[:index], value, *final[index + 1 :])
        plan.steps.append({"action": step.action, "field": step.field, "records": records})
    if not all(n >= policy.k_min for n in plan.published_counts().values()):
        raise KAnonymityNotMet(
            f"{plan.report()['after']['records_below_k']} records stay in groups under k_min="
            f"{policy.k_min} and the policy has no suppress step"
        )
    return plan


def min_k(records: Iterable[Mapping[str, Any]], quasi_identifiers: Iterable[str]) -> int:
    """The smallest group size among records (0 for none): what an auditor checks on a published set."""
    names = list(quasi_identifiers)
    counts = Counter(combination(r, names) for r in records)
    return min(counts.values(), default=0)
