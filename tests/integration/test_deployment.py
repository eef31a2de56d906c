"""The project on a real Airflow deployment: backfills through the REST API, stewards' views, the UI.

Starts on 127.0.0.1: a PostgreSQL metadata database, the api-server, scheduler (LocalExecutor) and
dag-processor (``scripts/deploy_stack.py``, what ``make up`` runs), with local-folder storage and demo
data for three days. Then, as the UI does it: log in (``POST /auth/token``), backfill three days
(``POST /api/v2/backfills``), wait for every run, check the published partitions; backfill again with
``reprocess_behavior: completed`` and check the files are byte-identical; check the steward views
and the "Validation report" link; finally drive the UI in headless Chromium and save screenshots to
``test-artifacts/``. Everything is stopped at teardown.

Skipped only on request: ``CURATION_SKIP_DEPLOYMENT_TEST=1``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from support_curation.publish import published_partitions, read_manifest, verify_partition
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
DAG_ID = "curate_support_conversations"
DATASET = "support_conversations"
DAYS = ["2024-06-03", "2024-06-04", "2024-06-05"]
PARTITIONS = [f"dt={d}" for d in DAYS]
CHROMIUM = os.environ.get("CURATION_CHROMIUM", "/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    os.environ.get("CURATION_SKIP_DEPLOYMENT_TEST") == "1", reason="CURATION_SKIP_DEPLOYMENT_TEST=1"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from support_curation.devenv import deploy_stack as deploy

    state = tmp_path_factory.mktemp("deployment")
    # parent folders must be traversable by the postgres user the metadata DB may run as
    stack = deploy.start(
        state,
        data_dir=state / "curation",
        triggerer=False,  # nothing here defers; one process less on two cores
        use_job_schedule=False,  # only the backfills create runs: no surprise run for "yesterday"
        demo_start=DAYS[0],
        demo_days=len(DAYS),
        inherit_env=False,
        # the git commit would change under parallel commits; manifests must be comparable across runs
        extra_env={"CURATION_CODE_VERSION": "deployment-test"},
    )
    try:
        yield stack
    finally:
        logs = ARTIFACTS / "deployment-logs"
        shutil.rmtree(logs, ignore_errors=True)
        stack.stop()
        shutil.copytree(state / "logs", logs, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def token(stack: Any) -> str:
    token = stack.token("admin")
    stack.wait_dag(token)
    status, body = stack.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False}, token=token)
    assert status == 200, body
    return token


def _lake(stack: Any) -> Any:
    return open_storage(str(Path(stack.env["CURATION_DATA_DIR"]) / "lake"))


def _snapshot(storage: Any) -> dict[str, str]:
    return {
        key: hashlib.sha256(storage.get_bytes(key)).hexdigest()
        for key in storage.list(f"training_sets/{DATASET}/")
    }


def _backfill(stack: Any, token: str, reprocess: str) -> dict[str, Any]:
    """Create a backfill as the UI's Backfill dialog does, and wait until the scheduler completes it."""
    body = {
        "dag_id": DAG_ID,
        "from_date": f"{DAYS[0]}T00:00:00Z",
        "to_date": f"{DAYS[-1]}T00:00:00Z",
        "reprocess_behavior": reprocess,
        "max_active_runs": 2,
        "run_backwards": False,
        "dag_run_conf": {},
    }
    status, backfill = stack.request("POST", "/api/v2/backfills", body, token=token)
    assert status == 200, backfill
    deadline = time.monotonic() + 360
    while time.monotonic() < deadline:
        stack.check_alive()
        status, backfill = stack.request("GET", f"/api/v2/backfills/{backfill['id']}", token=token)
        assert status == 200, backfill
        if backfill.get("completed_at"):
            return dict(backfill)
        time.sleep(3)
    runs = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", token=token)[1]
    pytest.fail(f"backfill not complete after 6 minutes: {backfill}; runs: {_states(runs)}")


def _states(runs: dict[str, Any]) -> dict[str, str]:
    return {r["dag_run_id"]: r["state"] for r in runs.get("dag_runs", [])}


def _runs(stack: Any, token: str) -> list[dict[str, Any]]:
    status, body = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns?order_by=logical_date", token=token)
    assert status == 200, body
    return list(body["dag_runs"])


def _failed_tasks(stack: Any, token: str, runs: list[dict[str, Any]]) -> list[str]:
    failed = []
    for run in runs:
        path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances"
        for ti in stack.request("GET", path, token=token)[1].get("task_instances", []):
            if ti["state"] not in ("success", "skipped"):
                failed.append(f"{run['dag_run_id']}:{ti['task_id']}[{ti['map_index']}]={ti['state']}")
    return failed


def _max_overlap(runs: list[dict[str, Any]]) -> int:
    spans = [(datetime.fromisoformat(r["start_date"]), datetime.fromisoformat(r["end_date"])) for r in runs]
    return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)


