"""The audit again when a published partition is amended: consent enforcement and review decisions.

Both rewriters hand their rows (each with its subject hash) and the carried-over manifest fields to
:func:`republish`. A partition that was published with the audit (its manifest has an ``audit`` block)
goes through the same rules as a fresh publish, on the values it now holds:

1. the rows are spooled to a local file while their quasi-identifier combinations are counted;
2. k-anonymity is planned again from those counts (removals shrink groups; approved review items arrive
   with fine-grained values): the policy's generalise steps, then suppress. Suppressed records move from
   ``published`` to ``excluded["k_anonymity"]``, so the counts still reconcile, and leave the subject
   index with their records;
3. the partition is published (data files, subject index, then the manifest switch);
4. the risk report and both copies of the card (audit area, and ``_datacard.md`` beside the manifest,
   which the switch removed) are written again from the new manifest.

When the policy cannot reach ``k_min`` (it has no suppress step), a voluntary amendment (review decisions)
is refused before anything is written (:class:`risk.KAnonymityNotMet`, the decisions stay pending); a
mandatory one (a consent removal must happen) suppresses what is left under ``k_min`` and says so
(``forced_suppression``). The representation report stays the publication's (its extracted side is only
known at the consent join, and the published records may carry generalised values): the card says the
table predates the amendments, whose counts it lists. A partition published without the audit (before
it existed) is rewritten as it was published: without a card.
"""

from __future__ import annotations

import gzip
import json
import logging
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.audit import risk
from support_curation.audit.indirect import IndirectScan, scan_model
from support_curation.audit.publication import (
    K_ANONYMITY,
    REPRESENTATION,
    RISK,
    SPOOL_COMPRESSLEVEL,
    Row,
    audit_key,
    unspool,
    write_audit_files,
)
from support_curation.config import AuditAction
from support_curation.layout import Area, PartitionRef

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

log = logging.getLogger(__name__)


def current_policy() -> PipelinePolicy:
    """The pipeline policy the settings name: what a fresh publish of the partition would apply now."""
    from support_curation.config import get_settings, load_policy

    return load_policy(get_settings().policy_path)


def republish(
    storage: Storage,
    *,
    dataset: str,
    partition: str,
    rows: Iterable[Row],
    metadata: dict[str, Any],
    policy: PipelinePolicy | None = None,
    mandatory: bool = False,
    on_suppressed: Callable[[set[str]], None] | None = None,
) -> publish.Manifest:
    """Publish an amended partition (rows carry subject hashes) with its audit re-applied (module doc).

    ``metadata`` is the manifest without the fields publish computes, already amended by the caller
    (counts, ``amendments``); its last amendment gains what k-anonymity did to the new contents.
    ``on_suppressed`` gets the ids of the records k-anonymity keeps out, before ``metadata`` is read for
    the manifest: a caller whose manifest fields name records (review outcomes) can correct them.

    Raises:
        risk.KAnonymityNotMet: a voluntary amendment would leave groups under ``k_min``; nothing written.
    """
    if "audit" not in metadata:
        return publish.publish_partition(
            storage,
            dataset=dataset,
            partition=partition,
            rows=rows,
            hmac_key="",  # unused: the rows carry the subject index's hashes
            metadata=metadata,
            subjects_hashed=True,
        )
    policy = policy or current_policy()
    ref = PartitionRef(dataset, partition)
    # callers hold the lock already (it is re-entrant); taken here so the card is never written unlocked
    with (
        publish.partition_lock(storage, dataset, partition),
        tempfile.TemporaryDirectory(prefix="curation-amend-") as tmp,
    ):
        spool = Path(tmp) / "rows.jsonl.gz"
        combos = _spool(rows, spool, policy.audit.quasi_identifiers)
        plan, forced = _plan(combos, policy, ref, mandatory)
        report = plan.report()
        if on_suppressed is not None and report["suppressed"]:
            on_suppressed({r["record_id"] for r, _ in unspool(spool) if plan.apply(r) is None})
        metadata = _amended_metadata(metadata, report, forced, policy.audit.k_min)
        entities: dict[str, int] = {}
        scan = IndirectScan(policy.audit.k_min, scan_model(policy))

        def shown() -> Iterator[Row]:
            for record, subject in unspool(spool):
                published = plan.apply(record)
                if published is None:
                    continue
                for kind, count in (published.get("entities") or {}).items():
                    entities[kind] = entities.get(kind, 0) + count
                scan.add(published)
                yield published, subject

        if "entities" in metadata:
            metadata["entities"] = entities  # filled while the rows stream: the manifest is written last
        manifest = publish.publish_partition(
            storage,
            dataset=dataset,
            partition=partition,
            rows=shown(),
            hmac_key="",
            metadata=metadata,
            subjects_hashed=True,
        )
        risk_report = _risk_report(storage, ref, report, scan.report())
        storage.put_bytes(audit_key(ref, RISK), _json(risk_report))
        write_audit_files(
            storage,
            ref,
            policy,
            manifest.body,
            _read_json(storage, audit_key(ref, REPRESENTATION)) or {"dimensions": {}},
            risk_report,
            _read_json(storage, f"{ref.prefix(Area.AGGREGATES)}/{publish.MANIFEST}"),
        )
    log.info(
        "re-audited amended %s: min k %s, %d generalised, %d suppressed",
        partition,
        report["after"]["min_k"],
        report["generalised"],
        report["suppressed"],
    )
    return manifest


