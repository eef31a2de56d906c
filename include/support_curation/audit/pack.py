"""``curate audit-pack``: what an auditor reads about a release window, in one folder, with checksums.

For every published partition whose day falls in ``[from, to]``::

    partitions/dt=YYYY-MM-DD/_manifest.json          the training partition's manifest
    partitions/dt=YYYY-MM-DD/_datacard.md            the card (its chart links resolve inside the pack)
    partitions/dt=YYYY-MM-DD/charts/*.svg
    partitions/dt=YYYY-MM-DD/representation.json     and risk.json
    partitions/dt=YYYY-MM-DD/aggregates_manifest.json
    partitions/dt=YYYY-MM-DD/reports/*.json          validation summary, run status, review outcomes
    enforcement/*.json                               consent enforcement audit entries touching the window
    release/_datacard.md, release/representation.json   the window as a whole
    SHA256SUMS                                       every file above, sorted

Only objects that hold counts, hashes and verdicts are copied (never part files, subject indexes,
quarantine or review items), byte for byte; what the pack adds is rendered without a clock and in
sorted order, so the same inputs give a byte-identical folder.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.audit import datacard, representation
from support_curation.audit.aggregates import MANIFEST as AGGREGATES_MANIFEST
from support_curation.audit.publication import CHARTS, REPRESENTATION, RISK, policy_hashes
from support_curation.layout import Area, PartitionRef, partition_day
from support_curation.lifecycle.audit import AUDIT_PREFIX as ENFORCEMENT_PREFIX

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

CHECKSUMS = "SHA256SUMS"


class PackError(RuntimeError):
    """The pack cannot be written (e.g. the folder is not empty). Message: paths and counts only."""


def _entry_in_window(entry: dict[str, Any], partitions: set[str], start: date, end: date) -> bool:
    touched = {str(p.get("partition")) for p in entry.get("partitions", []) if isinstance(p, dict)}
    at = str(entry.get("at", ""))[:10]
    return bool(touched & partitions) or (bool(at) and start.isoformat() <= at <= end.isoformat())


def collect(
    storage: Storage, dataset: str, start: date, end: date, policy: PipelinePolicy
) -> dict[str, bytes]:
    """Relative path -> bytes of everything the pack holds (without the checksum list)."""
    files: dict[str, bytes] = {}
    partitions = [
        p for p in publish.published_partitions(storage, dataset) if start <= partition_day(p) <= end
    ]
    reports, manifests, risks = [], [], []
    for partition in partitions:
        ref = PartitionRef(dataset, partition)
        base = f"partitions/{partition}"
        manifest_key = ref.key(Area.TRAINING, publish.MANIFEST)
        files[f"{base}/{publish.MANIFEST}"] = storage.get_bytes(manifest_key)
        manifests.append(json.loads(files[f"{base}/{publish.MANIFEST}"]))
        audit_prefix = ref.prefix(Area.AUDIT) + "/"
        for key in sorted(storage.list(audit_prefix)):
            relative = key.removeprefix(audit_prefix)
            if relative in (REPRESENTATION, RISK, datacard.CARD) or (
                relative.startswith(f"{CHARTS}/") and relative.endswith(".svg")
            ):
                files[f"{base}/{relative}"] = storage.get_bytes(key)
        if f"{base}/{REPRESENTATION}" in files:
            reports.append(json.loads(files[f"{base}/{REPRESENTATION}"]))
        if f"{base}/{RISK}" in files:
            risks.append(json.loads(files[f"{base}/{RISK}"]))
        aggregates_key = ref.key(Area.AGGREGATES, AGGREGATES_MANIFEST)
        if storage.exists(aggregates_key):
            files[f"{base}/aggregates_manifest.json"] = storage.get_bytes(aggregates_key)
        report_prefix = ref.prefix(Area.REPORTS) + "/"
        for key in sorted(storage.list(report_prefix)):
            relative = key.removeprefix(report_prefix)
            if "/" not in relative and relative.endswith(".json"):  # summaries, not the rendered site
                files[f"{base}/reports/{relative}"] = storage.get_bytes(key)
    in_window = set(partitions)
    for key in sorted(storage.list(ENFORCEMENT_PREFIX + "/")):
        body = storage.get_bytes(key)
        if _entry_in_window(json.loads(body), in_window, start, end):
            files[f"enforcement/{key.removeprefix(ENFORCEMENT_PREFIX + '/')}"] = body
    files.update(_release(dataset, start, end, partitions, manifests, reports, risks, policy))
    return files


def _release(
    dataset: str,
    start: date,
    end: date,
    partitions: list[str],
    manifests: list[dict[str, Any]],
    reports: list[dict[str, Any]],
    risk_reports: list[dict[str, Any]],
    policy: PipelinePolicy,
) -> dict[str, bytes]:
    """The window's representation (counts summed over partitions) and its card."""
    window = representation.window_report(reports, policy.audit)
    counts: dict[str, Any] = {"extracted": 0, "published": 0, "excluded": {}, "quarantined": {}}
    entities: dict[str, int] = {}
    risks = []
    for manifest in manifests:
        body = manifest.get("counts", {})
        counts["extracted"] += int(body.get("extracted", 0))
        counts["published"] += int(body.get("published", 0))
        for field in ("excluded", "quarantined"):
            for reason, n in body.get(field, {}).items():
                counts[field][reason] = counts[field].get(reason, 0) + int(n)
        for kind, n in manifest.get("entities", {}).items():
            entities[kind] = entities.get(kind, 0) + int(n)
        risks.append(manifest.get("audit", {}))
    label = f"{start.isoformat()} to {end.isoformat()}"
    validated = all(m.get("validation", {}).get("success") for m in manifests)
    risk = {
        "quasi_identifiers": policy.audit.quasi_identifiers,
        "k_min": policy.audit.k_min,
        # per-partition tables are in each partition's card; the window gives the smallest group
        "before": None,
        "after": {"min_k": min((int(r.get("min_k", 0)) for r in risks if r), default=0)},
        "steps": [],
        "generalised": sum(int(r.get("generalised", 0)) for r in risks if r),
        "suppressed": sum(int(r.get("suppressed", 0)) for r in risks if r),
        "indirect": _indirect_sum([r["indirect"] for r in risk_reports if r.get("indirect")]),
    }
    code_versions = sorted({str(m.get("code_version", "")) for m in manifests})
    card = datacard.render_card(
        dataset=dataset,
        scope_label=f"release {label}, {len(partitions)} partitions",
        unit="release",
        manifest={
            "counts": counts,
            "records": counts["published"],
            "code_version": ", ".join(code_versions) or "none",
            "entities": entities,
            "validation": {"success": validated and bool(manifests), "summary": {}},
            "policy_version": manifests[-1].get("policy_version", "") if manifests else "",
        },
        representation=window,
        risk=risk,
        purpose=policy.purpose,
        scope_by_channel=policy.scope_by_channel,
        policies=policy_hashes(policy, str(manifests[-1].get("policy_version", "")) if manifests else ""),
        charts=[],
    )
    index = {"dataset": dataset, "from": start.isoformat(), "to": end.isoformat(), "partitions": partitions}
    return {
        "release/_datacard.md": card.encode(),
        f"release/{REPRESENTATION}": (json.dumps(window, indent=2, sort_keys=True) + "\n").encode(),
        "release/index.json": (json.dumps(index, indent=2, sort_keys=True) + "\n").encode(),
    }