@pytest.fixture(scope="module")
def first_backfill(stack: Any, token: str) -> dict[str, Any]:
    _backfill(stack, token, "none")
    runs = _runs(stack, token)
    assert [r["logical_date"][:10] for r in runs] == DAYS, runs
    assert all(r["state"] == "success" for r in runs), _failed_tasks(stack, token, runs)
    return {"runs": runs, "snapshot": _snapshot(_lake(stack))}


def test_backfill_publishes_three_partitions(stack: Any, token: str, first_backfill: dict[str, Any]) -> None:
    lake = _lake(stack)
    assert published_partitions(lake, DATASET) == PARTITIONS
    for partition in PARTITIONS:
        manifest = read_manifest(lake, DATASET, partition)
        assert manifest is not None and manifest["validation"]["success"] is True
        assert manifest["records"] == manifest["counts"]["published"] > 0
        assert manifest["policy_version"]
        assert verify_partition(lake, DATASET, partition)
        assert lake.exists(f"reports/{DATASET}/{partition}/validation_summary.json")
    assert all(r["run_type"] == "backfill" for r in first_backfill["runs"])
    # the backfill's max_active_runs (and the DAG's) is 2: never three days at once
    assert _max_overlap(first_backfill["runs"]) <= 2


def test_reprocessing_backfill_is_byte_identical(
    stack: Any, token: str, first_backfill: dict[str, Any]
) -> None:
    before = {r["dag_run_id"]: r["end_date"] for r in first_backfill["runs"]}
    _backfill(stack, token, "completed")
    runs = _runs(stack, token)
    assert all(r["state"] == "success" for r in runs), _failed_tasks(stack, token, runs)
    assert {r["dag_run_id"] for r in runs} == set(before)  # the same runs, rerun: no duplicates
    assert all(r["end_date"] != before[r["dag_run_id"]] for r in runs), "runs were not reprocessed"
    assert _snapshot(_lake(stack)) == first_backfill["snapshot"]


def test_steward_views_need_a_login_and_show_partitions(
    stack: Any, token: str, first_backfill: dict[str, Any]
) -> None:
    assert stack.request("GET", "/steward/")[0] == 401
    assert stack.request("GET", f"/steward/reports/{DATASET}/{PARTITIONS[0]}/index.html")[0] == 401
    assert stack.request("GET", "/steward/", token="not-a-token")[0] in (401, 403)
    viewer = stack.token("steward")
    status, rows = stack.request("GET", f"/steward/api/datasets/{DATASET}/partitions", token=viewer)
    assert status == 200, rows
    assert [r["partition"] for r in rows] == PARTITIONS[::-1]
    assert all(r["state"] == "published" and r["validation"]["success"] for r in rows)
    status, page = stack.request("GET", "/steward/", token=viewer)
    assert status == 200 and PARTITIONS[0] in page
    truth = (Path(stack.env["CURATION_DATA_DIR"]) / "demo_truth.json").read_text()
    assert "Secret" not in page and not any(name in page for name in _some_truth_values(truth))


def _some_truth_values(truth_json: str) -> list[str]:
    """A few planted PII values of the demo (names, emails) that must never appear on a steward page."""
    import json

    truth = json.loads(truth_json)
    values: list[str] = []
    for pii in list(truth.get("customers", {}).values())[:20]:
        # full names and emails only: a lone first name could be an ordinary word on the page
        values.extend(
            str(v) for v in (pii.values() if isinstance(pii, dict) else pii) if " " in str(v) or "@" in str(v)
        )
    return values


def test_validation_report_link_on_the_validate_task(
    stack: Any, token: str, first_backfill: dict[str, Any]
) -> None:
    run = first_backfill["runs"][0]
    path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances/validate/links"
    status, links = stack.request("GET", path, token=token)
    assert status == 200, links
    url = links["extra_links"]["Validation report"]
    assert url == f"/steward/reports/{DATASET}/dt%3D{DAYS[0]}/index.html"
    status, html = stack.request("GET", url, token=token)
    assert status == 200 and "<html" in html.lower()


def test_ui_in_headless_chromium(stack: Any, token: str, first_backfill: dict[str, Any]) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run scripts/ci_setup.sh (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(stack.url + "/")
            page.wait_for_selector("input[name=username]")
            page.fill("input[name=username]", "admin")
            page.fill("input[type=password]", stack.passwords["admin"])
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/auth/" not in url)

            page.goto(f"{stack.url}/dags/{DAG_ID}")
            page.wait_for_selector("text=curate_support_conversations")
            page.wait_for_timeout(3000)  # the grid's bars load after the page frame
            page.screenshot(path=str(ARTIFACTS / "dag_grid.png"), full_page=True)

            page.goto(f"{stack.url}/plugin/training-data")
            frame = page.frame_locator("iframe").first
            frame.locator(f"text={PARTITIONS[0]}").first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "steward_page.png"))

            page.goto(f"{stack.url}/steward/reports/{DATASET}/{PARTITIONS[0]}/index.html")
            page.wait_for_load_state("load")
            assert "Not authenticated" not in page.content()
            page.screenshot(path=str(ARTIFACTS / "validation_report.png"), full_page=True)
        finally:
            browser.close()
    for name in ("dag_grid.png", "steward_page.png", "validation_report.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
