"""
### Curate support conversations into a training set (one day per run)

For each day (`data_interval_start` to `data_interval_end`, UTC) this DAG:

1. **extracts** tickets updated that day from the helpdesk database and chats that ended that day from
   the chat exports, keeping only the fields the training purpose needs (internal notes dropped);
   malformed input is quarantined with a reason;
2. **joins consent**: a conversation is used only if its customer's latest `ai_training` consent for
   the conversation's scope grants it (no record = no use); exclusions are counted by reason;
3. **redacts** personal data in parallel chunks (one mapped task per chunk);
4. **validates** the batch with the `residual_pii`, `consent`, `schema` and `volume` suites; a failing
   batch is quarantined and the run fails: nothing is published;
5. **publishes** the partition `training_sets/support_conversations/dt=YYYY-MM-DD/` atomically
   (data files, then `_manifest.json`), updating the `support_conversations` asset;
6. removes the day's raw staging files, whatever happened.

**Backfill from the UI**: open this DAG, choose *Trigger* → *Backfill*, pick the date range, and
choose *reprocess behaviour* (`failed`, `completed` or `none`). Each day is one run; runs are
independent and idempotent: a rerun replaces that day's partition with byte-identical files when
nothing changed, and never duplicates records. At most `max_active_runs` days run at once.

**Rerun one day**: clear the run (all tasks) in the grid view. **Dry run**: trigger with
`publish = false` to validate and write the report without publishing.

**Where to look**: the validation report (Data Docs) is under `reports/support_conversations/dt=.../`
of the output root; quarantined items (references and reasons, never content) under `quarantine/`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

if TYPE_CHECKING:
    from support_curation.pipeline import Runtime

TRAINING_SET = Asset("curation://training_sets/support_conversations")


def _runtime(chunk_size: int | None = None) -> Runtime:
    # imports stay inside tasks: parsing this file must not load the pipeline (or Presidio)
    from support_curation.config import get_settings
    from support_curation.pipeline import Interval, Runtime

    context = get_current_context()
    start, end = context["data_interval_start"], context["data_interval_end"]
    if start is None or end is None:
        raise AirflowFailException("this DAG needs a data interval: trigger it with a logical date")
    settings = get_settings()
    if chunk_size:
        settings = settings.model_copy(update={"chunk_size": chunk_size})
    return Runtime(Interval.parse(start, end), settings)


@dag(
    dag_id="curate_support_conversations",
    # a data-interval timetable: each run covers [day, day + 1) and its logical date is the day
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,  # history is loaded on purpose, with a backfill, not by accident at deploy time
    max_active_runs=2,
    max_active_tasks=4,
    tags=["curation", "pii", "training-data"],
    doc_md=__doc__,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
    },
    params={
        "chunk_size": Param(
            None,
            type=["null", "integer"],
            minimum=1,
            description="Conversations per redaction task; empty = the deployment's setting.",
        ),
        "publish": Param(
            True,
            type="boolean",
            description="Publish the validated partition. False = dry run: validate and report only.",
        ),
    },
)
def curate_support_conversations() -> None:
    @task
    def extract(source: str) -> dict:
        from support_curation.pipeline import extract as extract_source

        return extract_source(source, _runtime(get_current_context()["params"]["chunk_size"]))

    @task
    def consent_join(extracts: list[dict]) -> list[dict]:
        from support_curation.pipeline import consent_join as join

        return join(list(extracts), _runtime())

    @task(max_active_tis_per_dagrun=2)
    def redact(consented_chunk: dict) -> dict:
        from support_curation.pipeline import redact_chunk

        return redact_chunk(consented_chunk, _runtime())

    @task(trigger_rule="none_failed", retries=0)
    def validate(redacted: list[dict]) -> dict:
        from support_curation.pipeline import ValidationFailed
        from support_curation.pipeline import validate as run_validation

        try:
            return run_validation(list(redacted or []), _runtime())
        except ValidationFailed as failure:  # the message holds counts and a report link only
            raise AirflowFailException(str(failure)) from None

    @task(trigger_rule="none_failed", outlets=[TRAINING_SET])
    def publish(extracts: list[dict], consented: list[dict], redacted: list[dict], validation: dict) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        from support_curation.pipeline import publish_interval

        if not get_current_context()["params"]["publish"]:
            raise AirflowSkipException("dry run: validated and reported, not published")
        return publish_interval(
            list(extracts), list(consented or []), list(redacted or []), validation, _runtime()
        )

    @task
    def cleanup_staging() -> int:
        from support_curation.pipeline import cleanup_staging as cleanup

        return cleanup(_runtime())

    extracts = extract.expand(source=["tickets", "chat"])
    consented = consent_join(extracts)
    redacted = redact.expand(consented_chunk=consented)
    validation = validate(redacted)
    published = publish(extracts, consented, redacted, validation)
    # a teardown: runs whatever happened, and does not decide the run's state
    published >> cleanup_staging().as_teardown()


curate_support_conversations()
