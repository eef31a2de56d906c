"""One checkpoint run of the four suites over a validation frame, with a local Data Docs site."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support_curation.validation.frame import RESIDUAL_DETECTORS
from support_curation.validation.suites import SUITE_NAMES, build_suites, failing_record_ids, residual_records

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

# Counts and percentages only: GX must never copy failing values into a result or a report.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
SITE_NAME = "curation_reports"


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


def _context(report_dir: Path) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is imported: no network
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # GX's TypedDict for site configs lacks keys the SiteBuilder accepts (show_how_to_buttons)
    site_config: Any = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(report_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    context.add_data_docs_site(
        site_name=SITE_NAME,
        site_config=site_config,
    )
    return context


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _expectation_outcomes(result: Any) -> tuple[ExpectationOutcome, ...]:
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        column = config.kwargs.get("column")
        outcomes.append(
            ExpectationOutcome(
                type=str(config.type),
                column=str(column) if column is not None else None,
                success=bool(item.success),
                unexpected_count=_count((item.result or {}).get("unexpected_count")),
            )
        )
    return tuple(outcomes)


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
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    report_dir.mkdir(parents=True, exist_ok=True)
    context = _context(report_dir)
    batch = (
        context.data_sources.add_pandas("curation")
        .add_dataframe_asset("curated_records")
        .add_batch_definition_whole_dataframe("batch")
    )
    definitions = []
    for suite in build_suites(
        policy_version=policy_version,
        min_records=min_records,
        max_records=max_records,
        max_residual_rate=max_residual_rate,
    ):
        suite = context.suites.add(suite)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="curated_batch",
            validation_definitions=definitions,
            result_format=RESULT_FORMAT,
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])],
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name))
    by_suite = {r.suite_name: r for r in result.run_results.values()}
    suites = {name: _expectation_outcomes(by_suite[name]) for name in SUITE_NAMES}
    suite_success = {name: bool(by_suite[name].success) for name in SUITE_NAMES}
    index = report_dir / "index.html"
    return ValidationOutcome(
        success=bool(result.success) and all(suite_success.values()),
        suites=suites,
        suite_success=suite_success,
        report_index=index if index.is_file() else None,
        failing_record_ids=failing_record_ids(frame, policy_version),
        residual=residual_records(frame),
        records=len(frame),
        max_residual_rate=max_residual_rate,
        gx_result={name: by_suite[name].to_json_dict() for name in SUITE_NAMES},
    )
