"""The project on a real Airflow deployment: backfills through the REST API, stewards' views, the UI.

Starts on 127.0.0.1: a PostgreSQL metadata database, the api-server, scheduler (LocalExecutor) and
dag-processor (``scripts/deploy_stack.py``, what ``make up`` runs), with local-folder storage and demo
data for three days. Then, as the UI does it: log in (``POST /auth/token``), backfill three days
(``POST /api/v2/backfills``), wait for every run, check the published partitions; backfill again with
``reprocess_behavior: completed`` and check the files are byte-identical; check the steward views
and the "Validation report" link; a dry run of a published day (reported beside it, nothing
published); finally drive the UI in headless Chromium (the steward pages with every request outside the
api-server blocked, the Backfill dialog's wording against the DAG's docs) and save screenshots to
``test-artifacts/``. Everything is stopped at teardown.

Skipped only on request: ``CURATION_SKIP_DEPLOYMENT_TEST=1``.
"""

from __future__ import annotations

import hashlib
import os
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
# three days by default; CURATION_DEPLOYMENT_DAYS=1 for a quicker pass on a busy machine
DAYS = [f"2024-06-{3 + n:02d}" for n in range(int(os.environ.get("CURATION_DEPLOYMENT_DAYS", "3")))]
PARTITIONS = [f"dt={d}" for d in DAYS]
CHROMIUM = os.environ.get("CURATION_CHROMIUM", "/usr/bin/chromium")
# three days take 2-3 minutes on an idle 2-core machine; shared CI runners need far more
BACKFILL_MINUTES = int(os.environ.get("CURATION_BACKFILL_MINUTES", "15"))

pytestmark = pytest.mark.skipif(
    os.environ.get("CURATION_SKIP_DEPLOYMENT_TEST") == "1", reason="CURATION_SKIP_DEPLOYMENT_TEST=1"
)


@pytest.fixture(scope="module")
def stack(start_deployment: Any) -> Iterator[Any]:
    with start_deployment(
        "deployment",
        demo_start=DAYS[0],
        demo_days=len(DAYS),
        # the git commit would change under parallel commits; manifests must be comparable across runs
        # demo mode: the demo HMAC key is refused anywhere else
        extra_env={"CURATION_CODE_VERSION": "deployment-test", "CURATION_DEMO": "1"},
    ) as stack:
        yield stack


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
    deadline = time.monotonic() + BACKFILL_MINUTES * 60
    while time.monotonic() < deadline:
        stack.check_alive()
        status, backfill = stack.request("GET", f"/api/v2/backfills/{backfill['id']}", token=token)
        assert status == 200, backfill
        if backfill.get("completed_at"):
            return dict(backfill)
        time.sleep(3)
    runs = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", token=token)[1]
    pytest.fail(f"backfill not complete after {BACKFILL_MINUTES} minutes: {backfill}; runs: {_states(runs)}")


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
    for path in ("/steward/docs", "/steward/openapi.json"):  # no schema or docs outside the access rules
        assert stack.request("GET", path)[0] in (401, 404), path
    # a browser without a login goes to the login page (and back afterwards); API clients get the 401
    status, location = _get_without_redirect(stack.url + "/steward/", accept="text/html")
    assert status == 303 and location.startswith("/api/v2/auth/login?next="), (status, location)
    viewer = stack.token("steward")
    status, rows = stack.request("GET", f"/steward/api/datasets/{DATASET}/partitions", token=viewer)
    assert status == 200, rows
    assert [r["partition"] for r in rows] == PARTITIONS[::-1]
    assert all(r["state"] == "published" and r["validation"]["success"] for r in rows)
    for row in rows:  # every partition reconciles, says when it was published and by which run
        assert row["reconciliation"]["balanced"], row["reconciliation"]
        assert row["published_at"] and row["run"]["url"].startswith(f"/dags/{DAG_ID}/runs/")
    status, page = stack.request("GET", "/steward/", token=viewer)
    assert status == 200 and PARTITIONS[0] in page
    truth = (Path(stack.env["CURATION_DATA_DIR"]) / "demo_truth.json").read_text()
    assert "Secret" not in page and not any(name in page for name in _some_truth_values(truth))


