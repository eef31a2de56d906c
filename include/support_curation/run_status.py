"""What a pipeline run leaves for stewards beside its report: which run, when, what happened, counts.

One small JSON object per partition and kind of run, in the partition's report folder::

    reports/<dataset>/dt=YYYY-MM-DD/run_status.json           the run that validated (and published) it
    reports/<dataset>/dt=YYYY-MM-DD/dry_run/run_status.json   the latest dry run, beside, never over it

A dry run's report lives in the ``dry_run/`` folder too, so it can never replace the report of the
published partition. Counts only: no record content, no identifiers beyond the run id.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from support_curation.layout import PartitionRef
    from support_curation.storage import Storage

RUN_STATUS = "run_status.json"
DRY_RUN_FOLDER = "dry_run"
VALIDATION_SUMMARY = "validation_summary.json"
VALIDATION_RESULT = "validation_result.json"

# what a run reached, in order; the steward page shows the last one it recorded
VALIDATED = "validated"
VALIDATION_FAILED = "validation failed"
PUBLISHED = "published"
DRY_RUN = "dry run"


def report_folder(ref: PartitionRef, *, dry_run: bool) -> str:
    """Where a run's report files go: the partition's report folder, or its ``dry_run/`` sub-folder."""
    return f"{ref.reports}/{DRY_RUN_FOLDER}" if dry_run else ref.reports


def report_key(ref: PartitionRef, name: str, *, dry_run: bool) -> str:
    return f"{report_folder(ref, dry_run=dry_run)}/{name}"


@dataclass(frozen=True)
class RunStatus:
    """One run's outcome for one partition, as written beside its report."""

    state: str
    dry_run: bool
    run_id: str | None
    at: str  # ISO UTC: when the run recorded this state (the published-at time once published)
    records: int | None = None
    counts: dict[str, Any] | None = None  # the reconciled counts (pipeline.reconcile) once known
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def now(cls, state: str, *, dry_run: bool, run_id: str | None, **values: Any) -> RunStatus:
        return cls(state, dry_run, run_id, datetime.now(UTC).isoformat(timespec="seconds"), **values)


def write_status(storage: Storage, ref: PartitionRef, status: RunStatus) -> None:
    body = json.dumps(asdict(status), indent=2, sort_keys=True).encode()
    storage.put_bytes(report_key(ref, RUN_STATUS, dry_run=status.dry_run), body)


def read_status(storage: Storage, ref: PartitionRef, *, dry_run: bool) -> dict[str, Any] | None:
    key = report_key(ref, RUN_STATUS, dry_run=dry_run)
    return json.loads(storage.get_bytes(key)) if storage.exists(key) else None


def clear_report(storage: Storage, ref: PartitionRef, *, dry_run: bool) -> None:
    """Remove an earlier run's report of the same kind; a real run leaves the dry run's folder alone."""
    folder = report_folder(ref, dry_run=dry_run) + "/"
    keep = f"{ref.reports}/{DRY_RUN_FOLDER}/"
    storage.delete(k for k in storage.list(folder) if dry_run or not k.startswith(keep))


def volume_warnings(extracted_by_source: Mapping[str, int], minimums: Mapping[str, int]) -> list[str]:
    """A warning per source below its policy minimum, and one for a day with nothing extracted."""
    warnings = [
        f"{source}: {extracted_by_source.get(source, 0)} extracted, policy expects at least {minimum}"
        for source, minimum in sorted(minimums.items())
        if extracted_by_source.get(source, 0) < minimum
    ]
    if not any(extracted_by_source.values()):
        warnings.insert(0, "no conversations extracted for this day")
    return warnings


# What a stored validation result keeps of GX's per-expectation "result": counts and shares only.
_RESULT_FIELDS = (
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
    "missing_percent",
)


def report_result(gx_result: Mapping[str, Any]) -> dict[str, Any]:
    """GX's validation results per suite, reduced to what the report pages show.

    Expectation configurations (type, column, bounds from the suites' code) and counts; an observed
    value only when it is a number. Exception messages and tracebacks are dropped: they can quote data.
    """
    suites: dict[str, Any] = {}
    for name, suite in sorted(gx_result.items()):
        expectations = []
        for item in suite.get("results", []):
            config = item.get("expectation_config") or {}
            raw = item.get("result") or {}
            observed = raw.get("observed_value")
            expectations.append(
                {
                    "type": config.get("type"),
                    "kwargs": {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"},
                    "success": bool(item.get("success")),
                    "result": {k: raw[k] for k in _RESULT_FIELDS if isinstance(raw.get(k), int | float)}
                    | ({"observed_value": observed} if isinstance(observed, int | float) else {}),
                    "raised_exception": bool((item.get("exception_info") or {}).get("raised_exception")),
                }
            )
        suites[name] = {
            "success": bool(suite.get("success")),
            "statistics": suite.get("statistics") or {},
            "expectations": expectations,
        }
    return suites
