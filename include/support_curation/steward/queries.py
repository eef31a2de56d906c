"""What data stewards read: published partitions, quarantined batches and validation reports.

Pure reads over a :class:`~support_curation.storage.Storage`, so the views work the same on a local
folder and on S3, and are testable without Airflow or a web server. Every key comes from
:mod:`support_curation.layout`.

Privacy rule of this module: it reads manifests, validation summaries and quarantine *reasons*; it never
reads or returns a record's content, and quarantine references are counted, not shown. The one
exception by design is :func:`report_file`, which serves the stored report files: those are built with
a result format that carries no unexpected values (see ``support_curation.validation``).
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from support_curation.layout import Area, PartitionRef, area_prefix, partition_name, partitions_in
from support_curation.publish import MANIFEST
from support_curation.records import read_jsonl_gz
from support_curation.run_status import (
    DRY_RUN_FOLDER,
    RUN_STATUS,
    VALIDATED,
    VALIDATION_RESULT,
    VALIDATION_SUMMARY,
    read_status,
    report_key,
)

if TYPE_CHECKING:
    from datetime import datetime

    from support_curation.steward.runs import RunInfo
    from support_curation.storage import Storage

# the areas a steward sees (the review area has its own pages)
AREAS = (Area.TRAINING, Area.QUARANTINE, Area.REPORTS)
VALIDATION_FAILED = "validation_failed.json"
REPORT_INDEX = "index.html"
# the partition states a steward sees (see partition_state)
RUNNING = "running"
FAILED = "failed"
VALIDATION_FAILED_STATE = "validation failed"
EMPTY = "empty"
AMENDED = "amended"
PUBLISHED = "published"
DRY_RUN = "dry run"
NOT_VALIDATED = "not validated"
WARNING_STATES = frozenset({EMPTY, NOT_VALIDATED})
BAD_STATES = frozenset({FAILED, VALIDATION_FAILED_STATE})
EXTRACT_QUARANTINE_PREFIX = "extract-"
EXTRACT_QUARANTINE_SUFFIX = ".jsonl.gz"


@dataclass
class PartitionStatus:
    """One partition of one dataset as a steward sees it: counts and outcomes, never content."""

    dataset: str
    partition: str
    manifest: dict[str, Any] | None = None
    quarantine_files: list[str] = field(default_factory=list)
    validation_failed: dict[str, Any] | None = None
    report_keys: list[str] = field(default_factory=list)
    run_status: dict[str, Any] | None = None  # what the last real run wrote beside its report
    dry_run_status: dict[str, Any] | None = None  # what the last dry run wrote beside its own report

    @property
    def ref(self) -> PartitionRef:
        return PartitionRef(self.dataset, self.partition)

    @property
    def published(self) -> bool:
        return self.manifest is not None

    @property
    def has_report(self) -> bool:
        """A validation report of the (last) real run: its summary is in the report folder."""
        return self.ref.key(Area.REPORTS, VALIDATION_SUMMARY) in self.report_keys

    @property
    def has_dry_run_report(self) -> bool:
        return report_key(self.ref, VALIDATION_SUMMARY, dry_run=True) in self.report_keys

    @property
    def report_index(self) -> str | None:
        """The report's entry page, relative to the partition's report folder (None without a report)."""
        return REPORT_INDEX if self.has_report else None


def list_datasets(storage: Storage) -> list[str]:
    """Datasets that have anything in any area (training sets, quarantine, reports)."""
    names: set[str] = set()
    for area in AREAS:
        names.update(key.split("/")[1] for key in storage.list(f"{area}/") if key.count("/") >= 2)
    return sorted(names)


def partition_statuses(storage: Storage, dataset: str, limit: int | None = 90) -> list[PartitionStatus]:
    """Every partition of ``dataset`` found in any area, newest first (at most ``limit``).

    Three listings and one small read per manifest or failed validation: cheap on S3 too.
    """
    check_name(dataset)
    listed = {area: partitions_in(storage.list(area_prefix(area, dataset)), area, dataset) for area in AREAS}
    partitions = sorted(set().union(*listed.values()), reverse=True)
    if limit is not None:
        partitions = partitions[:limit]
    return [
        _status(
            storage,
            PartitionRef(dataset, partition),
            training=listed[Area.TRAINING].get(partition, []),
            quarantine=listed[Area.QUARANTINE].get(partition, []),
            reports=listed[Area.REPORTS].get(partition, []),
        )
        for partition in partitions
    ]


def partition_status(storage: Storage, dataset: str, partition: str) -> PartitionStatus | None:
    """One partition's status, looked up by its keys; None when nothing of it exists in any area."""
    check_name(dataset)
    check_name(partition)
    ref = PartitionRef(dataset, partition)
    manifest_key = ref.key(Area.TRAINING, MANIFEST)
    training = [manifest_key] if storage.exists(manifest_key) else []
    quarantine = storage.list(ref.quarantine + "/")
    reports = storage.list(ref.reports + "/")
    if not (training or quarantine or reports):
        return None
    return _status(storage, ref, training=training, quarantine=quarantine, reports=reports)


