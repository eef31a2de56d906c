"""
### Apply stewards' review decisions to published training-set partitions

Stewards decide on review items (sensitive-topic conversations, audit samples) in the steward pages of
the Airflow UI or with `curate review decide`; decisions are stored append-only in the `curation_state`
database. Daily (05:00 UTC) and on demand, this DAG:

1. **plans**: lists the partitions that have decisions not applied yet (or the one given as `partition`);
2. **applies** each partition's decisions as one atomic amendment (one mapped task per partition): approved
   review items are added (unless their customer was erased or revoked consent since they were queued),
   excluded ones counted as `excluded.reviewer:<reason>`, excluded samples removed, and every value a
   steward marked as missed personal data redacted at each of its mentions in the partition; the partition
   is rewritten as the enforcement DAG rewrites it (new files, then the manifest switch), counts reconciled,
   the leak estimate (Wilson 95 % upper bound) and the release status written to the manifest; each
   amended partition updates the `support_conversations` asset, with its status in the event's extra;
3. **reports**: the leak estimate over the window and the missed-data marks by type (counts only).

**On demand**: *Trigger* this DAG (optionally with `partition = dt=YYYY-MM-DD`); `curate review apply`
does the same without a scheduler.

**Backfill**: not needed and not useful: each run applies every decision recorded and not yet applied,
whenever it was made; runs are idempotent (an applied decision is never applied twice).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.sdk import Asset, CronTriggerTimetable, Param, dag, get_current_context, task

from support_curation.config import DATASET
from support_curation.layout import training_set_asset_uri

if TYPE_CHECKING:
    from support_curation.review.apply import Context

# the asset the main DAG publishes (same URI): consumers learn that a partition changed or was released
TRAINING_SET = Asset(training_set_asset_uri(DATASET))


def _context() -> Context:
    from support_curation.config import get_settings
    from support_curation.review.apply import context_from_settings

    # run_after: the schedule's tick, or the trigger time: the time consent is checked against
    return context_from_settings(get_settings(), get_current_context()["dag_run"].run_after)


@dag(
    dag_id="apply_review_decisions",
    schedule=CronTriggerTimetable("0 5 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,  # each run applies everything pending
    max_active_runs=1,  # two runs must not amend the same partition at once
    tags=["curation", "pii", "review"],
    doc_md=__doc__,
    default_args={
        "owner": "data-platform",
        "retries": 3,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": True,
        # every task: a rewrite that hangs must not hold a worker (and a partition lock) for ever
        "execution_timeout": timedelta(hours=2),
    },
    params={
        "partition": Param(
            None,
            type=["null", "string"],
            pattern=r"^dt=\d{4}-\d{2}-\d{2}$",
            description="Apply only this partition's decisions (dt=YYYY-MM-DD); empty = every partition.",
        ),
    },
)
def apply_review_decisions() -> None:
    @task
    def plan() -> list[str]:
        from support_curation.review.apply import partitions_with_pending

        wanted = get_current_context()["params"]["partition"]
        ctx = _context()
        pending = partitions_with_pending(ctx.store, ctx.dataset)
        return [p for p in pending if p == wanted] if wanted else pending

    # multiple_outputs=False: one XCom per result; inferred from `-> dict`, each key would be one more
    @task(multiple_outputs=False, outlets=[TRAINING_SET])
    def apply(partition: str) -> dict[str, Any]:
        from support_curation import publish
        from support_curation.review.apply import apply_partition

        ctx = _context()
        summary = apply_partition(ctx, partition)
        manifest = publish.read_manifest(ctx.storage, ctx.dataset, partition) or {}
        summary["status"] = manifest.get("status")
        event = get_current_context()["outlet_events"][TRAINING_SET]
        event.extra = {"partition": partition, "status": summary["status"], "reason": "review_decisions"}
        return summary

    @task(multiple_outputs=False)
    def report(applied: list[dict[str, Any]]) -> dict[str, Any]:
        from support_curation.review.report import leak_report

        ctx = _context()
        result = leak_report(ctx.storage, ctx.dataset)
        return {
            "partitions_amended": [a["partition"] for a in applied if a.get("outcomes")],
            "pooled": result["pooled"],
            "missed_pii_by_type": result["missed_pii_by_type"],
        }

    report(apply.expand(partition=plan()))


apply_review_decisions()
