"""What data stewards read: published partitions, quarantined batches and validation reports.

Pure functions over a :class:`~support_curation.storage.Storage`, so the views work the same on a local
folder and on S3, and are testable without Airflow. The Airflow plugin (``plugins/steward_views.py``)
only adds routing and authentication.

Privacy rule of this module: it reads manifests, validation summaries and quarantine *reasons*; it never
reads or returns a record's content, and quarantine references are counted, not shown. The one
exception by design is :func:`report_file`, which serves the Data Docs site: those reports are built
with a result format that carries no unexpected values (see ``support_curation.validation``).
"""

from __future__ import annotations

import html
import json
import mimetypes
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from support_curation.publish import MANIFEST, partition_prefix
from support_curation.records import read_jsonl_gz

if TYPE_CHECKING:
    from datetime import datetime

    from support_curation.storage import Storage

AREAS = ("training_sets", "quarantine", "reports")
VALIDATION_FAILED = "validation_failed.json"
VALIDATION_SUMMARY = "validation_summary.json"
REPORT_INDEX = "index.html"
# what the steward views link to inside the api-server; the plugin mounts its app here
BASE_PATH = "/steward"


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
    def published(self) -> bool:
        return self.manifest is not None

    @property
    def state(self) -> str:
        """published | failed validation | quarantine only (nothing published) | report only."""
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
        prefix = f"reports/{self.dataset}/{self.partition}/"
        if prefix + REPORT_INDEX in self.report_keys:
            return REPORT_INDEX
        html_pages = [k.removeprefix(prefix) for k in self.report_keys if k.endswith(".html")]
        return min(html_pages, key=len) if html_pages else None


def list_datasets(storage: Storage) -> list[str]:
    """Datasets that have anything in any area (training sets, quarantine, reports)."""
    names: set[str] = set()
    for area in AREAS:
        names.update(key.split("/")[1] for key in storage.list(f"{area}/") if key.count("/") >= 2)
    return sorted(names)


