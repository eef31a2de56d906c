"""Steward views: truthful partition states, reports rendered from stored results, trends, and never a
record's content."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from support_curation.layout import PartitionRef
from support_curation.publish import publish_partition
from support_curation.records import write_jsonl_gz
from support_curation.run_status import (
    DRY_RUN,
    PUBLISHED,
    VALIDATED,
    VALIDATION_RESULT,
    VALIDATION_SUMMARY,
    RunStatus,
    report_key,
    write_status,
)
from support_curation.steward import charts, glossary, pages, queries
from support_curation.steward.app import create_app, with_urls
from support_curation.steward.runs import RunInfo
from support_curation.storage import open_storage

DS = "support_conversations"
SECRET = "Jane Roe lives at 12 Secret Street"  # record content: must never reach a steward page
REPO_ROOT = Path(__file__).resolve().parents[2]
OK, FAILED_DAY, EMPTY_DAY, DRY_DAY, BROKEN_DAY = (
    "dt=2024-01-01",
    "dt=2024-01-02",
    "dt=2024-01-03",
    "dt=2024-01-04",
    "dt=2024-01-05",
)


def _validation(success: bool) -> dict:
    return {
        "success": success,
        "suites": {
            "residual_pii": {
                "success": success,
                "expectations": [
                    {
                        "type": "expect_column_values_to_be_null",
                        "column": "pii",
                        "success": success,
                        "unexpected_count": 0 if success else 2,
                    },
                ],
            },
            "schema": {
                "success": True,
                "expectations": [
                    {
                        "type": "expect_column_to_exist",
                        "column": "record_id",
                        "success": True,
                        "unexpected_count": None,
                    },
                ],
            },
        },
    }


def _gx_details(success: bool) -> dict:
    """validation_result.json as the pipeline writes it (run_status.report_result)."""
    return {
        "residual_pii": {
            "success": success,
            "statistics": {},
            "expectations": [
                {
                    "type": "expect_column_values_to_be_null",
                    "kwargs": {"column": "pii", "mostly": 1.0},
                    "success": success,
                    "result": {"element_count": 4, "unexpected_count": 0 if success else 2}
                    | ({} if success else {"unexpected_percent": 50.0}),
                    "raised_exception": False,
                }
            ],
        },
        "schema": {
            "success": True,
            "statistics": {},
            "expectations": [
                {
                    "type": "expect_column_to_exist",
                    "kwargs": {"column": "record_id"},
                    "success": True,
                    "result": {},
                    "raised_exception": False,
                }
            ],
        },
    }


def _report(storage, partition: str, success: bool, *, dry_run: bool = False, run_id: str = "r") -> None:
    ref = PartitionRef(DS, partition)
    storage.put_bytes(
        report_key(ref, VALIDATION_SUMMARY, dry_run=dry_run), json.dumps(_validation(success)).encode()
    )
    storage.put_bytes(
        report_key(ref, VALIDATION_RESULT, dry_run=dry_run), json.dumps(_gx_details(success)).encode()
    )
    state = VALIDATED if success else "validation failed"
    write_status(storage, ref, RunStatus.now(state, dry_run=dry_run, run_id=run_id, records=1))


def _publish(storage, partition: str, counts: dict, *, amendments: list | None = None) -> None:
    rows = [({"record_id": "r1", "messages": [{"role": "customer", "content": SECRET}]}, "c1")]
    publish_partition(
        storage,
        dataset=DS,
        partition=partition,
        rows=rows if counts["published"] else [],
        hmac_key="k",
        metadata={
            "counts": counts,
            "policy_version": "pipeline_v1",
            "policy_sha256": "abc",
            "validation": {"success": True, "summary": _validation(True), "report": "x"},
            "entities": {"PERSON": 3} if counts["published"] else {},
            **({"amendments": amendments} if amendments else {}),
        },
    )


COUNTS = {
    "extracted": 4,
    "extracted_by_source": {"tickets": 3, "chat": 1},
    "published": 1,
    "excluded": {"no_consent_record": 2},
    "quarantined": {"malformed_json": 1},
}
EMPTY_COUNTS = {"extracted": 0, "extracted_by_source": {"tickets": 0, "chat": 0}, "published": 0,
                "excluded": {}, "quarantined": {}}  # fmt: skip


@pytest.fixture
def lake(tmp_path):
    storage = open_storage(str(tmp_path / "lake"))
    # a published day with quarantined extract items, a report, a published run status and a dry run beside
    _report(storage, OK, True, run_id="backfill__2024-01-01")
    _publish(storage, OK, COUNTS)
    write_status(
        storage,
        PartitionRef(DS, OK),
        RunStatus("published", False, "backfill__2024-01-01", "2024-01-02T01:00:00+00:00", 1, COUNTS, []),
    )
    _report(storage, OK, False, dry_run=True, run_id="manual__dry")
    write_jsonl_gz(
        storage,
        f"quarantine/{DS}/{OK}/extract-chat.jsonl.gz",
        [{"ref": "chats/dt=2024-01-01/a.jsonl:3", "reason": "malformed_json"}],
    )
    # a day whose batch failed validation: quarantined, not published
    write_jsonl_gz(
        storage,
        f"quarantine/{DS}/{FAILED_DAY}/validation_failed.jsonl.gz",
        [{"record_id": "r9", "messages": [{"role": "customer", "content": SECRET}]}],
    )
    storage.put_bytes(
        f"quarantine/{DS}/{FAILED_DAY}/validation_failed.json",
        json.dumps({"records": 1, "validation": _validation(False)}).encode(),
    )
    _report(storage, FAILED_DAY, False)
    # an empty day: published with 0 records, and a warning
    _report(storage, EMPTY_DAY, True)
    _publish(storage, EMPTY_DAY, EMPTY_COUNTS)
    write_status(
        storage,
        PartitionRef(DS, EMPTY_DAY),
        RunStatus.now(PUBLISHED, dry_run=False, run_id="e", counts=EMPTY_COUNTS,
                      warnings=["no conversations extracted for this day"]),
    )  # fmt: skip
    # a day only dry-run so far
    _report(storage, DRY_DAY, True, dry_run=True, run_id="manual__dry4")
    dry = RunStatus.now(DRY_RUN, dry_run=True, run_id="manual__dry4", counts=COUNTS)
    write_status(storage, PartitionRef(DS, DRY_DAY), dry)
    # a day whose run stopped in extract: only extract quarantine exists
    write_jsonl_gz(storage, f"quarantine/{DS}/{BROKEN_DAY}/extract-tickets.jsonl.gz", [])
    return storage


def _summary(lake, partition, run=None):
    return with_urls(queries.partition_summary(queries.partition_status(lake, DS, partition), run))


def _run(partition, state, **kwargs):
    return RunInfo("curate_support_conversations", f"run-{partition}", partition, state, **kwargs)


def test_partitions_newest_first_with_truthful_states(lake):
    statuses = queries.partition_statuses(lake, DS)
    assert [s.partition for s in statuses] == [BROKEN_DAY, DRY_DAY, EMPTY_DAY, FAILED_DAY, OK]
    states = [queries.partition_summary(s)["state"] for s in statuses]
    assert states == ["not validated", "dry run", "empty", "validation failed", "published"]
    assert queries.list_datasets(lake) == [DS]


def test_failed_and_running_runs_decide_the_state(lake):
    failed = _summary(lake, BROKEN_DAY, _run(BROKEN_DAY, "failed", failed_tasks=("extract",)))
    assert failed["state"] == "failed" and "failed at extract" in failed["state_detail"]
    assert failed["run"]["url"] == "/dags/curate_support_conversations/runs/run-dt%3D2024-01-05"
    retrying = _run(BROKEN_DAY, "running", active_tasks=("extract (up_for_retry)",))
    running = _summary(lake, BROKEN_DAY, retrying)
    assert running["state"] == "running" and "extract (up_for_retry)" in running["state_detail"]
    # a real run failing after an earlier publication: failed, and it says the old version stays
    again = _summary(lake, OK, _run(OK, "failed", failed_tasks=("consent_join",)))
    assert again["state"] == "failed" and "earlier version stays published" in again["state_detail"]
    # a failed dry run does not make a published partition look failed
    dry = _summary(lake, OK, _run(OK, "failed", dry_run=True, failed_tasks=("validate",)))
    assert dry["state"] == "published"


def test_published_partition_reconciles_and_carries_time_run_and_both_reports(lake):
    summary = _summary(lake, OK, _run(OK, "success"))
    assert summary["reconciliation"] == {
        "extracted": 4, "published": 1, "excluded": 2, "quarantined": 1, "balanced": True
    }  # fmt: skip
    assert summary["published_at"] == "2024-01-02T01:00:00+00:00"
    assert summary["published_run_id"] == "backfill__2024-01-01"
    assert summary["report"] == f"/steward/reports/{DS}/dt%3D2024-01-01/index.html"
    assert summary["dry_run_report"] == f"/steward/reports/{DS}/dt%3D2024-01-01/dry_run/index.html"
    assert summary["dry_run"]["run_id"] == "manual__dry" and summary["validation"]["success"] is True
    # the dry run's failing report sits beside the published one and did not replace it
    assert queries.validation_report(lake, DS, OK, dry_run=False)["success"] is True
    assert queries.validation_report(lake, DS, OK, dry_run=True)["success"] is False


def test_empty_day_is_a_warning_not_a_silent_pass(lake):
    summary = _summary(lake, EMPTY_DAY)
    assert summary["state"] == "empty"
    assert summary["warnings"] == ["no conversations extracted for this day"]
    assert summary["reconciliation"]["extracted"] == 0


def test_dry_run_only_day_shows_its_counts_as_a_dry_run(lake):
    summary = _summary(lake, DRY_DAY)
    assert summary["state"] == "dry run" and summary["counts_from"] == "dry run"
    assert summary["records"] is None and summary["report"] is None and summary["dry_run_report"]


def test_amended_partition(lake):
    _publish(lake, OK, COUNTS, amendments=[{"reason": "consent_revoked", "removed": 1}])
    assert _summary(lake, OK)["state"] == "amended"


def test_failed_batch_shows_failing_expectations_as_counts(lake):
    summary = _summary(lake, FAILED_DAY)
    assert summary["state"] == "validation failed"
    assert summary["quarantined_batch_records"] == 1
    assert summary["validation"]["success"] is False
    failed = summary["validation"]["suites"]["residual_pii"]["failed"]
    assert failed == [{"type": "expect_column_values_to_be_null", "column": "pii", "unexpected_count": 2}]


def test_quarantine_reasons_are_counted_and_never_read_the_quarantined_batch(lake):
    assert queries.quarantine_reasons(lake, DS, OK) == {"chat": {"malformed_json": 1}}
    assert queries.quarantine_reasons(lake, DS, FAILED_DAY) == {}


def test_pages_never_show_record_content_or_references(lake):
    overview = {DS: [with_urls(queries.partition_summary(s)) for s in queries.partition_statuses(lake, DS)]}
    rendered = [pages.render_index(lake.root, overview, {DS: charts.trend_charts(overview[DS])})]
    for partition in (OK, FAILED_DAY):
        rendered.append(
            pages.render_partition(_summary(lake, partition), queries.quarantine_reasons(lake, DS, partition))
        )
        for dry_run in (False, True):
            report = queries.validation_report(lake, DS, partition, dry_run=dry_run)
            if report:
                rendered += [pages.render_report(report), pages.render_suite(report, "residual_pii")]
    for page in rendered:
        assert "Secret Street" not in page and "Jane" not in page
        assert "a.jsonl:3" not in page  # quarantine references are counted, not listed
    assert "malformed_json" in rendered[1] and "no_consent_record" in rendered[0]
    assert "4 extracted = 1 published" in rendered[0]


def test_pages_escape_names(lake):
    summary = _summary(lake, OK)
    summary["policy_version"] = "<script>alert(1)</script>"
    assert "<script>alert" not in pages.render_partition(summary, {})


def test_report_pages_show_status_icons_and_suite_links(lake):
    report = queries.validation_report(lake, DS, FAILED_DAY, dry_run=False)
    index = pages.render_report(report)
    assert f"/steward/reports/{DS}/dt%3D2024-01-02/suites/residual_pii.html" in index
    assert 'class="icon fail"' in index and 'class="icon pass"' in index
    suite = pages.render_suite(report, "residual_pii")
    assert "expect_column_values_to_be_null" in suite and "50.00%" in suite and "mostly = 1.0" in suite


def test_charts_cover_thirty_days_with_gaps_and_glossary_explains_reasons(lake):
    rows = [queries.partition_summary(s) for s in queries.partition_statuses(lake, DS)]
    trend = charts.trend_charts(rows)
    assert [c.title.split(",")[0].split(" (")[0] for c in trend] == [
        "Extracted conversations by outcome", "Excluded", "Quarantined", "Entities redacted"
    ]  # fmt: skip
    outcome = trend[0]
    assert outcome.y_max == 4 and not outcome.empty
    assert {b.title for b in outcome.bars} >= {"2024-01-01 published: 1", "2024-01-01 excluded: 2"}
    assert glossary.explain("sensitive_topic:health").kind == "excluded"
    assert glossary.explain("malformed_json").action
    assert glossary.explain("never-heard-of") is glossary.UNKNOWN


def test_report_files_are_confined(lake):
    body, media_type = queries.report_file(lake, DS, OK, "validation_summary.json")
    assert json.loads(body)["success"] is True and media_type == "application/json"
    assert queries.report_file(lake, DS, OK, "missing.html") is None
    assert queries.report_file(lake, DS, OK, "../../../training_sets/x") is None
    with pytest.raises(ValueError):
        queries.report_file(lake, DS, "..", "index.html")
    with pytest.raises(ValueError):
        queries.partition_statuses(lake, "../quarantine")


def test_empty_storage(tmp_path):
    storage = open_storage(str(tmp_path / "empty"))
    assert queries.list_datasets(storage) == []
    assert queries.partition_statuses(storage, DS) == []
    assert queries.partition_status(storage, DS, OK) is None
    assert "Nothing published" in pages.render_index(storage.root, {})


def test_partition_for_interval_start():
    assert queries.partition_for_interval_start(datetime(2024, 3, 5, tzinfo=UTC)) == "dt=2024-03-05"


class _ListingSpy:
    """A storage that records the prefixes it is asked to list."""

    def __init__(self, inner):
        self.inner = inner
        self.listed: list[str] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def list(self, prefix):
        self.listed.append(prefix)
        return self.inner.list(prefix)


def test_one_partition_is_looked_up_by_its_keys_not_by_listing_all(lake):
    spy = _ListingSpy(lake)
    status = queries.partition_status(spy, DS, OK)
    assert status is not None and queries.partition_summary(status)["state"] == "published"
    assert all(f"/{OK}/" in prefix for prefix in spy.listed), spy.listed
    assert queries.partition_status(spy, DS, "dt=1999-01-01") is None


class _Runs:
    """A RunSource over a dictionary, as the plugin's is over the metadata database."""

    def __init__(self, runs):
        self.runs = {r.run_id: r for r in runs}

    def partition_for_run(self, dag_id, run_id):
        found = self.runs.get(run_id)
        return found.partition if found else None

    def latest_runs(self, partitions):
        return {r.partition: r for r in self.runs.values() if r.partition in partitions}

    def run(self, dag_id, run_id):
        return self.runs.get(run_id)


