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

if TYPE_CHECKING:
    from datetime import datetime

    from support_curation.storage import Storage

# the areas a steward sees (the review area has its own pages)
AREAS = (Area.TRAINING, Area.QUARANTINE, Area.REPORTS)
VALIDATION_FAILED = "validation_failed.json"
VALIDATION_SUMMARY = "validation_summary.json"
REPORT_INDEX = "index.html"
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

    @property
    def ref(self) -> PartitionRef:
        return PartitionRef(self.dataset, self.partition)

    @property
    def published(self) -> bool:
        return self.manifest is not None

    @property
    def state(self) -> str:
        """published | validation failed | validated, not published | quarantine only."""
        if self.validation_failed is not None:
            return "validation failed"
        if self.published:
            return "published"
        if self.report_keys:
            return "validated, not published"
        return "quarantine only"

    @property
    def report_index(self) -> str | None:
        """The report's entry page, relative to the partition's report folder."""
        prefix = self.ref.reports + "/"
        if self.ref.key(Area.REPORTS, REPORT_INDEX) in self.report_keys:
            return REPORT_INDEX
        html_pages = [k.removeprefix(prefix) for k in self.report_keys if k.endswith(".html")]
        return min(html_pages, key=len) if html_pages else None


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
    return status


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


def partition_summary(status: PartitionStatus) -> dict[str, Any]:
    """The JSON the API and the pages show for a partition: counts, policy, validation outcome.

    ``report_page`` is the report's entry page relative to the partition's report folder; the app
    turns it into a URL.
    """
    manifest = status.manifest or {}
    counts = manifest.get("counts", {})
    validation = manifest.get("validation") or (status.validation_failed or {}).get("validation") or {}
    if "summary" in validation:  # the manifest nests the summary; validation_failed.json does not
        validation = {"success": validation.get("success"), **validation["summary"]}
    return {
        "dataset": status.dataset,
        "partition": status.partition,
        "state": status.state,
        "records": manifest.get("records"),
        "files": len(manifest.get("files", [])),
        "counts": {
            "extracted": counts.get("extracted"),
            "extracted_by_source": counts.get("extracted_by_source", {}),
            "published": counts.get("published"),
            "excluded": counts.get("excluded", {}),
            "quarantined": counts.get("quarantined", {}),
        },
        "entities_redacted": manifest.get("entities", {}),
        "policy_version": manifest.get("policy_version"),
        "policy_sha256": manifest.get("policy_sha256"),
        "code_version": manifest.get("code_version"),
        "validation": _validation_view(validation),
        "quarantined_batch_records": (status.validation_failed or {}).get("records"),
        "report_page": status.report_index,
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
