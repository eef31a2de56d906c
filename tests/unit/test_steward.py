"""Steward views: partitions, quarantine reasons and reports from storage, and never a record's content."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from support_curation.publish import publish_partition
from support_curation.records import write_jsonl_gz
from support_curation.steward import pages, queries
from support_curation.steward.app import create_app, with_urls
from support_curation.storage import open_storage

DS = "support_conversations"
SECRET = "Jane Roe lives at 12 Secret Street"  # record content: must never reach a steward page
REPO_ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def lake(tmp_path):
    storage = open_storage(str(tmp_path / "lake"))
    # a published day with quarantined extract items and a report
    publish_partition(
        storage,
        dataset=DS,
        partition="dt=2024-01-01",
        rows=[({"record_id": "r1", "messages": [{"role": "customer", "content": SECRET}]}, "c1")],
        hmac_key="k",
        metadata={
            "counts": {
                "extracted": 4,
                "extracted_by_source": {"tickets": 3, "chat": 1},
                "published": 1,
                "excluded": {"no_consent": 2},
                "quarantined": {"malformed_json": 1},
            },
            "policy_version": "pipeline_v1",
            "policy_sha256": "abc",
            "validation": {"success": True, "summary": _validation(True), "report": "x"},
            "entities": {"PERSON": 3},
        },
    )
    write_jsonl_gz(
        storage,
        f"quarantine/{DS}/dt=2024-01-01/extract-chat.jsonl.gz",
        [{"ref": "chats/dt=2024-01-01/a.jsonl:3", "reason": "malformed_json"}],
    )
    storage.put_bytes(f"reports/{DS}/dt=2024-01-01/index.html", b"<html>report</html>")
    storage.put_bytes(f"reports/{DS}/dt=2024-01-01/static/app.css", b"body{}")
    # a day whose batch failed validation: quarantined, not published
    write_jsonl_gz(
        storage,
        f"quarantine/{DS}/dt=2024-01-02/validation_failed.jsonl.gz",
        [{"record_id": "r9", "messages": [{"role": "customer", "content": SECRET}]}],
    )
    storage.put_bytes(
        f"quarantine/{DS}/dt=2024-01-02/validation_failed.json",
        json.dumps({"records": 1, "validation": _validation(False)}).encode(),
    )
    storage.put_bytes(f"reports/{DS}/dt=2024-01-02/index.html", b"<html>failed</html>")
    return storage


def test_partitions_newest_first_with_states(lake):
    statuses = queries.partition_statuses(lake, DS)
    assert [s.partition for s in statuses] == ["dt=2024-01-02", "dt=2024-01-01"]
    assert [s.state for s in statuses] == ["validation failed", "published"]
    assert queries.list_datasets(lake) == [DS]


def test_summary_carries_counts_policy_and_validation(lake):
    summary = with_urls(queries.partition_summary(queries.partition_status(lake, DS, "dt=2024-01-01")))
    assert summary["records"] == 1
    assert summary["counts"]["excluded"] == {"no_consent": 2}
    assert summary["counts"]["quarantined"] == {"malformed_json": 1}
    assert summary["policy_version"] == "pipeline_v1"
    assert summary["validation"]["success"] is True
    assert summary["validation"]["suites"]["residual_pii"]["failed"] == []
    assert summary["report"] == "/steward/reports/support_conversations/dt%3D2024-01-01/index.html"


def test_failed_batch_shows_failing_expectations_as_counts(lake):
    summary = queries.partition_summary(queries.partition_status(lake, DS, "dt=2024-01-02"))
    assert summary["state"] == "validation failed"
    assert summary["quarantined_batch_records"] == 1
    assert summary["validation"]["success"] is False
    failed = summary["validation"]["suites"]["residual_pii"]["failed"]
    assert failed == [{"type": "expect_column_values_to_be_null", "column": "pii", "unexpected_count": 2}]


def test_quarantine_reasons_are_counted_and_never_read_the_quarantined_batch(lake):
    assert queries.quarantine_reasons(lake, DS, "dt=2024-01-01") == {"chat": {"malformed_json": 1}}
    assert queries.quarantine_reasons(lake, DS, "dt=2024-01-02") == {}


def test_pages_never_show_record_content_or_references(lake):
    overview = {DS: [with_urls(queries.partition_summary(s)) for s in queries.partition_statuses(lake, DS)]}
    rendered = [pages.render_index(lake.root, overview)]
    for partition in ("dt=2024-01-01", "dt=2024-01-02"):
        status = queries.partition_status(lake, DS, partition)
        rendered.append(
            pages.render_partition(
                with_urls(queries.partition_summary(status)), queries.quarantine_reasons(lake, DS, partition)
            )
        )
    for page in rendered:
        assert "Secret Street" not in page and "Jane" not in page
        assert "a.jsonl:3" not in page  # quarantine references are counted, not listed
    assert "malformed_json" in rendered[1] and "no_consent" in rendered[0]


def test_pages_escape_names(lake):
    summary = with_urls(queries.partition_summary(queries.partition_status(lake, DS, "dt=2024-01-01")))
    summary["policy_version"] = "<script>alert(1)</script>"
    assert "<script>alert" not in pages.render_partition(summary, {})


def test_report_files_are_served_and_confined(lake):
    body, media_type = queries.report_file(lake, DS, "dt=2024-01-01", "static/app.css")
    assert body == b"body{}" and media_type == "text/css"
    assert queries.report_file(lake, DS, "dt=2024-01-01", "index.html")[1] == "text/html"
    assert queries.report_file(lake, DS, "dt=2024-01-01", "missing.html") is None
    assert queries.report_file(lake, DS, "dt=2024-01-01", "../../../training_sets/x") is None
    with pytest.raises(ValueError):
        queries.report_file(lake, DS, "..", "index.html")
    with pytest.raises(ValueError):
        queries.partition_statuses(lake, "../quarantine")


def test_empty_storage(tmp_path):
    storage = open_storage(str(tmp_path / "empty"))
    assert queries.list_datasets(storage) == []
    assert queries.partition_statuses(storage, DS) == []
    assert queries.partition_status(storage, DS, "dt=2024-01-01") is None
    assert "Nothing published" in pages.render_index(storage.root, {})


def test_partition_for_interval_start():
    assert queries.partition_for_interval_start(datetime(2024, 3, 5, tzinfo=UTC)) == "dt=2024-03-05"


def _load_plugin():
    path = REPO_ROOT / "plugins" / "steward_views.py"
    spec = importlib.util.spec_from_file_location("steward_views_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_plugin_registers_views_and_rejects_anonymous_requests():
    from fastapi.testclient import TestClient

    plugin = _load_plugin()
    cls = plugin.StewardViewsPlugin
    assert cls.fastapi_apps[0]["url_prefix"] == "/steward"
    assert {v["destination"] for v in cls.external_views} == {"nav", "dag_run"}
    client = TestClient(cls.fastapi_apps[0]["app"])
    for url in ("/", "/api/datasets", "/reports/support_conversations/dt=2024-01-01/index.html"):
        assert client.get(url).status_code == 401, url


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
    status = queries.partition_status(spy, DS, "dt=2024-01-01")
    assert status is not None and status.state == "published"
    assert all("/dt=2024-01-01/" in prefix for prefix in spy.listed), spy.listed
    assert queries.partition_status(spy, DS, "dt=1999-01-01") is None


def _client(lake, **kwargs):
    from fastapi.testclient import TestClient

    return TestClient(create_app(lambda: lake, **kwargs))


def test_app_serves_pages_api_and_its_own_assets(lake):
    client = _client(lake)
    index = client.get("/")
    assert index.status_code == 200 and "dt=2024-01-02" in index.text
    assert "default-src 'self'" in index.headers["content-security-policy"]
    assert "/steward/static/steward.css" in index.text  # the stylesheet comes from the app, not a CDN
    page = client.get(f"/datasets/{DS}/dt=2024-01-01")
    assert page.status_code == 200 and "malformed_json" in page.text and "Secret" not in page.text
    row = client.get(f"/api/datasets/{DS}/partitions/dt=2024-01-01").json()
    assert row["state"] == "published" and row["report"].endswith("/index.html")
    assert [r["partition"] for r in client.get(f"/api/datasets/{DS}/partitions").json()] == [
        "dt=2024-01-02",
        "dt=2024-01-01",
    ]
    css = client.get("/static/steward.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for missing in (
        "/static/missing.css",
        "/static/__init__.py",
        f"/datasets/{DS}/dt=1999-01-01",
        f"/datasets/{DS}/..",
        "/docs",
        "/openapi.json",
    ):
        assert client.get(missing).status_code == 404, missing
    report = client.get(f"/reports/{DS}/dt=2024-01-01/index.html")
    assert report.status_code == 200 and report.text == "<html>report</html>"


def test_run_tab_redirects_to_the_runs_partition(lake):
    runs = {"scheduled__2024-01-01": "dt=2024-01-01"}
    client = _client(lake, runs_dataset=DS, partition_for_run=lambda dag_id, run_id: runs.get(run_id))
    found = client.get("/runs/some_dag/scheduled__2024-01-01", follow_redirects=False)
    assert found.status_code == 307
    assert found.headers["location"] == f"/steward/datasets/{DS}/dt%3D2024-01-01"
    assert client.get("/runs/some_dag/manual__x", follow_redirects=False).status_code == 404
    assert _client(lake).get("/runs/some_dag/scheduled__2024-01-01").status_code == 404