def _client(lake, **kwargs):
    from fastapi.testclient import TestClient

    return TestClient(create_app(lambda: lake, **kwargs))


def test_app_serves_pages_api_reports_and_its_own_assets(lake):
    runs = _Runs([_run(BROKEN_DAY, "failed", failed_tasks=("extract",))])
    client = _client(lake, runs=runs, runs_dataset=DS)
    index = client.get("/")
    assert index.status_code == 200 and FAILED_DAY in index.text and "<svg" in index.text
    assert "default-src 'self'" in index.headers["content-security-policy"]
    assert "/steward/static/steward.css" in index.text  # the stylesheet comes from the app, not a CDN
    assert "failed at extract" in index.text and "Next action" in index.text
    page = client.get(f"/datasets/{DS}/{OK}")
    assert page.status_code == 200 and "malformed_json" in page.text and "Secret" not in page.text
    row = client.get(f"/api/datasets/{DS}/partitions/{BROKEN_DAY}").json()
    assert row["state"] == "failed" and row["run"]["failed_tasks"] == ["extract"]
    assert [r["partition"] for r in client.get(f"/api/datasets/{DS}/partitions").json()][-1] == OK
    for path in ("", "index.html", "dry_run/", "dry_run/index.html", "suites/schema.html"):
        report = client.get(f"/reports/{DS}/{OK}/{path}")
        assert report.status_code == 200 and 'class="icon' in report.text, path
    assert client.get(f"/reports/{DS}/{OK}/validation_summary.json").json()["success"] is True
    css = client.get("/static/steward.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for missing in (
        "/static/missing.css",
        "/static/__init__.py",
        f"/datasets/{DS}/dt=1999-01-01",
        f"/datasets/{DS}/..",
        f"/reports/{DS}/{BROKEN_DAY}/index.html",
        f"/reports/{DS}/{OK}/suites/nope.html",
        f"/reports/{DS}/{OK}/static/app.css",
        "/docs",
        "/openapi.json",
    ):
        assert client.get(missing).status_code == 404, missing


