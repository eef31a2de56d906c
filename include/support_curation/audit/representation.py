"""Representation: does consent filtering, redaction or suppression skew who is in the training set?

For every group (a value of a dimension: segment, language, channel, source) the report compares its
share of what was extracted with its share of what was published. The representation ratio is
published share / extracted share: 1 means the pipeline kept the group as often as the others, the
four-fifths rule asks for 0.8-1.25. Bounds run as expectations with the policy's action (``warn``
flags, ``block`` stops publication); drift compares published shares with the trailing released
partitions. Everything here is counts; no record, id or text comes in or goes out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from support_curation.config import AuditPolicy

Counts = dict[str, dict[str, int]]
RATIO_EXPECTATION = "expect_representation_ratio_between"
SIZE_EXPECTATION = "expect_group_extracted_at_least"
DRIFT_EXPECTATION = "expect_published_share_change_at_most"


class RepresentationBlocked(RuntimeError):
    """A representation bound with action ``block`` failed: nothing is published. Message: groups only."""


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


STAGES = ("consent", "after_consent", "k_anonymity")  # where a group's conversations can be lost


def _losses(extracted: int, consented: int, published: int, suppressed: int) -> dict[str, float]:
    """Share of the extracted conversations lost at each stage."""
    if not extracted:
        return dict.fromkeys(STAGES, 0.0)
    return {
        "consent": (extracted - consented) / extracted,
        "after_consent": (consented - published - suppressed) / extracted,
        "k_anonymity": suppressed / extracted,
    }


def _kept_rate_p_value(n_group: int, kept_group: int, n_all: int, kept_all: int) -> float:
    """Two-sided p-value that the group's kept rate (published / extracted) equals everyone else's.

    A two-proportion z-test: at a few dozen conversations a day, a ratio outside 0.8-1.25 is often
    chance; the rule flags a group only when its rate differs beyond what chance explains.
    """
    n_rest, kept_rest = n_all - n_group, kept_all - kept_group
    if n_group <= 0 or n_rest <= 0:
        return 1.0
    pooled = kept_all / n_all
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_group + 1 / n_rest))
    if spread == 0:
        return 1.0
    z = (kept_group / n_group - kept_rest / n_rest) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def group_rows(
    dimension: str,
    extracted: Mapping[str, int],
    consented: Mapping[str, int],
    published: Mapping[str, int],
    suppressed: Mapping[str, int],
    policy: AuditPolicy,
) -> list[dict[str, Any]]:
    """One row per value of a dimension: counts, shares, rates, ratios, verdict and its likely cause.

    The cause of a flagged group is the stage whose loss rate for the group departs most from the
    overall one (consent, after consent: redaction and validation, or k-anonymity suppression).
    """
    total_extracted = sum(extracted.values())
    total_consented = sum(consented.values())
    total_published = sum(published.values())
    overall = _losses(total_extracted, total_consented, total_published, sum(suppressed.values()))
    bounds = policy.bounds
    rows = []
    for value in sorted(set(extracted) | set(published)):
        n_extracted, n_published = extracted.get(value, 0), published.get(value, 0)
        n_consented, n_suppressed = consented.get(value, 0), suppressed.get(value, 0)
        extracted_share = _share(n_extracted, total_extracted)
        consented_share = _share(n_consented, total_consented)
        published_share = _share(n_published, total_published)
        ratio = published_share / extracted_share if extracted_share and published_share is not None else None
        consent_ratio = (
            consented_share / extracted_share if extracted_share and consented_share is not None else None
        )
        losses = _losses(n_extracted, n_consented, n_published, n_suppressed)
        excess = {stage: losses[stage] - overall[stage] for stage in STAGES}
        cause = None
        p_value = _kept_rate_p_value(n_extracted, n_published, total_extracted, total_published)
        if n_extracted < bounds.min_group:
            status = "too_small"  # a handful of conversations says nothing about a skew
        elif ratio is not None and bounds.ratio_min <= ratio <= bounds.ratio_max:
            status = "ok"
        elif bounds.significance is not None and p_value > bounds.significance:
            status = "not_significant"  # outside the bounds, but a coin could have done it
        else:
            status = "flagged"
            under = ratio is None or ratio < bounds.ratio_min
            cause = (max if under else min)(STAGES, key=lambda stage: excess[stage])
        rows.append(
            {
                "dimension": dimension,
                "value": value,
                "extracted": n_extracted,
                "consented": n_consented,
                "published": n_published,
                "k_suppressed": n_suppressed,
                "extracted_share": None if extracted_share is None else round(extracted_share, 4),
                "published_share": None if published_share is None else round(published_share, 4),
                "ratio": None if ratio is None else round(ratio, 3),
                "consent_ratio": None if consent_ratio is None else round(consent_ratio, 3),
                # why a group's conversations did not make it: consent, then redaction/validation, then k
                "consent_exclusion_rate": _rate(n_extracted - n_consented, n_extracted),
                "after_consent_loss_rate": _rate(n_consented - n_published - n_suppressed, n_extracted),
                "k_suppression_rate": _rate(n_suppressed, n_extracted),
                "p_value": round(p_value, 4),
                "status": status,
                "cause": cause,
            }
        )
    return rows


def trailing_shares(previous: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Published shares per dimension value, pooled over earlier partitions' representation reports."""
    pooled: Counts = {}
    for report in previous:
        for dimension, rows in report.get("dimensions", {}).items():
            for row in rows:
                target = pooled.setdefault(dimension, {})
                target[row["value"]] = target.get(row["value"], 0) + int(row["published"])
    shares: dict[str, dict[str, float]] = {}
    for dimension, values in pooled.items():
        total = sum(values.values())
        if total:
            shares[dimension] = {v: c / total for v, c in sorted(values.items())}
    return shares


