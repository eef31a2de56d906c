"""What the pipeline hands to review: sensitive-topic conversations and each partition's audit sample.

``redact_chunk`` stages the redacted conversations whose topic action is ``review`` beside the ones to
publish. At publish, :class:`ReviewPublication` takes part twice:

- ``observe`` watches the staged rows on their way to the publisher and draws the audit sample
  (``sampling``); staged rows still carry the consent scope an item needs;
- ``publish_partition`` wraps :func:`support_curation.publish.publish_partition`: it adds the manifest's
  ``status`` and ``review`` fields, and swaps each drawn record for the version actually published (the
  publish step may still generalise or suppress records for k-anonymity: a suppressed one is no sample).

``queue`` then replaces the partition's items with the review-required conversations and the sample.
A rerun of the interval queues afresh what it published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support_curation import publish
from support_curation.records import subject_id
from support_curation.review import items
from support_curation.review.leak import LeakEstimate, release_status
from support_curation.review.names import Kind
from support_curation.review.sampling import AuditSampler, sample_size

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from datetime import datetime

    from support_curation.config import PipelinePolicy, Settings
    from support_curation.layout import PartitionRef
    from support_curation.storage import Storage


def audit_sampler(policy: PipelinePolicy, ref: PartitionRef, published: int) -> AuditSampler:
    """The sampler for a partition about to publish ``published`` records (seeded by policy and day)."""
    audit = policy.review.audit_sample
    size = sample_size(published, count=audit.count, fraction=audit.fraction)
    return AuditSampler(size=size, seed=f"{audit.seed}:{ref.dataset}:{ref.partition}")


def review_metadata(policy: PipelinePolicy, sampled: int, queued: dict[str, int]) -> dict[str, Any]:
    """The manifest's ``status`` and ``review`` fields at first publication (nothing reviewed yet)."""
    estimate = LeakEstimate(sampled=sampled, reviewed=0, with_missed_pii=0)
    return {
        "status": release_status(
            estimate,
            require_audit=policy.release.require_audit,
            max_leak_upper=policy.release.max_leak_upper,
        ),
        "review": {"queued": dict(sorted(queued.items())), "leak": estimate.as_dict(), "applied": {}},
    }


class ReviewPublication:
    """The review side of publishing one partition (see the module doc)."""

    def __init__(self, policy: PipelinePolicy, ref: PartitionRef, *, published: int, review_required: int):
        self.policy = policy
        self.ref = ref
        self.sampler = audit_sampler(policy, ref, published)
        self.review_required = review_required
        self._published_sample: list[dict[str, Any]] = []

    def observe(self, staged_rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.sampler.observe(staged_rows)

    def publish_partition(
        self,
        storage: Storage,
        *,
        rows: Iterable[tuple[dict[str, Any], str]],
        metadata: dict[str, Any],
        **kw: Any,
    ) -> publish.Manifest:
        """``publish.publish_partition`` with the review fields, noting which drawn records went out.

        Works whether the sampler saw every row before (a spooling publish step) or sees them on the
        way (rows streamed straight through): the published version of every record that is still a
        candidate is kept (at most the candidates: pruned as they fall out), the draw settled at the end.
        """
        sampler = self.sampler
        versions: dict[str, dict[str, Any]] = {}
        # validation queued its row-level quarantine already; it is counted per detector in the manifest
        quarantined = (metadata.get("counts") or {}).get("quarantined") or {}
        residual = sum(n for k, n in quarantined.items() if k.split(":")[0] == Kind.RESIDUAL_PII)
        queued = {str(Kind.REVIEW_REQUIRED): self.review_required}
        if residual:
            queued[str(Kind.RESIDUAL_PII)] = residual
        merged = metadata | review_metadata(self.policy, sampler.size, queued)

        def watched() -> Iterator[tuple[dict[str, Any], str]]:
            for record, customer in rows:
                if sampler.is_candidate(record["record_id"]):
                    versions[record["record_id"]] = record
                    if len(versions) > 4 * max(sampler.size, 1) * max(len(sampler.strata), 1):
                        for evicted in [r for r in versions if not sampler.is_candidate(r)]:
                            del versions[evicted]
                yield record, customer
            # publish_partition writes the manifest after the last row: the sample's true size goes in
            self._published_sample = [
                row | {"record": versions[row["record"]["record_id"]]}
                for row in sampler.sample()
                if row["record"]["record_id"] in versions
            ]
            queued[str(Kind.AUDIT_SAMPLE)] = len(self._published_sample)
            fields = review_metadata(self.policy, len(self._published_sample), queued)
            merged.update(fields)

        return publish.publish_partition(storage, rows=watched(), metadata=merged, **kw)

    def queue(
        self,
        storage: Storage,
        *,
        hmac_key: str,
        review_rows: Iterable[dict[str, Any]],
        queued_at: datetime,
    ) -> dict[str, int]:
        """Replace the partition's items with its review-required conversations and its audit sample.

        Rows are staging rows (``{"record", "customer_id", "scope", ...}``): the customer id becomes the
        subject hash here and goes no further.
        """
        items.clear_partition(storage, self.ref, kinds=(Kind.REVIEW_REQUIRED, Kind.AUDIT_SAMPLE))

        def as_items(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], str, str | None]]:
            for row in rows:
                yield row["record"], subject_id(hmac_key, row["customer_id"]), row.get("scope")

        return {
            str(Kind.REVIEW_REQUIRED): items.queue_records(
                storage, self.ref, Kind.REVIEW_REQUIRED, as_items(review_rows), queued_at
            ),
            str(Kind.AUDIT_SAMPLE): items.queue_records(
                storage, self.ref, Kind.AUDIT_SAMPLE, as_items(self._published_sample), queued_at
            ),
        }

    def restore_decisions(self, settings: Settings, now: datetime) -> dict[str, Any] | None:
        """After a rerun republished the partition and re-queued its items: re-apply the stewards'
        earlier decisions (``apply.reapply_partition``). Returns the amended manifest, or None when
        there was nothing to re-apply (a first run, or no decisions yet)."""
        from support_curation.review.apply import context_from_settings, reapply_partition

        ctx = context_from_settings(settings, now, self.ref.dataset)
        if not reapply_partition(ctx, self.ref.partition)["rounds"]:
            return None
        return publish.read_manifest(ctx.storage, ctx.dataset, self.ref.partition)