def _status(
    storage: Storage, ref: PartitionRef, *, training: list[str], quarantine: list[str], reports: list[str]
) -> PartitionStatus:
    status = PartitionStatus(ref.dataset, ref.partition, report_keys=reports)
    manifest_key = ref.key(Area.TRAINING, MANIFEST)
    if manifest_key in training:
        status.manifest = json.loads(storage.get_bytes(manifest_key))
    status.quarantine_files = [k.rsplit("/", 1)[1] for k in quarantine]
    failed_key = ref.key(Area.QUARANTINE, VALIDATION_FAILED)
    if failed_key in quarantine:
        status.validation_failed = json.loads(storage.get_bytes(failed_key))
    if ref.key(Area.REPORTS, RUN_STATUS) in reports:
        status.run_status = read_status(storage, ref, dry_run=False)
    if report_key(ref, RUN_STATUS, dry_run=True) in reports:
        status.dry_run_status = read_status(storage, ref, dry_run=True)
    return status


def partition_state(status: PartitionStatus, run: RunInfo | None = None) -> tuple[str, str]:
    """The partition's state and a line that explains it, from storage and (when known) its latest run.

    A run still at work, or a real run that failed, decides the state even when an earlier version is
    published: a steward must not read a stale partition as today's outcome. Otherwise storage decides.
    """
    published_before = " (an earlier version stays published)" if status.published else ""
    if run is not None and run.running:
        tasks = ", ".join(run.active_tasks) or "queued"
        kind = "dry run" if run.dry_run else "run"
        return RUNNING, f"{kind} in progress: {tasks}{published_before}"
    if status.validation_failed is not None and not (run and run.dry_run and not status.published):
        records = status.validation_failed.get("records")
        return (
            VALIDATION_FAILED_STATE,
            f"the batch of {records} records failed validation and was quarantined",
        )
    if (status.run_status or {}).get("state") == VALIDATION_FAILED_STATE and not status.published:
        return VALIDATION_FAILED_STATE, "the batch failed validation: nothing was published"
    if run is not None and run.failed and not run.dry_run:
        at = ", ".join(run.failed_tasks) or "unknown task"
        return FAILED, f"the latest run failed at {at}{published_before}"
    counts = (status.manifest or {}).get("counts") or (status.dry_run_status or {}).get("counts") or {}
    if status.published:
        if counts.get("extracted") == 0:
            return EMPTY, "no conversations extracted for this day: a 0-record partition is published"
        amendments = (status.manifest or {}).get("amendments") or []
        if amendments:
            reasons = sorted({str(a.get("reason")) for a in amendments})
            return AMENDED, f"published, then amended {len(amendments)}x ({', '.join(reasons)})"
        return PUBLISHED, "published"
    if status.dry_run_status is not None or status.has_dry_run_report:
        if counts.get("extracted") == 0:
            return EMPTY, "dry run only: no conversations extracted for this day"
        return DRY_RUN, "dry run only: validated and reported, nothing published"
    if run is not None and run.failed:
        return FAILED, f"the latest (dry) run failed at {', '.join(run.failed_tasks) or 'unknown task'}"
    if status.has_report:
        return NOT_VALIDATED, "validated, not published: the run did not reach publish"
    return NOT_VALIDATED, "only extract quarantine exists: the run stopped before validation"