def representation_report(
    *,
    groups: Mapping[str, Any],
    published: Counts,
    suppressed: Counts,
    flags: Mapping[str, int],
    unattributed: int,
    policy: AuditPolicy,
    previous: Sequence[Mapping[str, Any]] = (),
    previous_partitions: Sequence[str] = (),
) -> dict[str, Any]:
    """The partition's representation report (JSON-ready): tables, expectations, drift, flagged groups.

    Args:
        groups: merged extract/consent counts (:func:`support_curation.audit.groups.merge_groups`).
        published: records written, per dimension value (true values, before generalisation).
        suppressed: records dropped by k-anonymity, per dimension value.
        flags: published records per sensitive-topic flag.
        unattributed: conversations set aside at extract (bad input) before any group was known.
        previous: earlier partitions' reports within the drift window, for the trailing shares.
    """
    dimensions: dict[str, list[dict[str, Any]]] = {}
    expectations: list[dict[str, Any]] = []
    bounds = policy.bounds
    for dimension in policy.dimensions:
        rows = group_rows(
            dimension,
            groups.get("extracted", {}).get(dimension, {}),
            groups.get("consented", {}).get(dimension, {}),
            published.get(dimension, {}),
            suppressed.get(dimension, {}),
            policy,
        )
        dimensions[dimension] = rows
        for row in rows:
            if row["status"] == "too_small":
                expectations.append(
                    {
                        "expectation": SIZE_EXPECTATION,
                        "dimension": dimension,
                        "value": row["value"],
                        "observed": row["extracted"],
                        "min": bounds.min_group,
                        "success": False,
                        "action": "warn",  # too small to judge is a caveat, never a reason to block
                    }
                )
                continue
            expectations.append(
                {
                    "expectation": RATIO_EXPECTATION,
                    "dimension": dimension,
                    "value": row["value"],
                    "observed": row["ratio"],
                    "min": bounds.ratio_min,
                    "max": bounds.ratio_max,
                    "success": row["status"] in ("ok", "not_significant"),
                    "p_value": row["p_value"],
                    "action": bounds.action,
                }
            )
    drift = _drift(dimensions, trailing_shares(previous), policy)
    expectations += drift["expectations"]
    failed = [e for e in expectations if not e["success"]]
    totals = {
        "extracted": sum(groups.get("extracted", {}).get("source", {}).values()) + unattributed,
        "unattributed": unattributed,
        "consented": sum(groups.get("consented", {}).get("source", {}).values()),
        "published": sum(published.get("source", {}).values()),
        "k_suppressed": sum(suppressed.get("source", {}).values()),
    }
    return {
        "totals": totals,
        "dimensions": dimensions,
        "flags": dict(sorted(flags.items())),
        "notice_versions": dict(groups.get("notice_versions", {})),
        "bounds": bounds.model_dump(),
        "expectations": expectations,
        "drift": {
            "window_days": policy.drift.window_days,
            "max_share_change": policy.drift.max_share_change,
            "partitions": list(previous_partitions),
            "changes": drift["changes"],
        },
        "flagged": _names(e for e in failed if e["expectation"] == RATIO_EXPECTATION),
        "flagged_by_cause": _by_cause(dimensions),
        "drifted": _names(e for e in failed if e["expectation"] == DRIFT_EXPECTATION),
        "too_small": [
            f"{e['dimension']}={e['value']}" for e in failed if e["expectation"] == SIZE_EXPECTATION
        ],
        "blocked": any(e["action"] == "block" for e in failed),
        "success": not failed,
    }


