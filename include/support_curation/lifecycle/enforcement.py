"""One enforcement run, step by step: plan, expire, remove, record. The enforcement DAG only wires these.

Each step takes and returns JSON-safe dicts (XCom between DAG tasks): keyed hashes, partitions and
counts, never a customer id. Removal is idempotent and every step can be retried on its own.

- plan: revocations since the watermark (or all, ``full_scan``) and every pending erasure request;
- expire: partitions older than ``retention.days`` leave every area (training, quarantine, review,
  reports);
- remove: the planned subjects leave the training sets (whole, or the revoked scopes only), their
  review items, and (erasures) their quarantine items;
- record: the enforced erasure requests are marked done, audit entries are written, and the watermark
  advances to the end of the planned window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from support_curation.lifecycle import audit, ledger, quarantine, retention, rewrite

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy import Engine

    from support_curation.config import PipelinePolicy
    from support_curation.storage import Storage

REMOVAL_REASON = "consent_enforcement"


@dataclass(frozen=True)
class Enforcement:
    """What an enforcement needs: the output root, the helpdesk, the key and the policy's rules."""

    output: Storage
    helpdesk: Engine
    hmac_key: str
    dataset: str
    purpose: str
    retention_days: int
    scope_by_channel: Mapping[str, str]
    policy: dict[str, str]  # audit.policy_ref
    # the audit rules an amended partition must pass again (None: the settings' policy, when needed)
    pipeline_policy: PipelinePolicy | None = None

    @classmethod
    def from_settings(cls) -> Enforcement:
        from support_curation.config import DATASET, get_settings, load_policy
        from support_curation.sources.helpdesk import helpdesk_engine

        settings = get_settings()
        policy = load_policy(settings.policy_path)
        return cls(
            output=settings.output_storage(),
            helpdesk=helpdesk_engine(settings),
            hmac_key=settings.hmac_key.get_secret_value(),
            dataset=DATASET,
            purpose=policy.purpose,
            retention_days=policy.retention.days,
            scope_by_channel=dict(policy.scope_by_channel),
            policy=audit.policy_ref(policy.version, policy.sha256),
            pipeline_policy=policy,
        )

    def plan(
        self, until: datetime, *, full_scan: bool = False, now: datetime | None = None
    ) -> dict[str, Any]:
        """Who must go, as hashes, for the window from the watermark (or the beginning) to ``until``."""
        since = None if full_scan else audit.read_watermark(self.output)
        scan = ledger.scan_ledger(self.helpdesk, since, until, self.purpose, now=now)
        return {
            "since": since.isoformat() if since else None,
            "until": until.isoformat(),
            **ledger.removal_plan(scan, self.hmac_key),
        }

    def expire(self, plan: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """Delete every area's partitions older than the retention period, counted from ``until``."""
        older_than = datetime.fromisoformat(plan["until"]).date() - timedelta(days=self.retention_days)
        return {
            "training": retention.expire_partitions(self.output, self.dataset, older_than),
            "other_areas": retention.expire_other_areas(self.output, self.dataset, older_than),
        }

    def remove(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        """Remove the planned subjects from the training sets, the review area and the quarantine."""
        return remove_everywhere(
            self.output,
            self.dataset,
            plan["subjects"],
            REMOVAL_REASON,
            self.policy["version"],
            scopes=plan["scopes"],
            scope_by_channel=self.scope_by_channel,
            policy=self.pipeline_policy,
        )

    def record(
        self,
        plan: Mapping[str, Any],
        expired: Mapping[str, list[dict[str, Any]]],
        removed: Mapping[str, Any],
        *,
        run_id: str,
        trigger: str = "dag",
    ) -> dict[str, Any]:
        """Mark enforced erasures done, write the audit entries, advance the watermark."""
        until = datetime.fromisoformat(plan["until"])
        erased = [s for s in plan["subjects"] if s not in plan["scopes"]]  # removed whole
        done = ledger.mark_erasures_done(self.helpdesk, self.hmac_key, erased, until)
        common: dict[str, Any] = {"at": until, "policy": self.policy, "run_id": run_id, "trigger": trigger}
        keys = [
            audit.append_audit(
                self.output,
                audit.audit_entry(
                    action="remove_subjects",
                    partitions=list(removed["training"]),
                    quarantine=list(removed["quarantine"]),
                    review_items_removed=removed["review_items"],
                    window={"since": plan["since"], "until": plan["until"]},
                    subjects=len(plan["subjects"]),
                    subjects_by_reason=plan["by_reason"],
                    ledger_errors=plan.get("ledger_errors", 0),
                    erasure_requests_done=done,
                    **common,
                ),
            )
        ]
        if expired["training"] or expired["other_areas"]:
            keys.append(
                audit.append_audit(
                    self.output,
                    audit.audit_entry(
                        action="expire_partitions",
                        partitions=list(expired["training"]),
                        other_areas=list(expired["other_areas"]),
                        **common,
                    ),
                )
            )
        audit.write_watermark(self.output, until)
        return {
            "audit": keys,
            "partitions_rewritten": len(removed["training"]),
            "partitions_expired": len(expired["training"]),
        }


def remove_everywhere(
    output: Storage,
    dataset: str,
    subject_hashes: list[str],
    reason: str,
    policy_version: str,
    *,
    scopes: Mapping[str, list[str]] | None = None,
    scope_by_channel: Mapping[str, str] | None = None,
    policy: PipelinePolicy | None = None,
) -> dict[str, Any]:
    """Every trace of these subjects that may still be used: training records, review items, quarantine.

    Subjects in ``scopes`` (revocations) lose the training records of those scopes and all their review
    items (a pending item would be published on approval); their quarantine items stay, as the
    quarantine is never used for training. Every other subject (erasure) loses everything.
    """
    from support_curation.review.items import remove_subjects_from_review

    scopes = scopes or {}
    erased = [s for s in subject_hashes if s not in scopes]
    return {
        "training": rewrite.remove_subjects(
            output,
            dataset,
            subject_hashes,
            reason,
            policy_version,
            scopes=scopes,
            scope_by_channel=scope_by_channel,
            policy=policy,
        ),
        "review_items": remove_subjects_from_review(output, dataset, subject_hashes),
        "quarantine": quarantine.remove_subjects_from_quarantine(output, dataset, erased),
    }