def quarantine_reasons(storage: Storage, dataset: str, partition: str) -> dict[str, dict[str, int]]:
    """Quarantined extract items counted by reason, per source file. References are counted, not returned."""
    check_name(dataset)
    check_name(partition)
    prefix = PartitionRef(dataset, partition).quarantine + "/"
    reasons: dict[str, dict[str, int]] = {}
    for key in storage.list(prefix):
        name = key.removeprefix(prefix)
        if not (name.startswith(EXTRACT_QUARANTINE_PREFIX) and name.endswith(EXTRACT_QUARANTINE_SUFFIX)):
            continue  # validation_failed.jsonl.gz holds the quarantined records themselves: never read here
        source = name.removeprefix(EXTRACT_QUARANTINE_PREFIX).removesuffix(EXTRACT_QUARANTINE_SUFFIX)
        counts: dict[str, int] = {}
        for item in read_jsonl_gz(storage, key):
            reason = str(item.get("reason", "unknown"))
            counts[reason] = counts.get(reason, 0) + 1
        reasons[source] = dict(sorted(counts.items()))
    return reasons


def partition_summary(status: PartitionStatus, run: RunInfo | None = None) -> dict[str, Any]:
    """The JSON the API and the pages show for a partition: state, counts, policy, validation outcome.

    ``run`` is the partition's latest DAG run when the caller knows it (the Airflow plugin does). Counts
    are the manifest's once published, else the latest dry run's (``counts_from`` says which).
    """
    manifest = status.manifest or {}
    dry = status.dry_run_status or {}
    real = status.run_status or {}
    counts_from = "manifest" if manifest.get("counts") else "dry run" if dry.get("counts") else None
    counts = manifest.get("counts") or dry.get("counts") or {}
    validation = manifest.get("validation") or (status.validation_failed or {}).get("validation") or {}
    if "summary" in validation:  # the manifest nests the summary; validation_failed.json does not
        validation = {"success": validation.get("success"), **validation["summary"]}
    if validation.get("success") is None:  # no manifest and no failed batch: the run statuses say
        validation = {**validation, "success": _validated((real if status.has_report else dry).get("state"))}
    state, detail = partition_state(status, run)
    warnings = list((real if status.published else dry).get("warnings") or [])
    if state == EMPTY and not any("no conversations" in w for w in warnings):
        warnings.insert(0, "no conversations extracted for this day")
    return {
        "dataset": status.dataset,
        "partition": status.partition,
        "state": state,
        "state_detail": detail,
        "warnings": warnings,
        "records": manifest.get("records"),
        "files": len(manifest.get("files", [])),
        "published_at": real.get("at") if real.get("state") == PUBLISHED and status.published else None,
        "published_run_id": real.get("run_id") if status.published else None,
        "amendments": len(manifest.get("amendments") or []),
        "counts_from": counts_from,
        "counts": {
            "extracted": counts.get("extracted"),
            "extracted_by_source": counts.get("extracted_by_source", {}),
            "published": counts.get("published"),
            "excluded": counts.get("excluded", {}),
            "quarantined": counts.get("quarantined", {}),
        },
        "reconciliation": reconciliation(counts),
        "entities_redacted": manifest.get("entities", {}),
        "policy_version": manifest.get("policy_version"),
        "policy_sha256": manifest.get("policy_sha256"),
        "code_version": manifest.get("code_version"),
        "validation": _validation_view(validation),
        "quarantined_batch_records": (status.validation_failed or {}).get("records"),
        "report_page": status.report_index,
        "dry_run": _dry_run_view(status),
        "run": _run_view(run),
    }


def _validated(run_state: str | None) -> bool | None:
    """Validation outcome from a run status: a dry run records its end only after validation passed."""
    if run_state in (VALIDATED, PUBLISHED, DRY_RUN):
        return True
    return False if run_state == VALIDATION_FAILED_STATE else None


def reconciliation(counts: dict[str, Any]) -> dict[str, Any] | None:
    """extracted = published + excluded + quarantined, each side summed; None before counts exist."""
    if counts.get("extracted") is None or counts.get("published") is None:
        return None
    excluded = sum((counts.get("excluded") or {}).values())
    quarantined = sum((counts.get("quarantined") or {}).values())
    extracted, published = counts["extracted"], counts["published"]
    return {
        "extracted": extracted,
        "published": published,
        "excluded": excluded,
        "quarantined": quarantined,
        "balanced": extracted == published + excluded + quarantined,
    }


