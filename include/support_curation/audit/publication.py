"""The audit at publish time: the one call the pipeline's publish step makes.

``publish_audited`` takes what :func:`support_curation.publish.publish_partition` takes, plus the
policy and the consent join's results (which carry the group counts), and:

1. streams the rows once, counting quasi-identifier combinations and groups, into a local spool file
   (unless the caller can give the rows again: the pipeline reads its staged chunks twice);
2. plans k-anonymity (generalise, then suppress) from those counts; builds the representation report
   and refuses to publish when a bound with action ``block`` fails (nothing is written but the report);
3. publishes the partition with the plan applied (data files, then the manifest: the same switch),
   suppressed records counted as excluded (``k_anonymity``) so the counts still reconcile;
4. then writes the audit area (representation and risk JSON, SVG charts, the card), the card beside
   the manifest, and the aggregates dataset.

Memory holds counts of distinct combinations only; records go through the spool file (or are read again).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.audit import aggregates, charts, datacard, representation, risk
from support_curation.audit.groups import merge_groups, record_groups
from support_curation.audit.indirect import IndirectScan, Mention, scan_model
from support_curation.layout import Area, PartitionRef, area_prefix, partition_day, partitions_in

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

log = logging.getLogger(__name__)

K_ANONYMITY = "k_anonymity"  # exclusion reason of suppressed records
REPRESENTATION = "representation.json"
RISK = "risk.json"
CHARTS = "charts"

Row = tuple[dict[str, Any], str]
# a row read again, with the indirect scan's mentions where they were found already (None: found here)
RowAgain = tuple[dict[str, Any], str, "Sequence[Mention] | None"]
# The spool is a local temporary file, written and read back within the step: gzip's fastest level (as
# for staging) keeps it ~4x smaller than plain JSON at a fraction of the default level's CPU.
SPOOL_COMPRESSLEVEL = 1


def audit_key(ref: PartitionRef, name: str) -> str:
    return ref.key(Area.AUDIT, name)


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spool(rows: Iterable[Row], path: Path | None, policy: PipelinePolicy) -> Counter[tuple[Any, ...]]:
    """Write rows to a local gzip spool (unless ``path`` is None); count (combination, groups, flags)
    per record."""
    qis = policy.audit.quasi_identifiers
    dims = policy.audit.dimensions
    seen: Counter[tuple[Any, ...]] = Counter()
    with contextlib.ExitStack() as stack:
        handle = (
            stack.enter_context(gzip.open(path, "wt", encoding="utf-8", compresslevel=SPOOL_COMPRESSLEVEL))
            if path is not None
            else None
        )
        for record, customer_id in rows:
            if handle is not None:
                handle.write(json.dumps([record, customer_id], ensure_ascii=False) + "\n")
            groups = record_groups(record, dims)
            flags = tuple(sorted(record.get("flags") or []))
            seen[(risk.combination(record, qis), tuple(groups[d] for d in dims), flags)] += 1
    return seen


def unspool(path: Path) -> Iterator[Row]:
    """The (record, subject) rows of a spool, in the order they were written."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record, customer_id = json.loads(line)
            yield record, customer_id


def _group_counts(
    seen: Counter[tuple[Any, ...]], plan: risk.KAnonymityPlan, dims: Sequence[str]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]], dict[str, int]]:
    """(published per group, suppressed per group, published per flag), by true values."""
    published: dict[str, dict[str, int]] = {d: {} for d in dims}
    suppressed: dict[str, dict[str, int]] = {d: {} for d in dims}
    flags: dict[str, int] = {}
    for (combo, groups, record_flags), count in seen.items():
        target = suppressed if plan.suppressed(combo) else published
        for dimension, value in zip(dims, groups, strict=True):
            target[dimension][value] = target[dimension].get(value, 0) + count
        if not plan.suppressed(combo):
            for flag in record_flags:
                flags[flag] = flags.get(flag, 0) + count
    return published, suppressed, flags


def previous_reports(
    storage: Storage, ref: PartitionRef, window_days: int
) -> tuple[list[str], list[dict[str, Any]]]:
    """Representation reports of the released partitions in the trailing window (oldest first)."""
    day = partition_day(ref.partition)
    earliest = day - timedelta(days=window_days)
    released = set(publish.published_partitions(storage, ref.dataset))
    grouped = partitions_in(storage.list(area_prefix(Area.AUDIT, ref.dataset)), Area.AUDIT, ref.dataset)
    names, reports = [], []
    for partition in sorted(grouped):
        key = audit_key(PartitionRef(ref.dataset, partition), REPRESENTATION)
        if partition in released and key in grouped[partition] and earliest <= partition_day(partition) < day:
            names.append(partition)
            reports.append(json.loads(storage.get_bytes(key)))
    return names, reports


