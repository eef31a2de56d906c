"""
### Curate support conversations into a training set (one day per run)

For each day (`data_interval_start` to `data_interval_end`, UTC) this DAG:

1. **extracts** tickets updated that day from the helpdesk database and chats that ended that day from
   the chat exports, keeping only the fields the training purpose needs (internal notes dropped);
   malformed input is quarantined with a reason;
2. **joins consent** and 3. **redacts** personal data in parallel chunks (one mapped `redact` task per
   extracted chunk): a conversation is used only if its customer's latest `ai_training` consent for
   the conversation's scope grants it (no record = no use; exclusions are counted by reason), then its
   personal data is removed and the residual-PII gate counts what is left;
4. **validates** the batch with the `residual_pii`, `consent`, `schema` and `volume` suites; a failing
   batch is quarantined and the run fails: nothing is published;
5. **publishes** the partition `training_sets/support_conversations/dt=YYYY-MM-DD/` atomically
   (data files, then `_manifest.json`), updating the `support_conversations` asset;
6. removes the day's raw staging files, whatever happened.

**Which day a run curates**: each run's note says it (*Curates dt=YYYY-MM-DD ...*). A scheduled or
backfilled run curates the day of its logical date. A *Single Run* curates the `day` param when set;
left empty, Airflow infers the interval that *ended* at the logical date, i.e. the day before it.

**Backfill from the UI**: open this DAG, choose *Trigger* → *Backfill*, set the *Date Range* (first and
last day to curate), choose *Reprocess Behavior* (*Missing Runs*, *Missing and Errored Runs* or *All
Runs*) and *Max Active Runs* (the dialog's default is 1; the DAG allows 2 at once). Each day is one run;
runs are independent and idempotent: a rerun replaces that day's partition with byte-identical files
when nothing changed, and never duplicates records.

**Rerun one day**: clear the run (all tasks) in the grid view. **Dry run of any day**, published or
not: *Trigger* → *Single Run*, keep the default logical date, set `day` to the day and switch `publish`
off. It validates and writes its report beside the published one (never over it); nothing is published.

**Where to look**: *Training data* in the menu (and each run's *Validation report* tab): every
partition's state, counts that reconcile, the validation report, quarantine reasons and trends.
A missing source table, refused credentials or a schema mismatch fail the task at once with the cause;
only transient errors are retried (with exponential backoff).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

from support_curation.config import DATASET
from support_curation.layout import training_set_asset_uri
from support_curation.sources import SOURCES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from support_curation.pipeline import Runtime

TRAINING_SET = Asset(training_set_asset_uri(DATASET))


def _runtime(chunk_size: int | None = None) -> Runtime:
    # imports stay inside tasks: parsing this file must not load the pipeline (or Presidio)
    from support_curation.config import get_settings
    from support_curation.pipeline import Interval, Runtime
    from support_curation.run_day import curated_day, day_interval

    context = get_current_context()
    # a run without a logical date (a dry run by `day`) has no data interval in its context at all
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if context["params"].get("day"):  # an explicit day wins over the (manual run's inferred) interval
        day = curated_day(context["params"]["day"], None)
        if day is not None:
            start, end = day_interval(day)
    if start is None or end is None:
        raise AirflowFailException("no day to curate: set the `day` param or trigger with a logical date")
    settings = get_settings()
    if chunk_size:
        settings = settings.model_copy(update={"chunk_size": chunk_size})
    from support_curation import logscrub

    logscrub.install()  # the last line of defence: no record text in this task's log
    # the run id keys the run's staging, so two runs of the same day never share (or delete) files
    return Runtime(Interval.parse(start, end), settings, run_id=context["run_id"])


@contextmanager
def _fail_fast() -> Iterator[None]:
    """Fail the task at once on errors no retry can fix (missing table, refused login, schema mismatch)."""
    from support_curation.failures import permanent_reason

    try:
        yield
    except Exception as error:
        if reason := permanent_reason(error):
            raise AirflowFailException(reason) from None  # the message names the cause, not the data
        raise


@dag(
    dag_id="curate_support_conversations",
    # a data-interval timetable: each run covers [day, day + 1) and its logical date is the day
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,  # history is loaded on purpose, with a backfill, not by accident at deploy time
    max_active_runs=2,
    max_active_tasks=4,
    # below staging_orphan_hours (24 h by default), so the staging sweeper never takes a live run's files
    dagrun_timeout=timedelta(hours=12),
    tags=["curation", "pii", "training-data"],
    doc_md=__doc__,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        # every task: no input (a keyset that stops moving, a stuck read) can hold a worker for ever
        "execution_timeout": timedelta(hours=2),
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
        "day": Param(
            None,
            type=["null", "string"],
            format="date",
            description="The day to curate (UTC). Empty = the run's data interval (for a Single Run: "
            "the day before its logical date).",
        ),
    },
)
def curate_support_conversations() -> None:
    # multiple_outputs=False on every task that returns a dict: Airflow infers True from `-> dict` and
    # then also pushes each key as an XCom of its own (a redact task: 8 more API calls and metadata rows)
    @task(multiple_outputs=False)
    def extract(source: str) -> dict:
        from support_curation.pipeline import extract as extract_source

        with _fail_fast():
            return extract_source(source, _runtime(get_current_context()["params"]["chunk_size"]))

    @task
    def plan_chunks(extracts: list[dict]) -> list[dict]:
        from support_curation.pipeline import chunk_plan

        return chunk_plan(list(extracts))  # the sources' chunks in one list: what redact maps over

    # queue: spaCy-heavy, on the Celery workers that serve "redaction" (ignored by the LocalExecutor);
    # pool: one slot per core that redacts, across every run at once (a backfill included); the pool, not a
    # per-run cap, bounds the parallelism, so added workers serve one big day too.
    # Each task joins its chunk's consent first, so the consent look-ups run in parallel too.
    @task(multiple_outputs=False, queue="redaction", pool="redaction")
    def redact(extracted_chunk: dict) -> dict:
        from support_curation.pipeline import curate_chunk

        with _fail_fast():
            return curate_chunk(extracted_chunk, _runtime())

    @task(multiple_outputs=False, trigger_rule="none_failed", retries=0)
    def validate(redacted: list[dict]) -> dict:
        from support_curation.pipeline import ValidationFailed
        from support_curation.pipeline import validate as run_validation

        # GX logs ~200 "Skipping registering function" lines at INFO on import: keep the task log readable
        logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
        context = get_current_context()
        try:
            return run_validation(
                list(redacted or []),
                _runtime(),
                dry_run=not context["params"]["publish"],
                run_id=context["run_id"],
            )
        except ValidationFailed as failure:  # the message holds counts and a report link only
            raise AirflowFailException(str(failure)) from None

    @task(multiple_outputs=False, trigger_rule="none_failed", outlets=[TRAINING_SET])
    def publish(extracts: list[dict], redacted: list[dict], validation: dict) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        from support_curation.pipeline import consented_of, publish_interval, record_dry_run

        context = get_current_context()
        redacted = list(redacted or [])
        stages = (list(extracts), consented_of(redacted), redacted)
        if not context["params"]["publish"]:
            record_dry_run(*stages, _runtime(), validation=validation, run_id=context["run_id"])
            raise AirflowSkipException("dry run: validated, reported beside the published report")
        result = publish_interval(*stages, validation, _runtime(), run_id=context["run_id"])
        # consumers read the release status on the event: a pending_review partition is not for use yet
        context["outlet_events"][TRAINING_SET].extra = {
            "partition": _runtime().interval.partition,
            "status": result.get("status"),
        }
        return result

    @task(execution_timeout=timedelta(minutes=30))
    def cleanup_staging() -> int:
        from support_curation.pipeline import cleanup_staging as cleanup

        return cleanup(_runtime())

    @task(execution_timeout=timedelta(minutes=30))
    def sweep_orphaned_staging() -> int:
        """Staging of runs killed before their cleanup (SIGKILL, a lost worker), older than N hours."""
        from support_curation import logscrub
        from support_curation.pipeline import sweep_staging

        logscrub.install()
        return len(sweep_staging())

    extracts = extract.expand(source=list(SOURCES))
    redacted = redact.expand(extracted_chunk=plan_chunks(extracts))
    validation = validate(redacted)
    published = publish(extracts, redacted, validation)
    # a teardown: runs whatever happened, and does not decide the run's state
    published >> cleanup_staging().as_teardown()
    sweep_orphaned_staging()  # independent of this run's stages: it only removes other runs' leftovers


curate_support_conversations()