def _dry_run_view(status: PartitionStatus) -> dict[str, Any] | None:
    if status.dry_run_status is None and not status.has_dry_run_report:
        return None
    dry = status.dry_run_status or {}
    return {
        "at": dry.get("at"),
        "run_id": dry.get("run_id"),
        "state": dry.get("state"),
        "report_page": f"{DRY_RUN_FOLDER}/{REPORT_INDEX}" if status.has_dry_run_report else None,
    }


def _run_view(run: RunInfo | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "run_id": run.run_id,
        "state": run.state,
        "dry_run": run.dry_run,
        "url": run.url,
        "failed_tasks": list(run.failed_tasks),
        "active_tasks": list(run.active_tasks),
    }


def _validation_view(validation: dict[str, Any]) -> dict[str, Any]:
    """Suite outcomes with failing expectations by type and column; counts only, by construction."""
    suites = {}
    for name, suite in sorted((validation.get("suites") or {}).items()):
        expectations = suite.get("expectations", [])
        suites[name] = {
            "success": suite.get("success"),
            "expectations": len(expectations),
            "failed": [
                {
                    "type": e.get("type"),
                    "column": e.get("column"),
                    "unexpected_count": e.get("unexpected_count"),
                }
                for e in expectations
                if not e.get("success")
            ],
        }
    return {"success": validation.get("success"), "suites": suites}


def partition_for_interval_start(start: datetime) -> str:
    """The partition a DAG run writes: the day of its ``data_interval_start`` (as the pipeline names it)."""
    return partition_name(start)


def report_file(storage: Storage, dataset: str, partition: str, path: str) -> tuple[bytes, str] | None:
    """A file of the partition's report folder and its media type; None when absent or outside it."""
    check_name(dataset)
    check_name(partition)
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") or "\\" in p for p in parts):
        return None
    key = PartitionRef(dataset, partition).key(Area.REPORTS, "/".join(parts))
    if not storage.exists(key):
        return None
    media_type = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
    return storage.get_bytes(key), media_type


def check_name(name: str) -> None:
    """Dataset and partition names come from URLs: one path segment, nothing that climbs out."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise ValueError("invalid dataset or partition name")


def validation_report(
    storage: Storage, dataset: str, partition: str, *, dry_run: bool
) -> dict[str, Any] | None:
    """A run's validation report from its stored results: suites, expectations, counts; None without one.

    Reads ``validation_summary.json`` (every run has it) and, when present, ``validation_result.json``
    (GX's results reduced to configurations and counts) and ``run_status.json``. Older reports carry
    only the summary: their pages show outcomes and unexpected counts without the GX details.
    """
    check_name(dataset)
    check_name(partition)
    ref = PartitionRef(dataset, partition)
    summary_key = report_key(ref, VALIDATION_SUMMARY, dry_run=dry_run)
    if not storage.exists(summary_key):
        return None
    summary = json.loads(storage.get_bytes(summary_key))
    result_key = report_key(ref, VALIDATION_RESULT, dry_run=dry_run)
    detailed = json.loads(storage.get_bytes(result_key)) if storage.exists(result_key) else {}
    suites = {}
    for name, suite in sorted((summary.get("suites") or {}).items()):
        details = (detailed.get(name) or {}).get("expectations") or []
        expectations = []
        for number, outcome in enumerate(suite.get("expectations") or []):
            detail = details[number] if number < len(details) else {}
            expectations.append(
                {
                    "type": outcome.get("type"),
                    "column": outcome.get("column"),
                    "success": bool(outcome.get("success")),
                    "unexpected_count": outcome.get("unexpected_count"),
                    "kwargs": {k: v for k, v in (detail.get("kwargs") or {}).items() if k != "column"},
                    "result": detail.get("result") or {},
                }
            )
        failed = sum(1 for e in expectations if not e["success"])
        suites[name] = {
            "success": bool(suite.get("success")),
            "evaluated": len(expectations),
            "failed": failed,
            "expectations": expectations,
        }
    return {
        "dataset": dataset,
        "partition": partition,
        "dry_run": dry_run,
        "success": bool(summary.get("success")),
        "suites": suites,
        # the residual-PII gate's counts (records flagged per detector), when the run recorded them
        "residual": summary.get("residual"),
        "status": read_status(storage, ref, dry_run=dry_run),
    }
