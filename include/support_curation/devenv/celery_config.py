"""``[celery] celery_config_options`` of the Celery deployments: warm workers.

On Airflow 3 a Celery worker runs a task like this: its main process forks the prefork pool's processes,
and a pool process runs ``execute_workload``, whose task-SDK supervisor ``os.fork()``s the task process
(Linux: no exec). A task process therefore starts with whatever its worker loaded before forking. Left
alone, every mapped ``redact`` task imported the package and loaded the redactor (Presidio, spaCy) and the
residual-PII gate's models itself: ~4 CPU seconds per task, as much as a small chunk's work.

A worker that serves the ``redaction`` queue loads them once, in its main process on Celery's
``worker_init`` signal, before the pool forks: pool processes and task processes inherit them
copy-on-write, and ``get_redactor`` finds its cached redactor. Only loads are made (imports, models, word
lists, the redactor object): no conversation is redacted and no look-up cache is filled, so a task
redacts from the same state as before. Any other worker (the ``default`` queue's: extract, validate,
publish) imports what those tasks import (the pipeline, GX, the publication audit): ~10 s a day that
validate and publish would otherwise pay one after the other, on the day's critical path. A failure is
logged and the tasks then load what they need themselves.
The price: a worker runs the package code it loaded at start, so new package code takes effect when the
workers restart (before, each task process imported it afresh), and its processes' RSS counts what was
preloaded (~250 MB of models in a redaction worker's main process; shared, not copied).

The provider's own settings stay as they were: ``CELERY_CONFIG`` is a copy of its default config (built
from ``[celery]``). Airflow imports this module in every process that loads the Celery executor, so it
imports nothing heavy at module level. The LocalExecutor never reads ``[celery]``.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG
from celery.signals import worker_init  # type: ignore[import-untyped]

from support_curation.devenv.deploy_stack import REDACTION_POOL

log = logging.getLogger(__name__)

CELERY_CONFIG: dict[str, Any] = dict(DEFAULT_CELERY_CONFIG)


def consumed_queues(worker: Any) -> set[str]:
    """The queues a worker consumes: its ``--queues``, else the app's default queue."""
    return set(worker.app.amqp.queues.consume_from or ())


def preload_redaction() -> None:
    """Load what every ``redact`` task loads before its first conversation, in this process.

    The redactor is keyed as ``pipeline.redact_chunk`` asks for it (the settings' pipeline policy names
    the redaction policy), so the task's ``get_redactor`` call returns this one.
    """
    from wordfreq import zipf_frequency

    import support_curation.pipeline  # noqa: F401
    import support_curation.validation.gate  # noqa: F401 - the task's imports, once
    from support_curation.audit import indirect
    from support_curation.config import Settings, load_policy
    from support_curation.redaction import get_redactor
    from support_curation.validation import names

    # Settings() rather than the cached get_settings(): the task builds its own from its environment
    policy = load_policy(Settings().policy_path)
    redactor = get_redactor(policy.redaction_policy_path)
    redactor.engine  # noqa: B018 - Presidio and the redactor's spaCy pipeline
    names._nlp()  # the gate's spaCy pipeline (tagger and NER)
    if model := indirect.scan_model(policy):
        indirect._ner(model)  # the publication audit's NER, which the task runs on its published records
    names.name_lists()
    # wordfreq's lists the gate reads (English; the other languages' small lists), loaded on first look-up;
    # straight from wordfreq, so that the gate's own look-up caches stay empty
    zipf_frequency("the", "en")
    for language in names.OTHER_LANGUAGES:
        zipf_frequency("the", language, wordlist="small")


def preload_single_tasks() -> None:
    """Import what the default queue's tasks import: the pipeline, GX (validate), the publication audit.

    Imports only (no context, no connection, no state): ~7 s of GX and ~3 s of the audit's charts and
    pandas that validate and publish, one after the other on the day's critical path, would each pay.
    """
    import great_expectations  # noqa: F401

    import support_curation.audit.publication  # noqa: F401
    import support_curation.pipeline  # noqa: F401
    import support_curation.validation.chunked  # noqa: F401


@worker_init.connect
def _warm_worker(sender: Any = None, **_: Any) -> None:
    if sender is None:
        return
    # a redaction worker loads the models; any other (the default queue's) the single tasks' imports
    redacts = REDACTION_POOL in consumed_queues(sender)
    what = "redaction models" if redacts else "single tasks' imports"
    started, cpu = time.monotonic(), time.process_time()
    try:
        if redacts:
            preload_redaction()
        else:
            preload_single_tasks()
    except Exception:  # the tasks load them themselves, as without the preload
        log.warning("%s not preloaded in the worker", what, exc_info=True)
        return
    # out of the collector's reach: a collection in a forked process would otherwise write to (and so
    # copy) every page holding these objects; the provider unfreezes the main process on worker_ready
    gc.freeze()
    log.info(
        "%s preloaded in the worker: %.1f s, %.1f CPU s",
        what,
        time.monotonic() - started,
        time.process_time() - cpu,
    )