def _get_without_redirect(url: str, accept: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_dry_run_of_a_published_day_reports_beside_it(
    stack: Any, token: str, first_backfill: dict[str, Any]
) -> None:
    """Single Run with the `day` param and publish off, as the docs say: no 409, nothing published."""
    lake = _lake(stack)
    ref = f"reports/{DATASET}/{PARTITIONS[0]}"
    published_report = lake.get_bytes(f"{ref}/validation_summary.json")
    body = {"logical_date": None, "conf": {"day": DAYS[0], "publish": False}}
    status, run = stack.request("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", body, token=token)
    assert status == 200, run
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        stack.check_alive()
        status, run = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}", token=token)
        if run["state"] in ("success", "failed"):
            break
        time.sleep(3)
    assert run["state"] == "success", _failed_tasks(stack, token, [run])
    assert (run.get("note") or "").startswith(f"Curates {PARTITIONS[0]}"), run.get("note")
    assert lake.get_bytes(f"{ref}/validation_summary.json") == published_report  # beside, never over
    assert lake.exists(f"{ref}/dry_run/validation_summary.json") and lake.exists(
        f"{ref}/dry_run/run_status.json"
    )
    assert _snapshot(lake) == first_backfill["snapshot"]  # nothing published
    status, row = stack.request(
        "GET", f"/steward/api/datasets/{DATASET}/partitions/{PARTITIONS[0]}", token=stack.token("steward")
    )
    assert status == 200 and row["state"] == "published" and row["dry_run"]["run_id"] == run["dag_run_id"]
    assert row["dry_run_report"].endswith("/dry_run/index.html")
    last = first_backfill["runs"][-1]["dag_run_id"]  # its run id names the next day: the note says the truth
    backfilled = stack.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{last}", token=token)[1]
    assert (backfilled.get("note") or "").startswith(f"Curates {PARTITIONS[-1]}"), backfilled.get("note")


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

            # the report with everything outside the api-server blocked: links, status icons, no errors
            errors: list[str] = []
            blocked: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(stack.url + "/")
                    else (blocked.append(route.request.url), route.abort())
                ),
            )
            page.goto(f"{stack.url}/steward/reports/{DATASET}/{PARTITIONS[0]}/index.html")
            page.wait_for_load_state("load")
            assert "Not authenticated" not in page.content()
            assert page.locator("table.suites a").count() >= 4 and page.locator(".icon.pass").count() >= 4
            page.screenshot(path=str(ARTIFACTS / "validation_report.png"), full_page=True)
            page.locator("table.suites a").first.click()
            page.wait_for_load_state("load")
            assert page.locator("table.expectations .icon").count() >= 1
            page.goto(f"{stack.url}/steward/")
            page.wait_for_load_state("load")
            assert page.locator("svg[role=img]").count() == 4
            assert blocked == [] and errors == [], (blocked, errors)
            page.unroute("**/*")

            # the Backfill dialog's wording and defaults, which the DAG's docs quote
            page.goto(f"{stack.url}/dags/{DAG_ID}")
            page.get_by_role("button", name="Trigger").first.click()
            page.get_by_text("Backfill", exact=True).first.click()
            page.get_by_text("Reprocess Behavior").first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "backfill_dialog.png"))
            dialog = page.content()
        finally:
            browser.close()
    # markdown: a line break inside a label renders as a space
    doc = " ".join(stack.request("GET", f"/api/v2/dags/{DAG_ID}/details", token=token)[1]["doc_md"].split())
    for label in ("Missing Runs", "Missing and Errored Runs", "All Runs", "Max Active Runs", "Date Range"):
        assert label in dialog and label in doc, label
    for name in ("dag_grid.png", "steward_page.png", "validation_report.png", "backfill_dialog.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000, name


def _form_post(stack: Any, path: str, token: str, fields: dict[str, str], cookie: str) -> int:
    import urllib.error
    import urllib.parse
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(
        stack.url + path,
        data=urllib.parse.urlencode(fields).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_review_decisions_need_edit_access(stack: Any, token: str, first_backfill: dict[str, Any]) -> None:
    """The review queue reads with read access; a decision needs edit access on the curation DAG: the
    viewer ("steward" user here) gets 403, the admin's decision is recorded under the Airflow login."""
    import re
    import urllib.request

    from support_curation.review.items import list_items

    item = list_items(_lake(stack), DATASET)[0]["item"]
    viewer = stack.token("steward")
    assert stack.request("GET", "/steward/review", token=viewer)[0] == 200

    def page_and_cookie(bearer: str) -> tuple[str, str]:
        req = urllib.request.Request(
            stack.url + f"/steward/review/items/{item}", headers={"Authorization": f"Bearer {bearer}"}
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            cookie = response.headers["set-cookie"].split(";")[0]
            return response.read().decode(), cookie

    page, cookie = page_and_cookie(viewer)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    path = f"/steward/review/items/{item}/decide"
    assert _form_post(stack, path, viewer, {"csrf": csrf, "action": "approve"}, cookie) == 403
    page, cookie = page_and_cookie(token)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert _form_post(stack, path, token, {"csrf": csrf, "action": "approve"}, cookie) == 303
    page, _ = page_and_cookie(token)
    assert "approve" in page and ">admin<" in page  # the decision shows, with the Airflow login
