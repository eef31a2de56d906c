"""What a validation run found (``ValidationOutcome``), and one run of the four suites over a whole frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support_curation.validation.frame import RESIDUAL_DETECTORS
from support_curation.validation.gx_runtime import SuiteRunner
from support_curation.validation.suites import SUITE_NAMES, build_suites, failing_record_ids, residual_records

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd


@dataclass(frozen=True)
class ExpectationOutcome:
    type: str
    column: str | None
    success: bool
    unexpected_count: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "column": self.column,
            "success": self.success,
            "unexpected_count": self.unexpected_count,
        }


@dataclass(frozen=True)
class ValidationOutcome:
    """What the pipeline needs from a validation run; every field is safe to log and publish."""

    success: bool
    suites: dict[str, tuple[ExpectationOutcome, ...]]
    suite_success: dict[str, bool]
    report_index: Path | None
    failing_record_ids: list[str]
    # record id -> {detector: hits} of the records with residual PII: the pipeline quarantines them one
    # by one when the batch passes (record ids are keyed hashes; never in the summary, only counts are)
    residual: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)
    records: int = 0
    max_residual_rate: float = 0.0
    # The checkpoint result as GX serialises it (for audits and tests; holds no failing values).
    gx_result: dict[str, Any] = field(default_factory=dict, repr=False)

    def residual_summary(self) -> dict[str, Any]:
        """Records flagged per detector, the flagged share and the policy's limit (counts only)."""
        by_detector = {name: 0 for name in RESIDUAL_DETECTORS}
        hits = {name: 0 for name in RESIDUAL_DETECTORS}
        for found in self.residual.values():
            for name, count in found.items():
                by_detector[name] += 1
                hits[name] += count
        flagged = len(self.residual)
        return {
            "records": self.records,
            "flagged": flagged,
            "share": round(flagged / self.records, 6) if self.records else 0.0,
            "max_rate": self.max_residual_rate,
            "records_by_detector": by_detector,
            "hits_by_detector": hits,
        }

    def summary(self) -> dict[str, Any]:
        """JSON-safe counts for XCom and the manifest."""
        return {
            "success": self.success,
            "residual": self.residual_summary(),
            "suites": {
                name: {
                    "success": self.suite_success[name],
                    "expectations": [e.as_dict() for e in expectations],
                }
                for name, expectations in self.suites.items()
            },
        }


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def expectation_outcomes(suite_result: dict[str, Any]) -> tuple[ExpectationOutcome, ...]:
    """The outcome of each expectation of one suite's result, as GX serialises it (``to_json_dict``)."""
    outcomes = []
    for item in suite_result.get("results") or []:
        config = item.get("expectation_config") or {}
        column = (config.get("kwargs") or {}).get("column")
        outcomes.append(
            ExpectationOutcome(
                type=str(config.get("type")),
                column=str(column) if column is not None else None,
                success=bool(item.get("success")),
                unexpected_count=_count((item.get("result") or {}).get("unexpected_count")),
            )
        )
    return tuple(outcomes)


def outcome_from_results(
    gx_result: dict[str, dict[str, Any]],
    *,
    failing_ids: list[str],
    residual: dict[str, dict[str, int]],
    records: int,
    max_residual_rate: float,
    report_index: Path | None = None,
) -> ValidationOutcome:
    """The pipeline's view of the four suites' results (one run's, or chunk runs' merged)."""
    suite_success = {name: bool(gx_result[name].get("success")) for name in SUITE_NAMES}
    return ValidationOutcome(
        success=all(suite_success.values()),
        suites={name: expectation_outcomes(gx_result[name]) for name in SUITE_NAMES},
        suite_success=suite_success,
        report_index=report_index,
        failing_record_ids=failing_ids,
        residual=residual,
        records=records,
        max_residual_rate=max_residual_rate,
        gx_result={name: gx_result[name] for name in SUITE_NAMES},
    )


def validate_batch(
    frame: pd.DataFrame,
    *,
    policy_version: str,
    min_records: int,
    max_records: int,
    report_dir: Path,
    run_name: str,
    max_residual_rate: float = 0.0,
) -> ValidationOutcome:
    """Run the ``residual_pii``, ``consent``, ``schema`` and ``volume`` suites on ``frame``.

    ``max_residual_rate`` is the share of records with residual PII the batch tolerates (they are
    quarantined one by one); above it the redactor is presumed broken and ``residual_pii`` fails.

    A fresh in-memory GX context per call keeps runs independent (no state across intervals or
    worker processes); the Data Docs site is written to ``report_dir`` for stewards.
    """
    runner = SuiteRunner(
        build_suites(
            policy_version=policy_version,
            min_records=min_records,
            max_records=max_records,
            max_residual_rate=max_residual_rate,
        ),
        report_dir=report_dir,
    )
    gx_result = runner.run(frame, run_name)
    index = report_dir / "index.html"
    return outcome_from_results(
        gx_result,
        failing_ids=failing_record_ids(frame, policy_version),
        residual=residual_records(frame),
        records=len(frame),
        max_residual_rate=max_residual_rate,
        report_index=index if index.is_file() else None,
    )