def _indirect_sum(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Indirect-identifier counts summed over partitions (rarity stays judged within each partition)."""
    if not parts:
        return None
    total: dict[str, Any] = {
        "records": 0,
        "records_with_rare": 0,
        "rare_below_records": parts[0]["rare_below_records"],
        "ner_model": parts[0]["ner_model"],
        "by_kind": {},
        "per_record": {},
    }
    for part in parts:
        total["records"] += part["records"]
        total["records_with_rare"] += part["records_with_rare"]
        for kind, row in part["by_kind"].items():
            target = total["by_kind"].setdefault(kind, dict.fromkeys(row, 0))
            for field, n in row.items():
                target[field] += n
        for bucket, n in part["per_record"].items():
            total["per_record"][bucket] = total["per_record"].get(bucket, 0) + n
    return total


def checksums(files: dict[str, bytes]) -> bytes:
    """``sha256sum`` format, sorted by path: ``sha256sum -c SHA256SUMS`` verifies the pack."""
    lines = [f"{hashlib.sha256(body).hexdigest()}  {path}\n" for path, body in sorted(files.items())]
    return "".join(lines).encode()


def write_pack(
    storage: Storage, out: Path, *, dataset: str, start: date, end: date, policy: PipelinePolicy
) -> dict[str, Any]:
    """Write the pack into ``out`` (created; must be empty). Returns counts for the operator."""
    if start > end:
        raise PackError(f"--from {start} is after --to {end}")
    if out.exists() and any(out.iterdir()):
        raise PackError(f"{out} is not empty: an audit pack goes into a new folder")
    files = collect(storage, dataset, start, end, policy)
    for relative, body in sorted(files.items()):
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    (out / CHECKSUMS).write_bytes(checksums(files))
    partitions = sorted({p.split("/")[1] for p in files if p.startswith("partitions/")})
    return {
        "out": str(out),
        "partitions": partitions,
        "files": len(files) + 1,
        "enforcement_entries": sum(1 for p in files if p.startswith("enforcement/")),
    }
