"""Run status beside the report, the day a run curates, and which source errors fail a run at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from support_curation.failures import permanent_reason
from support_curation.layout import PartitionRef
from support_curation.run_day import curated_day, day_interval, is_dry_run, run_note
from support_curation.run_status import (
    PUBLISHED,
    RunStatus,
    clear_report,
    read_status,
    report_key,
    report_result,
    volume_warnings,
    write_status,
)
from support_curation.storage import open_storage

REF = PartitionRef("support_conversations", "dt=2024-06-03")


def test_dry_run_status_and_report_sit_beside_the_published_ones(tmp_path):
    lake = open_storage(str(tmp_path))
    write_status(lake, REF, RunStatus.now(PUBLISHED, dry_run=False, run_id="backfill__x", records=3))
    lake.put_bytes(report_key(REF, "validation_summary.json", dry_run=False), b"{}")
    write_status(lake, REF, RunStatus.now("dry run", dry_run=True, run_id="manual__y"))
    lake.put_bytes(report_key(REF, "validation_summary.json", dry_run=True), b"{}")
    assert read_status(lake, REF, dry_run=False)["run_id"] == "backfill__x"
    assert read_status(lake, REF, dry_run=True)["run_id"] == "manual__y"
    clear_report(lake, REF, dry_run=True)  # a new dry run replaces only the earlier dry run's files
    assert read_status(lake, REF, dry_run=True) is None
    assert read_status(lake, REF, dry_run=False)["records"] == 3
    write_status(lake, REF, RunStatus.now("dry run", dry_run=True, run_id="manual__z"))
    clear_report(lake, REF, dry_run=False)  # a real run replaces its own report, never the dry run's
    assert read_status(lake, REF, dry_run=False) is None
    assert read_status(lake, REF, dry_run=True)["run_id"] == "manual__z"


def test_volume_warnings_per_source_and_for_an_empty_day():
    assert volume_warnings({"tickets": 5, "chat": 2}, {"tickets": 1, "chat": 1}) == []
    assert volume_warnings({"tickets": 5, "chat": 0}, {"tickets": 1, "chat": 1}) == [
        "chat: 0 extracted, policy expects at least 1"
    ]
    warnings = volume_warnings({"tickets": 0, "chat": 0}, {})
    assert warnings == ["no conversations extracted for this day"]


def test_report_result_keeps_counts_and_drops_values_and_tracebacks():
    gx = {
        "residual_pii": {
            "success": False,
            "statistics": {"evaluated_expectations": 1},
            "results": [
                {
                    "success": False,
                    "expectation_config": {
                        "type": "expect_column_values_to_be_in_set",
                        "kwargs": {"batch_id": "b", "column": "email_hits", "value_set": [0]},
                    },
                    "result": {
                        "element_count": 9,
                        "unexpected_count": 2,
                        "unexpected_percent": 22.2,
                        "partial_unexpected_list": ["jane@example.com"],
                        "observed_value": "jane@example.com",
                    },
                    "exception_info": {"raised_exception": True, "exception_message": "jane@example.com"},
                }
            ],
        }
    }
    reduced = report_result(gx)
    assert "jane" not in str(reduced)
    (expectation,) = reduced["residual_pii"]["expectations"]
    assert expectation["kwargs"] == {"column": "email_hits", "value_set": [0]}
    assert expectation["result"] == {"element_count": 9, "unexpected_count": 2, "unexpected_percent": 22.2}
    assert expectation["raised_exception"] is True


def test_the_day_a_run_curates():
    start = datetime(2024, 6, 3, tzinfo=UTC)
    assert curated_day(None, start) == date(2024, 6, 3)
    assert curated_day("2024-06-01", start) == date(2024, 6, 1)  # the param wins
    assert curated_day(None, None) is None
    assert day_interval(date(2024, 6, 3)) == (start, datetime(2024, 6, 4, tzinfo=UTC))
    assert is_dry_run({"publish": False}) and not is_dry_run({}) and not is_dry_run(None)
    note = run_note(date(2024, 6, 3), dry_run=True)
    assert note.startswith("Curates dt=2024-06-03") and "dry run" in note


def _db_error(sql: str) -> Exception:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(sa.text("create table tickets (ticket_id text)"))
        try:
            conn.execute(sa.text(sql), {"v": "Jane Secret"})
        except sa.exc.DBAPIError as error:
            return error
    raise AssertionError("no error")


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("select * from ticket_messages where body = :v", "schema mismatch"),
        ("select updated_at from tickets where ticket_id = :v", "schema mismatch"),
    ],
)
def test_missing_tables_and_columns_are_permanent_and_named_without_data(sql, kind):
    reason = permanent_reason(_db_error(sql))
    assert reason is not None and kind in reason
    assert "Jane" not in reason and "select" not in reason.lower()


def test_auth_failures_are_permanent_and_connection_drops_are_not():
    class OperationalError(Exception):
        pass

    OperationalError.__module__ = "sqlalchemy.exc"
    refused = OperationalError('FATAL:  password authentication failed for user "curation"')
    assert "authentication failed" in permanent_reason(refused)
    assert permanent_reason(OperationalError("could not connect to server: Connection refused")) is None
    assert permanent_reason(TimeoutError("timed out")) is None

    class ClientError(Exception):
        response = {"Error": {"Code": "AccessDenied"}}

    assert "AccessDenied" in permanent_reason(ClientError())
    ClientError.response = {"Error": {"Code": "SlowDown"}}
    assert permanent_reason(ClientError()) is None
