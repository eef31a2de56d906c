"""
### Enforce consent revocations, erasure requests and retention on published training sets

Daily (03:00 UTC) and on demand, this DAG:

1. **plans**: finds customers whose latest `ai_training` consent event (for any scope) withdrew consent
   since the last successful enforcement, and every pending erasure request; only keyed hashes of them
   travel between tasks;
2. **expires** partitions older than the policy's retention period (`retention.days`) in every area:
   training sets, quarantine, review items and reports;
3. **removes** those customers' conversations (all of them after an erasure request, those of the
   revoked scopes after a revocation) from every published partition that holds them (found through
   each partition's subject index): each partition is rewritten atomically (new files, then the
   manifest switch), so readers never see a half-rewritten partition; manifests record an amendment.
   Their review items go too, and an erased customer's quarantine items;
4. **records**: marks the enforced erasure requests done, appends an audit entry under
   `audit/consent_enforcement/` of the output root (when, policy, partitions, record counts; never an
   identifier) and advances the watermark `audit/enforcement_state.json`.

**On demand**: *Trigger* this DAG; it enforces everything recorded up to the trigger time. The CLI
`curate erase --customer-id ID` does the same for one customer at once, without a scheduler.

**Backfill**: not needed and not useful: each run covers everything since the last *successful* run
(the watermark), so failed or missed days are caught up by the next success. To re-check the whole
ledger (e.g. after events were loaded late with old timestamps), trigger with `full_scan = true`.
Runs are idempotent: a second run with nothing new changes no published file.

The steps live in `support_curation.lifecycle.enforcement`; this file only wires them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task


@dag(
    dag_id="enforce_consent_revocations",
    schedule=CronTriggerTimetable("0 3 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,  # each run catches up from the watermark itself
    max_active_runs=1,  # two enforcements must not rewrite the same partition at once
    tags=["curation", "pii", "consent", "retention"],
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
        "full_scan": Param(
            False,
            type="boolean",
            description="Ignore the watermark: re-check every revocation ever recorded (idempotent, slower).",
        ),
        "expire": Param(
            True,
            type="boolean",
            description="Also expire partitions older than the policy's retention period.",
        ),
    },
)
def enforce_consent_revocations() -> None:
    # multiple_outputs=False: one XCom per result; inferred from `-> dict`, each key would be one more
    @task(multiple_outputs=False)
    def plan() -> dict[str, Any]:
        from support_curation.lifecycle.enforcement import Enforcement

        context = get_current_context()
        # run_after: the schedule's tick for scheduled runs, the trigger time for on-demand runs
        until = context["dag_run"].run_after
        return Enforcement.from_settings().plan(until, full_scan=context["params"]["full_scan"])

    @task(multiple_outputs=False)
    def expire(plan: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        from support_curation.lifecycle.enforcement import Enforcement

        if not get_current_context()["params"]["expire"]:
            return {"training": [], "other_areas": []}
        return Enforcement.from_settings().expire(plan)

    @task(multiple_outputs=False)
    def remove(plan: dict[str, Any]) -> dict[str, Any]:
        from support_curation.lifecycle.enforcement import Enforcement

        return Enforcement.from_settings().remove(plan)

    @task(multiple_outputs=False)
    def record(plan: dict[str, Any], expired: dict[str, Any], removed: dict[str, Any]) -> dict[str, Any]:
        from support_curation.lifecycle.enforcement import Enforcement

        run_id = get_current_context()["run_id"]
        return Enforcement.from_settings().record(plan, expired, removed, run_id=run_id)

    planned = plan()
    expired = expire(planned)
    removed = remove(planned)
    expired >> removed  # never rewrite a partition that is being expired
    record(planned, expired, removed)


enforce_consent_revocations()