def policy_hashes(policy: PipelinePolicy, policy_version: str) -> list[dict[str, str]]:
    redaction_path = policy.redaction_policy_path
    redaction_version = policy_version.split("+", 1)[1] if "+" in policy_version else "unknown"
    return [
        {"name": "pipeline", "version": policy.version, "sha256": policy.sha256},
        {
            "name": "redaction",
            "version": redaction_version,
            "sha256": hashlib.sha256(Path(redaction_path).read_bytes()).hexdigest(),
        },
    ]


def _json(body: Any) -> bytes:
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def publish_audited(
    storage: Storage,
    policy: PipelinePolicy,
    consented: Sequence[Mapping[str, Any]],
    *,
    dataset: str,
    partition: str,
    rows: Iterable[Row],
    hmac_key: str,
    metadata: dict[str, Any],
    publish_partition: Callable[..., publish.Manifest] = publish.publish_partition,
    rows_again: Callable[[], Iterable[RowAgain]] | None = None,
) -> publish.Manifest:
    """Publish a partition with k-anonymity enforced and its audit written (see the module doc).

    ``rows_again``: the same rows once more, in the same order, where the caller can read them again
    (the pipeline's staged chunks); then no spool is written, which saves encoding and compressing
    every record once. Each comes with its :func:`indirect.record_mentions` where the caller found them
    already (the pipeline's redaction tasks, in parallel), else None. Raises RuntimeError when it gives
    another number of rows.

    Raises:
        representation.RepresentationBlocked: a representation bound with action ``block`` failed.
        risk.KAnonymityNotMet: groups under ``k_min`` remain and the policy cannot suppress them.
    """
    ref = PartitionRef(dataset, partition)
    audit_policy = policy.audit
    dims = list(audit_policy.dimensions)
    groups = merge_groups(c.get("groups") for c in consented)
    counts = dict(metadata.get("counts", {}))
    attributed = sum(groups["extracted"].get("source", {}).values())
    unattributed = max(0, int(counts.get("extracted", attributed)) - attributed)

    with tempfile.TemporaryDirectory(prefix="curation-audit-") as tmp:
        spool = Path(tmp) / "rows.jsonl.gz"
        seen = _spool(rows, None if rows_again else spool, policy)
        second_pass = rows_again or (lambda: ((record, subject, None) for record, subject in unspool(spool)))
        combos: Counter[tuple[str, ...]] = Counter()
        for (combo, _, _), count in seen.items():
            combos[combo] += count
        plan = risk.plan_k_anonymity(combos, audit_policy, policy.scope_by_channel)
        published, suppressed, flags = _group_counts(seen, plan, dims)
        drift_names, drift_reports = previous_reports(storage, ref, audit_policy.drift.window_days)
        rep = representation.representation_report(
            groups=groups,
            published=published,
            suppressed=suppressed,
            flags=flags,
            unattributed=unattributed,
            policy=audit_policy,
            previous=drift_reports,
            previous_partitions=drift_names,
        )
        # the same rule over this partition and the trailing ones: a day is often too small to tell
        window = representation.window_report([*drift_reports, rep], audit_policy)
        rep["window"] = {
            "partitions": [*drift_names, partition],
            "flagged": window["flagged"],
            "flagged_by_cause": window["flagged_by_cause"],
        }
        risk_report = plan.report()
        storage.put_bytes(audit_key(ref, REPRESENTATION), _json(rep))
        if rep["blocked"]:
            raise representation.RepresentationBlocked(
                f"representation bounds failed for {partition}: {', '.join(rep['flagged'])}"
            )

        n_suppressed = risk_report["suppressed"]
        if n_suppressed:
            excluded = dict(counts.get("excluded", {}))
            excluded[K_ANONYMITY] = excluded.get(K_ANONYMITY, 0) + n_suppressed
            counts["excluded"] = dict(sorted(excluded.items()))
            counts["published"] = int(counts.get("published", 0)) - n_suppressed
        audit_summary = {
            "k_min": audit_policy.k_min,
            "min_k": risk_report["after"]["min_k"],
            "generalised": risk_report["generalised"],
            "suppressed": n_suppressed,
            "representation_success": rep["success"],
            "flagged": rep["flagged"],
        }
        cells: Counter[tuple[str, ...]] = Counter()
        agg_dims = list(audit_policy.aggregate_dimensions)
        scan = IndirectScan(audit_policy.k_min, scan_model(policy))

        def published_rows() -> Iterator[Row]:
            read = 0
            for record, customer_id, found in second_pass():
                read += 1
                shown = plan.apply(record)
                if shown is None:
                    continue
                # aggregates count true values (segment premium, not "other"): their own small-cell
                # suppression protects them, and analysts get the resolution k-anonymity took away
                cells[aggregates.cell_key(record, agg_dims)] += 1
                scan.add(shown, found)  # generalising changes no message: the same mentions
                yield shown, customer_id
            # before the manifest is written: the plan was made for the rows the first pass counted
            if read != seen.total():
                raise RuntimeError(f"the second pass over the rows read {read}, the first {seen.total()}")

        manifest = publish_partition(
            storage,
            dataset=dataset,
            partition=partition,
            rows=published_rows(),
            hmac_key=hmac_key,
            metadata={**metadata, "counts": counts, "audit": audit_summary},
        )

    risk_report["indirect"] = scan.report()
    storage.put_bytes(audit_key(ref, RISK), _json(risk_report))
    agg_manifest = aggregates.publish_aggregates(
        storage,
        ref,
        day=partition_day(partition).isoformat(),
        dimensions=agg_dims,
        cells=cells,
        k_min=audit_policy.k_min,
        metadata={
            "code_version": manifest.body.get("code_version", ""),
            "policy_version": metadata.get("policy_version", ""),
            "records": manifest.body["records"],
        },
    )
    write_audit_files(storage, ref, policy, manifest.body, rep, risk_report, agg_manifest)
    log.info("audited %s: min k %s, flagged %s", partition, audit_summary["min_k"], rep["flagged"])
    return manifest