def _spool(rows: Iterable[Row], path: Path, quasi_identifiers: list[str]) -> Counter[risk.Combination]:
    combos: Counter[risk.Combination] = Counter()
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=SPOOL_COMPRESSLEVEL) as handle:
        for record, subject in rows:
            handle.write(json.dumps([record, subject], ensure_ascii=False) + "\n")
            combos[risk.combination(record, quasi_identifiers)] += 1
    return combos


def _plan(
    combos: Counter[risk.Combination], policy: PipelinePolicy, ref: PartitionRef, mandatory: bool
) -> tuple[risk.KAnonymityPlan, bool]:
    """The policy's plan; for a mandatory amendment, with a final suppress when the policy has none."""
    try:
        return risk.plan_k_anonymity(combos, policy.audit, policy.scope_by_channel), False
    except risk.KAnonymityNotMet as error:
        if not mandatory:
            raise risk.KAnonymityNotMet(
                f"amending {ref.partition} refused, nothing written: {error}"
            ) from None
    # records that must leave cannot wait for a policy change; suppressing more is the safe side
    actions = [*policy.audit.actions, AuditAction(action="suppress")]
    forced = policy.audit.model_copy(update={"actions": actions})
    return risk.plan_k_anonymity(combos, forced, policy.scope_by_channel), True


def _amended_metadata(
    metadata: dict[str, Any], report: dict[str, Any], forced: bool, k_min: int
) -> dict[str, Any]:
    """Counts, audit summary and the last amendment with what k-anonymity did this time."""
    out = dict(metadata)
    suppressed, generalised = int(report["suppressed"]), int(report["generalised"])
    counts = dict(out.get("counts") or {})
    if suppressed and "published" in counts:
        excluded = dict(counts.get("excluded") or {})
        excluded[K_ANONYMITY] = int(excluded.get(K_ANONYMITY, 0)) + suppressed
        counts["excluded"] = dict(sorted(excluded.items()))
        counts["published"] = int(counts["published"]) - suppressed
    out["counts"] = counts
    prior = dict(out.get("audit") or {})
    out["audit"] = prior | {
        "k_min": k_min,
        "min_k": report["after"]["min_k"],
        "generalised": int(prior.get("generalised", 0)) + generalised,
        "suppressed": int(prior.get("suppressed", 0)) + suppressed,
    }
    amendments = [dict(a) for a in out.get("amendments") or []]
    if amendments:
        done: dict[str, Any] = {"generalised": generalised, "suppressed": suppressed}
        if forced:
            done["forced_suppression"] = True
        amendments[-1]["k_anonymity"] = done
        out["amendments"] = amendments
    return out


def _risk_report(
    storage: Storage, ref: PartitionRef, report: dict[str, Any], indirect: dict[str, Any]
) -> dict[str, Any]:
    """The partition's risk report after the amendment: first publication's "before", the new "after".

    Generalised and suppressed records add up over the publication and its amendments, as in the manifest.
    """
    prior = _read_json(storage, audit_key(ref, RISK)) or {}
    steps = [*prior.get("steps", []), *({**s, "amendment": True} for s in report["steps"])]
    return report | {
        "before": prior.get("before", report["before"]),
        "steps": steps,
        "generalised": int(prior.get("generalised", 0)) + int(report["generalised"]),
        "suppressed": int(prior.get("suppressed", 0)) + int(report["suppressed"]),
        "amendments": int(prior.get("amendments", 0)) + 1,
        "indirect": indirect,
    }


def _read_json(storage: Storage, key: str) -> dict[str, Any] | None:
    return json.loads(storage.get_bytes(key)) if storage.exists(key) else None


def _json(body: Any) -> bytes:
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()
