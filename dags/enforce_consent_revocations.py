"""
### Enforce consent revocations, erasure requests and retention on published training sets

Daily (03:00 UTC) and on demand, this DAG:

1. **plans**: finds customers whose latest `ai_training` consent event (for any scope) withdrew consent
   since the last successful enforcement, and every pending erasure request; only keyed hashes of them
   travel between tasks;
2. **expires** published partitions older than the policy's retention period (`retention.days`);
3. **removes** those customers' conversations (all of them after an erasure request, those of the
   revoked scopes after a revocation) from every published partition that holds them (found through
   each partition's subject index): each partition is rewritten atomically (new files, then the
   manifest switch), so readers never see a half-rewritten partition; manifests record an amendment;
4. **records**: marks the enforced erasure requests done, appends an audit entry under
   `audit/consent_enforcement/` of the output root (when, policy, partitions, record counts; never an
   identifier) and advances the watermark `audit/enforcement_state.json`.

**On demand**: *Trigger* this DAG; it enforces everything recorded up to the trigger time. The CLI
`curate erase --customer-id ID` does the same for one customer at once, without a scheduler.

**Backfill**: not needed and not useful: each run covers everything since the last *successful* run
(the watermark), so failed or missed days are caught up by the next success. To re-check the whole
ledger (e.g. after events were loaded late with old timestamps), trigger with `full_scan = true`.
Runs are idempotent: a second run with nothing new changes no published file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

if TYPE_CHECKING:
    from datetime import datetime

    from support_curation.storage import Storage


def _output() -> Storage:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def _policy_ref() -> dict[str, str]:
    from support_curation.config import get_settings, load_policy
    from support_curation.lifecycle import policy_ref

    policy = load_policy(get_settings().policy_path)
    return policy_ref(policy.version, policy.sha256)


def _until() -> datetime:
    # run_after: the schedule's tick for scheduled runs, the trigger time for on-demand runs
    return get_current_context()["dag_run"].run_after


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
    @task
    def plan() -> dict[str, Any]:
        from support_curation.config import get_settings, load_policy
        from support_curation.lifecycle import read_watermark, removal_plan
        from support_curation.sources.helpdesk import helpdesk_engine

        settings = get_settings()
        until = _until()
        since = None if get_current_context()["params"]["full_scan"] else read_watermark(_output())
        planned = removal_plan(
            helpdesk_engine(settings),
            settings.hmac_key.get_secret_value(),
            since,
            until,
            load_policy(settings.policy_path).purpose,
        )
        # keyed hashes and counts only: XCom never holds a customer id
        return {"since": since.isoformat() if since else None, "until": until.isoformat(), **planned}

    @task
    def expire(plan: dict[str, Any]) -> list[dict[str, Any]]:
        from datetime import datetime

        from support_curation.config import DATASET, get_settings, load_policy
        from support_curation.lifecycle import expire_partitions

        if not get_current_context()["params"]["expire"]:
            return []
        days = load_policy(get_settings().policy_path).retention.days
        older_than = datetime.fromisoformat(plan["until"]).date() - timedelta(days=days)
        return expire_partitions(_output(), DATASET, older_than)

    @task
    def remove(plan: dict[str, Any]) -> list[dict[str, Any]]:
        from support_curation.config import DATASET, get_settings, load_policy
        from support_curation.lifecycle import remove_subjects

        return remove_subjects(
            _output(),
            DATASET,
            plan["subjects"],
            "consent_enforcement",
            _policy_ref()["version"],
            scopes=plan["scopes"],
            scope_by_channel=load_policy(get_settings().policy_path).scope_by_channel,
        )

    @task
    def record(plan: dict[str, Any], expired: list[dict[str, Any]], removed: list[dict[str, Any]]) -> dict:
        from datetime import datetime

        from support_curation.config import get_settings
        from support_curation.lifecycle import append_audit, audit_entry, mark_erasures_done, write_watermark
        from support_curation.sources.helpdesk import helpdesk_engine

        settings = get_settings()
        until = datetime.fromisoformat(plan["until"])
        erased = [s for s in plan["subjects"] if s not in plan["scopes"]]  # removed whole
        done = mark_erasures_done(
            helpdesk_engine(settings), settings.hmac_key.get_secret_value(), erased, until
        )
        output = _output()
        context = get_current_context()
        common = {"at": until, "policy": _policy_ref(), "run_id": context["run_id"]}
        keys = [
            append_audit(
                output,
                audit_entry(
                    action="remove_subjects",
                    partitions=list(removed),
                    window={"since": plan["since"], "until": plan["until"]},
                    subjects=len(plan["subjects"]),
                    subjects_by_reason=plan["by_reason"],
                    erasure_requests_done=done,
                    **common,
                ),
            )
        ]
        if expired:
            keys.append(
                append_audit(
                    output, audit_entry(action="expire_partitions", partitions=list(expired), **common)
                )
            )
        write_watermark(output, until)
        return {"audit": keys, "partitions_rewritten": len(removed), "partitions_expired": len(expired)}

    planned = plan()
    expired = expire(planned)
    removed = remove(planned)
    expired >> removed  # never rewrite a partition that is being expired
    record(planned, expired, removed)


enforce_consent_revocations()