def _by_partition(keys: list[str], prefix: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key in keys:
        rest = key.removeprefix(prefix)
        if "/" in rest:
            grouped.setdefault(rest.split("/")[0], []).append(key)
    return grouped


def partition_statuses(storage: Storage, dataset: str, limit: int | None = 90) -> list[PartitionStatus]:
    """Every partition of ``dataset`` found in any area, newest first (at most ``limit``).

    Three listings and one small read per manifest or failed validation: cheap on S3 too.
    """
    _check_name(dataset)
    training = _by_partition(storage.list(f"training_sets/{dataset}/"), f"training_sets/{dataset}/")
    quarantine = _by_partition(storage.list(f"quarantine/{dataset}/"), f"quarantine/{dataset}/")
    reports = _by_partition(storage.list(f"reports/{dataset}/"), f"reports/{dataset}/")
    partitions = sorted(set(training) | set(quarantine) | set(reports), reverse=True)
    if limit is not None:
        partitions = partitions[:limit]
    statuses = []
    for partition in partitions:
        status = PartitionStatus(dataset, partition, report_keys=reports.get(partition, []))
        manifest_key = f"{partition_prefix(dataset, partition)}/{MANIFEST}"
        if manifest_key in training.get(partition, []):
            status.manifest = json.loads(storage.get_bytes(manifest_key))
        q_keys = quarantine.get(partition, [])
        status.quarantine_files = [k.rsplit("/", 1)[1] for k in q_keys]
        failed_key = f"quarantine/{dataset}/{partition}/{VALIDATION_FAILED}"
        if failed_key in q_keys:
            status.validation_failed = json.loads(storage.get_bytes(failed_key))
        statuses.append(status)
    return statuses


def partition_status(storage: Storage, dataset: str, partition: str) -> PartitionStatus | None:
    """One partition's status, or None when nothing of it exists in any area."""
    _check_name(dataset)
    _check_name(partition)
    found = [s for s in partition_statuses(storage, dataset, limit=None) if s.partition == partition]
    return found[0] if found else None


def quarantine_reasons(storage: Storage, dataset: str, partition: str) -> dict[str, dict[str, int]]:
    """Quarantined extract items counted by reason, per source file. References are counted, not returned."""
    _check_name(dataset)
    _check_name(partition)
    prefix = f"quarantine/{dataset}/{partition}/"
    reasons: dict[str, dict[str, int]] = {}
    for key in storage.list(prefix):
        name = key.removeprefix(prefix)
        if not (name.startswith("extract-") and name.endswith(".jsonl.gz")):
            continue  # validation_failed.jsonl.gz holds the quarantined records themselves: never read here
        source = name.removeprefix("extract-").removesuffix(".jsonl.gz")
        counts: dict[str, int] = {}
        for item in read_jsonl_gz(storage, key):
            reason = str(item.get("reason", "unknown"))
            counts[reason] = counts.get(reason, 0) + 1
        reasons[source] = dict(sorted(counts.items()))
    return reasons


def partition_summary(status: PartitionStatus) -> dict[str, Any]:
    """The JSON the API and the pages show for a partition: counts, policy, validation outcome."""
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
        "report": report_url(status.dataset, status.partition, status.report_index)
        if status.report_index
        else None,
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


def report_url(dataset: str, partition: str, page: str | None = REPORT_INDEX) -> str:
    """Where the steward views serve a partition's Data Docs page."""
    return f"{BASE_PATH}/reports/{quote(dataset)}/{quote(partition)}/{page or REPORT_INDEX}"


def partition_url(dataset: str, partition: str) -> str:
    return f"{BASE_PATH}/datasets/{quote(dataset)}/{quote(partition)}"


def partition_for_interval_start(start: datetime) -> str:
    """The partition a DAG run writes: the day of its ``data_interval_start`` (as the pipeline names it)."""
    return f"dt={start.date().isoformat()}"


def report_file(storage: Storage, dataset: str, partition: str, path: str) -> tuple[bytes, str] | None:
    """A file of the partition's Data Docs site and its media type; None when absent or outside it."""
    _check_name(dataset)
    _check_name(partition)
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") or "\\" in p for p in parts):
        return None
    key = f"reports/{dataset}/{partition}/{'/'.join(parts)}"
    if not storage.exists(key):
        return None
    media_type = mimetypes.guess_type(parts[-1])[0] or "application/octet-stream"
    return storage.get_bytes(key), media_type


def _check_name(name: str) -> None:
    """Dataset and partition names come from URLs: one path segment, nothing that climbs out."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise ValueError("invalid dataset or partition name")


# --- HTML (plain server-rendered pages: no build step, every value escaped) ----------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a202c}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #cbd5e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#edf2f7}.ok{color:#276749;font-weight:600}.bad{color:#c53030;font-weight:600}
.muted{color:#718096}code{font-size:.85em}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _counts(counts: dict[str, Any]) -> str:
    if not counts:
        return "<span class='muted'>none</span>"
    return "<br>".join(f"{_e(k)}: {_e(v)}" for k, v in sorted(counts.items()))


def _outcome(success: Any) -> str:
    if success is None:
        return "<span class='muted'>n/a</span>"
    return "<span class='ok'>passed</span>" if success else "<span class='bad'>failed</span>"


def render_index(storage_uri: str, overview: dict[str, list[dict[str, Any]]]) -> str:
    """The steward's landing page: each dataset's partitions with counts, policy and validation outcome."""
    body = [
        "<h1>Training data</h1>",
        f"<p class='muted'>Output root: <code>{_e(storage_uri)}</code>. Counts, policies and validation "
        "outcomes only: record content is never shown here.</p>",
    ]
    if not overview:
        body.append("<p>Nothing published, quarantined or reported yet.</p>")
    for dataset, rows in overview.items():
        body.append(
            f"<h2>{_e(dataset)}</h2><table><tr><th>Partition</th><th>State</th><th>Records</th>"
            "<th>Excluded (by reason)</th><th>Quarantined (by reason)</th><th>Policy</th>"
            "<th>Validation</th><th>Report</th></tr>"
        )
        for row in rows:
            report = f"<a href='{_e(row['report'])}'>report</a>" if row["report"] else "—"
            link = f"<a href='{_e(partition_url(dataset, row['partition']))}'>{_e(row['partition'])}</a>"
            body.append(
                "<tr>"
                f"<td>{link}</td>"
                f"<td>{_e(row['state'])}</td><td>{_e(row['records'])}</td>"
                f"<td>{_counts(row['counts']['excluded'])}</td><td>{_counts(row['counts']['quarantined'])}</td>"
                f"<td>{_e(row['policy_version'])}</td><td>{_outcome(row['validation']['success'])}</td>"
                f"<td>{report}</td></tr>"
            )
        body.append("</table>")
    return _page("Training data", "".join(body))


def render_partition(summary: dict[str, Any], reasons: dict[str, dict[str, int]]) -> str:
    """One partition: its manifest's counts, validation suites and quarantine reasons."""
    counts = summary["counts"]
    validation = summary["validation"]
    body = [
        f"<p><a href='{BASE_PATH}/'>&larr; all partitions</a></p>",
        f"<h1>{_e(summary['dataset'])} / {_e(summary['partition'])}</h1>",
        f"<p>State: <b>{_e(summary['state'])}</b>. Validation: {_outcome(validation['success'])}.",
    ]
    if summary["report"]:
        body.append(f" <a href='{_e(summary['report'])}'>Open the validation report (Data Docs)</a>")
    body.append("</p><h2>Manifest</h2><table>")
    for label, value in [
        ("records published", summary["records"]),
        ("data files", summary["files"]),
        ("policy version", summary["policy_version"]),
        ("policy sha256", summary["policy_sha256"]),
        ("code version", summary["code_version"]),
        ("extracted", counts["extracted"]),
    ]:
        body.append(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>")
    for label, value in [
        ("extracted by source", counts["extracted_by_source"]),
        ("excluded by reason", counts["excluded"]),
        ("quarantined by reason", counts["quarantined"]),
        ("entities redacted", summary["entities_redacted"]),
    ]:
        body.append(f"<tr><th>{_e(label)}</th><td>{_counts(value)}</td></tr>")
    body.append("</table><h2>Validation suites</h2>")
    if validation["suites"]:
        body.append("<table><tr><th>Suite</th><th>Outcome</th><th>Expectations</th><th>Failed</th></tr>")
        for name, suite in validation["suites"].items():
            failed = "<br>".join(
                f"{_e(f['type'])} on {_e(f['column'] or 'table')}: {_e(f['unexpected_count'])} rows"
                for f in suite["failed"]
            )
            body.append(
                f"<tr><td>{_e(name)}</td><td>{_outcome(suite['success'])}</td>"
                f"<td>{_e(suite['expectations'])}</td><td>{failed or '—'}</td></tr>"
            )
        body.append("</table>")
    else:
        body.append("<p class='muted'>No validation summary for this partition.</p>")
    body.append("<h2>Quarantine</h2>")
    if summary["quarantined_batch_records"] is not None:
        body.append(
            f"<p class='bad'>The whole batch ({_e(summary['quarantined_batch_records'])} records) failed "
            "validation and was quarantined: nothing of it was published.</p>"
        )
    if reasons:
        body.append("<table><tr><th>Source</th><th>Items by reason</th></tr>")
        for source, by_reason in reasons.items():
            body.append(f"<tr><td>{_e(source)}</td><td>{_counts(by_reason)}</td></tr>")
        body.append("</table>")
    else:
        body.append("<p class='muted'>No extract items quarantined.</p>")
    return _page(f"{summary['dataset']} {summary['partition']}", "".join(body))
