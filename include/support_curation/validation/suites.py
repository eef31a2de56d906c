"""Expectation suites, in code, named by what they protect.

Row-level checks are declared once in :data:`ROW_CHECKS`; the same table builds the GX
expectations and finds the failing record ids with pandas, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from support_curation.validation.frame import (
    FRAME_COLUMNS,
    HIT_COLUMNS,
    RESIDUAL_COLUMN,
    RESIDUAL_DETECTORS,
)

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite
    from great_expectations.expectations import Expectation

RESIDUAL_PII = "residual_pii"
CONSENT = "consent"
SCHEMA = "schema"
VOLUME = "volume"
SUITE_NAMES: tuple[str, ...] = (RESIDUAL_PII, CONSENT, SCHEMA, VOLUME)


@dataclass(frozen=True)
class RowCheck:
    """One per-record rule: ``column`` must be non-null, in ``allowed``, and/or at least ``minimum``.

    ``mostly`` (GX's word) is the share of records that must keep the rule for the batch to pass; the
    records that break it are still reported, and the pipeline quarantines them one by one.
    """

    suite: str
    column: str
    allowed: tuple[Any, ...] | None = None
    minimum: int | None = None
    not_null: bool = False
    mostly: float | None = None

    def failing(self, frame: pd.DataFrame) -> pd.Series:
        """Boolean mask of the rows this rule rejects (nulls fail: GX checks them separately)."""
        values = frame[self.column]
        bad = values.isna()
        if self.allowed is not None:
            bad |= ~values.isin(list(self.allowed))
        if self.minimum is not None:
            bad |= pd.to_numeric(values, errors="coerce").fillna(self.minimum - 1) < self.minimum
        return bad


def row_checks(policy_version: str, max_residual_rate: float = 0.0) -> tuple[RowCheck, ...]:
    """The per-record rules; residual PII tolerates ``max_residual_rate`` of the batch (row-level)."""
    mostly = 1.0 - max_residual_rate if max_residual_rate > 0 else None
    return (
        # one expectation per detector, so the report counts records per detector ...
        *(
            RowCheck(RESIDUAL_PII, column, allowed=(0,), not_null=True, mostly=mostly)
            for column in HIT_COLUMNS
        ),
        # ... and one over all of them, the share that decides whether the redactor is broken
        RowCheck(RESIDUAL_PII, RESIDUAL_COLUMN, allowed=(0,), not_null=True, mostly=mostly),
        RowCheck(CONSENT, "record_id", not_null=True),
        RowCheck(CONSENT, "consent_granted", allowed=(True,), not_null=True),
        RowCheck(SCHEMA, "record_id", not_null=True),
        RowCheck(SCHEMA, "source", not_null=True),
        RowCheck(SCHEMA, "interval", not_null=True),
        RowCheck(SCHEMA, "policy_version", allowed=(policy_version,), not_null=True),
        RowCheck(SCHEMA, "unknown_role_count", allowed=(0,), not_null=True),
        RowCheck(SCHEMA, "message_count", minimum=1),
        RowCheck(SCHEMA, "text_chars", minimum=1),
    )


def _expectations(check: RowCheck) -> list[Expectation]:
    import great_expectations as gx

    found: list[Expectation] = []
    if check.not_null:
        found.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=check.column))
    if check.allowed is not None:
        options: dict[str, Any] = {"mostly": check.mostly} if check.mostly is not None else {}
        found.append(
            gx.expectations.ExpectColumnValuesToBeInSet(
                column=check.column, value_set=list(check.allowed), **options
            )
        )
    if check.minimum is not None:
        found.append(
            gx.expectations.ExpectColumnValuesToBeBetween(column=check.column, min_value=check.minimum)
        )
    return found


def build_suites(
    *, policy_version: str, min_records: int, max_records: int, max_residual_rate: float = 0.0
) -> list[ExpectationSuite]:
    """The four suites, in :data:`SUITE_NAMES` order."""
    import great_expectations as gx

    by_suite: dict[str, list[Expectation]] = {name: [] for name in SUITE_NAMES}
    by_suite[SCHEMA] += [gx.expectations.ExpectColumnToExist(column=c) for c in FRAME_COLUMNS]
    by_suite[SCHEMA].append(gx.expectations.ExpectColumnValuesToBeUnique(column="record_id"))
    for check in row_checks(policy_version, max_residual_rate):
        by_suite[check.suite] += _expectations(check)
    by_suite[VOLUME].append(
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=min_records, max_value=max_records)
    )
    return [gx.ExpectationSuite(name=name, expectations=by_suite[name]) for name in SUITE_NAMES]


def failing_record_ids(frame: pd.DataFrame, policy_version: str) -> list[str]:
    """Sorted ids of records that break any row-level rule, duplicates of an id included."""
    if frame.empty or "record_id" not in frame:
        return []
    bad = pd.Series(False, index=frame.index)
    for check in row_checks(policy_version):
        if check.column in frame:
            bad |= check.failing(frame)
    bad |= frame["record_id"].duplicated(keep=False)
    return sorted({str(v) for v in frame.loc[bad, "record_id"].dropna()})


def residual_records(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """record id -> {detector: hits} for every record with residual PII (counts, never values)."""
    if frame.empty or RESIDUAL_COLUMN not in frame:
        return {}
    flagged = frame.loc[frame[RESIDUAL_COLUMN] > 0]
    found: dict[str, dict[str, int]] = {}
    for _, row in flagged.iterrows():
        hits = {name: int(row[f"{name}_hits"]) for name in RESIDUAL_DETECTORS if row[f"{name}_hits"] > 0}
        found[str(row["record_id"])] = hits
    return found


def residual_reason(hits: dict[str, int]) -> str:
    """The quarantine reason of a flagged record: ``residual_pii:<detector>[+<detector>...]``."""
    return f"{RESIDUAL_PII}:{'+'.join(sorted(hits))}"