def _names(expectations: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(f"{e['dimension']}={e['value']}" for e in expectations))


def _by_cause(dimensions: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Flagged groups by the stage that most likely skewed them."""
    causes: dict[str, list[str]] = {}
    for rows in dimensions.values():
        for row in rows:
            if row["cause"]:
                causes.setdefault(row["cause"], []).append(f"{row['dimension']}={row['value']}")
    return dict(sorted(causes.items()))


def _drift(
    dimensions: Mapping[str, list[dict[str, Any]]],
    trailing: Mapping[str, Mapping[str, float]],
    policy: AuditPolicy,
) -> dict[str, Any]:
    changes: list[dict[str, Any]] = []
    expectations: list[dict[str, Any]] = []
    limit = policy.drift.max_share_change
    for dimension, rows in dimensions.items():
        before = trailing.get(dimension)
        if not before:
            continue  # the first partition has nothing to drift from
        for row in rows:
            share = row["published_share"] or 0.0
            change = round(share - before.get(row["value"], 0.0), 4)
            changes.append({"dimension": dimension, "value": row["value"], "change": change})
            expectations.append(
                {
                    "expectation": DRIFT_EXPECTATION,
                    "dimension": dimension,
                    "value": row["value"],
                    "observed": change,
                    "max": limit,
                    "success": abs(change) <= limit,
                    "action": policy.drift.action,
                }
            )
    return {"changes": changes, "expectations": expectations}


def window_report(reports: Sequence[Mapping[str, Any]], policy: AuditPolicy) -> dict[str, Any]:
    """Representation over a release window: the partitions' counts summed, ratios recomputed."""
    sums: dict[str, Counts] = {"extracted": {}, "consented": {}, "published": {}, "suppressed": {}}
    flags: dict[str, int] = {}
    notices: dict[str, int] = {}
    unattributed = 0
    for report in reports:
        unattributed += int(report.get("totals", {}).get("unattributed", 0))
        for flag, count in report.get("flags", {}).items():
            flags[flag] = flags.get(flag, 0) + count
        for version, count in report.get("notice_versions", {}).items():
            notices[version] = notices.get(version, 0) + count
        for dimension, rows in report.get("dimensions", {}).items():
            for row in rows:
                for field, target in (
                    ("extracted", "extracted"),
                    ("consented", "consented"),
                    ("published", "published"),
                    ("k_suppressed", "suppressed"),
                ):
                    bucket = sums[target].setdefault(dimension, {})
                    bucket[row["value"]] = bucket.get(row["value"], 0) + int(row.get(field, 0))
    groups = {"extracted": sums["extracted"], "consented": sums["consented"], "notice_versions": notices}
    return representation_report(
        groups=groups,
        published=sums["published"],
        suppressed=sums["suppressed"],
        flags=flags,
        unattributed=unattributed,
        policy=policy,
    )