def write_audit_files(
    storage: Storage,
    ref: PartitionRef,
    policy: PipelinePolicy,
    manifest: Mapping[str, Any],
    rep: Mapping[str, Any],
    risk_report: Mapping[str, Any],
    agg_manifest: Mapping[str, Any] | None,
) -> list[str]:
    """Charts and the card in the audit area, and the card beside the partition's manifest."""
    written = []
    names = []
    for dimension, rows in rep["dimensions"].items():
        name = charts.chart_name(dimension)
        title = f"Representation by {dimension}, {ref.partition}"
        storage.put_bytes(
            audit_key(ref, f"{CHARTS}/{name}"), charts.representation_svg(dimension, rows, title)
        )
        written.append(audit_key(ref, f"{CHARTS}/{name}"))
        names.append((dimension, name))
    # the card beside the manifest points at the charts in the audit area: up dataset/partition/area
    beside = "../../../" + ref.prefix(Area.AUDIT) + f"/{CHARTS}/"
    for key, base in (
        (audit_key(ref, datacard.CARD), f"{CHARTS}/"),
        (ref.key(Area.TRAINING, datacard.CARD), beside),
    ):
        card = datacard.render_card(
            dataset=ref.dataset,
            scope_label=ref.partition,
            unit="partition",
            manifest=manifest,
            representation=rep,
            risk=risk_report,
            purpose=policy.purpose,
            scope_by_channel=policy.scope_by_channel,
            policies=policy_hashes(policy, str(manifest.get("policy_version", ""))),
            charts=[{"dimension": d, "path": base + n} for d, n in names],
            aggregates=agg_manifest,
            review=manifest.get("review"),
        )
        storage.put_bytes(key, card.encode())
        written.append(key)
    return written


def audit_lines(storage: Storage, dataset: str, partitions: Sequence[str]) -> list[str]:
    """One line per audited partition for operators: card, smallest group, flagged groups by cause."""
    lines = []
    for partition in partitions:
        ref = PartitionRef(dataset, partition)
        if not storage.exists(audit_key(ref, REPRESENTATION)):
            continue
        rep = json.loads(storage.get_bytes(audit_key(ref, REPRESENTATION)))
        risk_report = json.loads(storage.get_bytes(audit_key(ref, RISK)))
        causes = "; ".join(
            f"{cause}: {', '.join(names)}" for cause, names in rep.get("flagged_by_cause", {}).items()
        )
        window = rep.get("window", {})
        over = "; ".join(f"{c}: {', '.join(n)}" for c, n in window.get("flagged_by_cause", {}).items())
        lines.append(
            f"{partition}  min k {risk_report['after']['min_k']} (k_min {risk_report['k_min']}, "
            f"{risk_report['generalised']} generalised, {risk_report['suppressed']} suppressed)  "
            f"flagged: {causes or 'none'}  |  over {len(window.get('partitions', []))} partition(s): "
            f"{over or 'none'}"
        )
    return lines