def test_run_tab_redirects_to_the_runs_partition(lake):
    runs = _Runs([replace(_run(OK, "success"), run_id="scheduled__2024-01-01")])
    client = _client(lake, runs=runs, runs_dataset=DS)
    found = client.get("/runs/some_dag/scheduled__2024-01-01", follow_redirects=False)
    assert found.status_code == 307
    assert found.headers["location"] == f"/steward/datasets/{DS}/dt%3D2024-01-01"
    assert client.get("/runs/some_dag/manual__x", follow_redirects=False).status_code == 404
    assert _client(lake).get("/runs/some_dag/scheduled__2024-01-01").status_code == 404


def _load_plugin():
    path = REPO_ROOT / "plugins" / "steward_views.py"
    spec = importlib.util.spec_from_file_location("steward_views_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_plugin_registers_views_and_sends_anonymous_browsers_to_the_login_page():
    from fastapi.testclient import TestClient

    plugin = _load_plugin()
    cls = plugin.StewardViewsPlugin
    assert cls.fastapi_apps[0]["url_prefix"] == "/steward"
    assert {v["destination"] for v in cls.external_views} == {"nav", "dag_run"}
    assert cls.listeners
    client = TestClient(cls.fastapi_apps[0]["app"])
    for url in ("/docs", "/openapi.json", "/redoc"):  # disabled: no schema or docs outside the access rules
        assert client.get(url).status_code in (401, 404), url
    assert "/steward/review" in {v["href"] for v in cls.external_views}
    app = cls.fastapi_apps[0]["app"]
    assert plugin.review_pages.steward_login in app.dependency_overrides  # who may decide: wired, not refused
    for url in ("/", "/api/datasets", f"/reports/{DS}/{OK}/index.html", "/review"):
        assert client.get(url).status_code == 401, url
        browser = client.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
        assert browser.status_code == 303, url
        assert browser.headers["location"].startswith("/api/v2/auth/login?next="), url


def test_report_shows_the_residual_gate_counts_when_recorded(lake):
    summary = _validation(True) | {
        "residual": {
            "records": 8,
            "flagged": 1,
            "share": 0.125,
            "max_rate": 0.2,
            "records_by_detector": {"email": 1},
            "hits_by_detector": {"email": 3},
        }
    }
    lake.put_bytes(
        report_key(PartitionRef(DS, OK), VALIDATION_SUMMARY, dry_run=False), json.dumps(summary).encode()
    )
    page = pages.render_report(queries.validation_report(lake, DS, OK, dry_run=False))
    assert "1 of 8 records flagged" in page and "12.50%" in page and "<td>email</td>" in page
