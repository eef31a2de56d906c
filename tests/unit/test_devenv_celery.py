"""The local Celery deployment's pieces that need no server: worker command lines, pool size, hostnames."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

from support_curation.devenv import deploy_stack as deploy
from support_curation.devenv import worker_name

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_worker_argv_names_hostname_queues_and_processes() -> None:
    argv = deploy.Worker("w2", ("redaction",), 3).argv("/venv/bin/airflow")
    assert argv[:3] == ["/venv/bin/airflow", "celery", "worker"]
    assert argv[argv.index("--celery-hostname") + 1] == "w2@%h"
    assert argv[argv.index("--queues") + 1] == "redaction"
    assert argv[argv.index("--concurrency") + 1] == "3"
    assert "--skip-serve-logs" in argv  # no log server on every interface


def test_redaction_pool_counts_only_processes_that_serve_the_queue() -> None:
    workers = (
        deploy.Worker("a", ("redaction", "default"), 2),
        deploy.Worker("b", ("redaction",), 3),
        deploy.Worker("c", ("default",), 4),
    )
    assert deploy.redaction_slots(workers) == 5
    assert deploy.redaction_slots(()) == deploy.cores()  # LocalExecutor: the machine's cores


def test_make_up_workers_split_redaction_from_the_rest() -> None:
    redaction, default = deploy.make_up_workers(n_cores=8)
    assert (redaction.queues, redaction.concurrency) == (("redaction",), 8)
    assert default.queues == ("default",)


def test_celery_env_selects_the_executor_and_broker() -> None:
    env = deploy.celery_env("redis://:pw@127.0.0.1:6390/0")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER"] == "1"


def test_worker_hostname_carries_the_worker_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CURATION_WORKER_NAME", "w1")
    assert worker_name.hostname() == f"w1@{socket.getfqdn()}"
    monkeypatch.delenv("CURATION_WORKER_NAME")
    assert worker_name.hostname() == socket.getfqdn()


def test_celery_env_names_the_warm_worker_config() -> None:
    from support_curation.devenv import celery_config

    env = deploy.celery_env("redis://:pw@127.0.0.1:6390/0")
    module, _, name = env["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"].rpartition(".")
    assert module == celery_config.__name__
    assert getattr(celery_config, name) is celery_config.CELERY_CONFIG
    # the provider's settings unchanged: a copy of its default config
    from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

    assert celery_config.CELERY_CONFIG == DEFAULT_CELERY_CONFIG


def _worker(queues: list[str] | None) -> object:
    """A stand-in for Celery's WorkController: only what the worker_init handler reads."""
    from celery import Celery

    app = Celery("probe", set_as_current=False)
    if queues:
        app.amqp.queues.select(queues)

    class _Sender:
        pass

    sender = _Sender()
    sender.app = app  # type: ignore[attr-defined]
    return sender


def test_redaction_workers_preload_models_and_the_others_the_single_tasks_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from celery.signals import worker_init

    from support_curation.devenv import celery_config

    loads: list[str] = []
    monkeypatch.setattr(celery_config, "preload_redaction", lambda: loads.append("models"))
    monkeypatch.setattr(celery_config, "preload_single_tasks", lambda: loads.append("imports"))
    monkeypatch.setattr(celery_config.gc, "freeze", lambda: None)  # not this test process's collector
    worker_init.send(sender=_worker(["default"]))
    assert loads == ["imports"]
    worker_init.send(sender=_worker(["redaction", "default"]))
    assert loads == ["imports", "models"]
    worker_init.send(sender=_worker(None))  # no --queues: the default queue only
    assert loads == ["imports", "models", "imports"]


def test_a_failed_preload_leaves_the_worker_running(monkeypatch: pytest.MonkeyPatch) -> None:
    from support_curation.devenv import celery_config

    def fail() -> None:
        raise OSError("model missing")

    monkeypatch.setattr(celery_config, "preload_redaction", fail)
    monkeypatch.setattr(celery_config, "preload_single_tasks", fail)
    celery_config._warm_worker(sender=_worker(["redaction"]))  # no exception: tasks load lazily
    celery_config._warm_worker(sender=_worker(["default"]))


def test_task_supervisors_wake_every_second(tmp_path: Path) -> None:
    # Airflow's own config reading, in a process with the deployment's environment: a supervisor whose
    # task process closed its sockets before exiting notices the exit within this interval
    env = deploy.airflow_env(tmp_path, 8080, "sqlite:///" + str(tmp_path / "airflow.db"))
    code = "from airflow.sdk.execution_time import supervisor; print(supervisor.MIN_HEARTBEAT_INTERVAL)"
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "1"
