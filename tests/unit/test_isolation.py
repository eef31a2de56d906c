"""Limits and isolation (#11): per-run staging and its sweeper, the per-partition publish lock, the HMAC
key that fails closed, and the log scrubber."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from support_curation import logscrub, publish
from support_curation.config import DEMO_HMAC_KEY, HmacKeyRefused, Settings
from support_curation.partition_lock import PartitionLocked, create_if_absent, lock_key, partition_lock
from support_curation.records import key_id
from support_curation.staging import MARKER, mark_started, run_folder, sweep
from support_curation.storage import open_storage

NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)
KEY = "k" * 32
SHORT = timedelta(seconds=0.3)


# --- staging keyed by run id, and the sweeper -----------------------------------------------------


def test_two_runs_of_the_same_day_never_share_staging():
    a = run_folder("ds", "dt=2024-03-01", "manual__2024-03-01T10:00:00+00:00")
    b = run_folder("ds", "dt=2024-03-01", "scheduled__2024-03-01T00:00:00+00:00")
    assert a != b and a.startswith("ds/dt=2024-03-01/run-") and b.startswith("ds/dt=2024-03-01/run-")
    assert ":" not in a and "manual" not in a  # the free-text run id is hashed


def test_runtime_staging_is_per_run(tmp_path):
    from support_curation.pipeline import Interval, Runtime

    interval = Interval(NOW, NOW + timedelta(days=1))
    settings = Settings(data_dir=tmp_path)
    first, second = Runtime(interval, settings), Runtime(interval, settings)
    assert first.staging_prefix != second.staging_prefix
    assert (
        Runtime(interval, settings, run_id="r1").staging_prefix
        == Runtime(interval, settings, "r1").staging_prefix
    )


def test_sweeper_removes_orphans_only(tmp_path):
    staging = open_storage(str(tmp_path))
    old, live, unmarked = (run_folder("ds", "dt=2024-02-01", r) for r in ("old", "live", "unmarked"))
    mark_started(staging, old, NOW - timedelta(hours=30))
    mark_started(staging, live, NOW - timedelta(hours=2))
    for folder in (old, live, unmarked):
        staging.put_bytes(f"{folder}/extracted/chat/chunk-00000.jsonl.gz", b"raw")
    staging.put_bytes("ds/dt=2024-01-01/extracted/chat/chunk-00000.jsonl.gz", b"raw")  # pre-run-id layout
    swept = sweep(staging, "ds", now=NOW, older_than=timedelta(hours=24))
    assert sorted(swept) == sorted([old, unmarked, "ds/dt=2024-01-01"])
    assert staging.list("ds/") == sorted([f"{live}/{MARKER}", f"{live}/extracted/chat/chunk-00000.jsonl.gz"])


def test_a_killed_run_leaves_staging_that_the_sweep_task_removes(tmp_path):
    from support_curation.pipeline import sweep_staging

    settings = Settings(data_dir=tmp_path, staging_orphan_hours=1)
    staging = settings.open_storage(settings.resolved_staging_root)
    folder = run_folder("support_conversations", "dt=2024-02-01", "killed")
    mark_started(staging, folder, NOW - timedelta(hours=3))
    staging.put_bytes(f"{folder}/consented/chunk-00000.jsonl.gz", b"raw text")
    assert sweep_staging(settings, now=NOW) == [folder]
    assert staging.list("") == []


# --- the per-partition publish lock -----------------------------------------------------------------


def test_the_lock_is_exclusive_and_reentrant(tmp_path):
    storage = open_storage(str(tmp_path))
    with partition_lock(storage, "ds", "dt=2024-02-01"):
        with partition_lock(storage, "ds", "dt=2024-02-01"):  # publish inside a rewrite: no self-deadlock
            assert storage.exists(lock_key("ds", "dt=2024-02-01"))
        errors = []

        def other_writer():
            try:
                with partition_lock(
                    storage, "ds", "dt=2024-02-01", wait=timedelta(seconds=0.3), poll_seconds=0.05
                ):
                    pass
            except PartitionLocked as error:
                errors.append(error)

        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join()
        assert len(errors) == 1
        with partition_lock(storage, "ds", "dt=2024-02-02", wait=timedelta(0)):  # other partitions: free
            pass
    assert not storage.exists(lock_key("ds", "dt=2024-02-01"))  # released


def test_writers_of_one_partition_are_serialised(tmp_path):
    storage = open_storage(str(tmp_path))
    inside, overlaps = [], []

    def writer():
        with partition_lock(storage, "ds", "dt=2024-02-01", poll_seconds=0.01):
            inside.append(1)
            overlaps.append(len(inside))
            time.sleep(0.05)
            inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1, 1, 1, 1]


def test_a_dead_holders_lock_is_broken_after_its_lease(tmp_path):
    storage = open_storage(str(tmp_path))
    expired = {"owner": "sigkilled", "expires_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    assert create_if_absent(storage, lock_key("ds", "dt=2024-02-01"), json.dumps(expired).encode())
    assert not create_if_absent(storage, lock_key("ds", "dt=2024-02-01"), b"{}")
    with partition_lock(storage, "ds", "dt=2024-02-01", wait=timedelta(seconds=1)):
        pass


def test_publish_waits_for_the_partition_lock(tmp_path):
    storage = open_storage(str(tmp_path))
    rows = [({"record_id": "r1"}, "c1")]
    with partition_lock(storage, "ds", "dt=2024-02-01"):
        failures = []

        def publisher():
            try:
                with partition_lock(
                    storage, "ds", "dt=2024-02-01", wait=timedelta(seconds=0.2), poll_seconds=0.05
                ):
                    publish.publish_partition(
                        storage, dataset="ds", partition="dt=2024-02-01", rows=rows, hmac_key=KEY, metadata={}
                    )
            except PartitionLocked:
                failures.append(True)

        thread = threading.Thread(target=publisher)
        thread.start()
        thread.join()
        assert failures == [True] and publish.read_manifest(storage, "ds", "dt=2024-02-01") is None
    manifest = publish.publish_partition(
        storage, dataset="ds", partition="dt=2024-02-01", rows=rows, hmac_key=KEY, metadata={}
    )
    assert manifest.body["key_id"] == key_id(KEY)


# --- the HMAC key fails closed ------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", DEMO_HMAC_KEY, "short-key", "x" * 31])
def test_outside_demo_mode_a_missing_short_or_demo_key_is_refused(monkeypatch, key):
    monkeypatch.delenv("CURATION_DEMO", raising=False)
    if key is None:
        monkeypatch.delenv("CURATION_HMAC_KEY", raising=False)
    else:
        monkeypatch.setenv("CURATION_HMAC_KEY", key)
    with pytest.raises(HmacKeyRefused) as refused:
        Settings()
    assert not key or key not in str(refused.value)


def test_a_real_key_is_accepted_and_the_demo_key_only_in_demo_mode(monkeypatch):
    monkeypatch.delenv("CURATION_DEMO", raising=False)
    monkeypatch.setenv("CURATION_HMAC_KEY", "r" * 32)
    assert Settings().hmac_key.get_secret_value() == "r" * 32
    monkeypatch.setenv("CURATION_DEMO", "1")
    monkeypatch.delenv("CURATION_HMAC_KEY")
    assert Settings().hmac_key.get_secret_value() == DEMO_HMAC_KEY
    monkeypatch.setenv("CURATION_HMAC_KEY", "short")
    with pytest.raises(HmacKeyRefused):  # demo mode allows the demo key, not any short key
        Settings()


def test_key_ids_name_keys_without_revealing_them():
    assert key_id(KEY) == key_id(KEY) and len(key_id(KEY)) == 8
    assert key_id(KEY) != key_id("q" * 32)
    assert key_id(KEY) not in KEY


# --- the log scrubber ---------------------------------------------------------------------------------


def test_the_scrubber_removes_record_content_from_messages_and_exceptions():
    record_text = "Hi, I'm Odalys, odalys.q@example.org, card 4111 1111 1111 1111, call +1 555 010 7788"
    logger = logging.getLogger("test.scrub")
    logger.setLevel(logging.INFO)
    handler = _ListHandler()
    handler.addFilter(logscrub.ScrubFilter())
    logger.addHandler(handler)
    try:
        logger.error("could not read %r", record_text.encode("latin-1"))
        try:
            record_text.encode("ascii").decode("utf-8")
            raise ValueError(f"Could not decode to UTF-8 column 'body' with text '{record_text}'")
        except ValueError:
            logger.exception("extract failed")
        logger.info("extracted %s: %d conversations", "chat", 12)
    finally:
        logger.removeHandler(handler)
    text = "\n".join(handler.lines)
    for fragment in ("example.org", "4111", "555 010", "Odalys"):
        assert fragment not in text
    assert "extracted chat: 12 conversations" in text  # operational messages pass unchanged
    assert "ValueError" in text  # the type survives, for whoever debugs it


def test_install_puts_the_filter_on_the_root_handlers():
    root = logging.getLogger()
    handler = _ListHandler()
    root.addHandler(handler)
    try:
        logscrub.install()
        logscrub.install()  # idempotent
        assert handler.filters.count(logscrub._FILTER) == 1
    finally:
        root.removeHandler(handler)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# --- the extract stage: bad input is quarantined by reference; what is left is re-raised as type+place --


def _runtime(tmp_path):
    from sqlalchemy import create_engine

    from support_curation.pipeline import Interval, Runtime
    from support_curation.sources import helpdesk_schema

    settings = Settings(data_dir=tmp_path)
    helpdesk_schema.metadata.create_all(create_engine(settings.resolved_helpdesk_url))
    return Runtime(Interval(NOW, NOW + timedelta(days=1)), settings, run_id="run-1")


def test_extract_writes_references_and_reasons_only(tmp_path):
    from support_curation.pipeline import extract
    from support_curation.records import read_jsonl_gz

    rt = _runtime(tmp_path)
    secret = "odalys.q@example.org"
    rt.landing.put_bytes(f"chats/dt=2024-03-01/{secret}.jsonl", b"\xff" + secret.encode() + b"\n{oops\n")
    result = extract("chat", rt)
    assert result["extracted"] == 2 and result["quarantined"] == {"bad_encoding": 1, "malformed_json": 1}
    items = list(read_jsonl_gz(rt.output, f"{rt.quarantine_prefix}/extract-chat.jsonl.gz"))
    assert len(items) == 2 and secret not in json.dumps(items)
    assert rt.staging.exists(f"{rt.staging_prefix}/{MARKER}")  # dated for the sweeper


def test_an_input_error_the_sources_did_not_catch_is_reraised_without_its_message(tmp_path, monkeypatch):
    from support_curation import pipeline

    secret = "card 4111 1111 1111 1111 of odalys.q@example.org"

    def failing_extract(*args, **kwargs):
        raise UnicodeDecodeError("utf-8", secret.encode(), 0, 1, f"cannot decode {secret}")

    monkeypatch.setattr(pipeline, "extract_chats", failing_extract)
    with pytest.raises(pipeline.InputError) as raised:
        pipeline.extract("chat", _runtime(tmp_path))
    message = str(raised.value)
    assert "UnicodeDecodeError" in message and "test_isolation.py:" in message
    assert "4111" not in message and "example.org" not in message
    assert raised.value.__suppress_context__  # the original (with the text) is not chained into the log


def test_a_rerun_never_writes_an_erased_customers_subject_back_into_the_quarantine(tmp_path):
    from sqlalchemy import create_engine

    from support_curation.pipeline import extract
    from support_curation.records import read_jsonl_gz, subject_id

    rt = _runtime(tmp_path)
    with create_engine(rt.settings.resolved_helpdesk_url).begin() as conn:
        for ticket, customer in (("t-erased", "c-erased"), ("t-kept", "c-kept")):
            conn.exec_driver_sql(
                "INSERT INTO tickets (ticket_id, customer_id, channel, updated_at) VALUES (?, ?, 'email', ?)",
                (ticket, customer, "2024-03-01 25:00:00"),  # an unreadable time: quarantined with its subject
            )
        conn.exec_driver_sql(
            "INSERT INTO erasure_requests (request_id, customer_id, status) VALUES ('r1', 'c-erased', 'done')"
        )
    result = extract("tickets", rt)
    assert result["quarantined"] == {"bad_timestamp": 2}  # still counted: the day reconciles
    items = list(read_jsonl_gz(rt.output, f"{rt.quarantine_prefix}/extract-tickets.jsonl.gz"))
    assert {"ref": "erased", "reason": "bad_timestamp"} in items
    assert subject_id(rt.hmac_key, "c-erased") not in json.dumps(items)
    assert subject_id(rt.hmac_key, "c-kept") in json.dumps(items)


def test_task_logs_are_scrubbed_through_airflows_own_logging_setup(tmp_path):
    """In a child process (Airflow's logging setup is global): the task SDK's structlog chain and the
    stdlib loggers behind it both pass the scrubber, exceptions included."""
    import subprocess
    import sys

    script = tmp_path / "task_log.py"
    script.write_text(
        """
import io, logging, structlog
from airflow.sdk.log import configure_logging
buffer = io.BytesIO()
configure_logging(
    json_output=True, output=buffer, sending_to_supervisor=True, cache_logger_on_first_use=False
)
from support_curation import logscrub
logscrub.install()
secret = "odalys.q@example.org card 4111 1111 1111 1111"
try:
    raise ValueError(f"Could not decode with text '{secret}'")
except ValueError:
    structlog.get_logger("task").exception("Task failed with exception")
logging.getLogger("support_curation.pipeline").warning("read %s", secret)
print(buffer.getvalue().decode())
"""
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert "Task failed with exception" in out.stdout and "ValueError" in out.stdout
    assert "support_curation.pipeline" in out.stdout
    assert "4111" not in out.stdout and "example.org" not in out.stdout


def test_the_lock_on_s3_uses_a_conditional_put():
    """S3 (and MinIO) honour If-None-Match: * on PutObject: only one writer creates the lock object."""
    import boto3
    from moto import mock_aws

    from support_curation.storage import S3Storage

    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="lock-test")
        storage = S3Storage(bucket="lock-test", prefix="lake", client=client)
        key = lock_key("ds", "dt=2024-02-01")
        with partition_lock(storage, "ds", "dt=2024-02-01"):
            assert storage.exists(key)
            assert not create_if_absent(storage, key, b"{}")
            with pytest.raises(PartitionLocked):
                _other_thread_locks(storage, wait=SHORT)
        assert not storage.exists(key)


def _other_thread_locks(storage, wait):
    failures = []

    def run():
        try:
            with partition_lock(storage, "ds", "dt=2024-02-01", wait=wait, poll_seconds=0.05):
                pass
        except PartitionLocked as error:
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_the_cli_refuses_to_run_without_a_key_and_says_why(monkeypatch, capsys, tmp_path):
    from support_curation import cli
    from support_curation.config import get_settings

    monkeypatch.delenv("CURATION_DEMO", raising=False)
    monkeypatch.delenv("CURATION_HMAC_KEY", raising=False)
    monkeypatch.setenv("CURATION_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert cli.main(["run", "--date", "2024-03-01"]) == 2
    finally:
        get_settings.cache_clear()
    assert "CURATION_HMAC_KEY is not set" in capsys.readouterr().err


def test_two_runs_of_the_same_day_do_not_pull_staging_from_under_each_other(tmp_path):
    """The second of two concurrent runs used to fail with FileNotFoundError: they shared staging."""
    from sqlalchemy import create_engine

    from support_curation.pipeline import Interval, Runtime, cleanup_staging, consent_join, extract

    first = _runtime(tmp_path)
    second = Runtime(Interval(NOW, NOW + timedelta(days=1)), first.settings, run_id="run-2")
    with create_engine(first.settings.resolved_helpdesk_url).begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO tickets (ticket_id, customer_id, channel, updated_at) VALUES (?, ?, ?, ?)",
            ("t1", "c1", "email", "2024-03-01 13:00:00"),
        )
        conn.exec_driver_sql(
            "INSERT INTO ticket_messages (message_id, ticket_id, author_role, body) "
            "VALUES ('m1', 't1', 'customer', 'my router is broken')"
        )
    one, two = extract("tickets", first), extract("tickets", second)
    assert one["chunks"] and two["chunks"] and set(one["chunks"]).isdisjoint(two["chunks"])
    assert cleanup_staging(first) > 0  # the first run finishes and cleans up ...
    (joined,) = consent_join([two], second)  # ... the second still reads its own chunks
    assert joined["excluded"] == {"no_consent_record": 1}
