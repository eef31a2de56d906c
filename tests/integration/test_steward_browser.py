"""The stewards' pages in headless Chromium with the network cut off: every state, report and chart renders
from the app alone, with no console error (a CSP violation or a blocked asset would be one).

A real uvicorn server serves the package's app at ``/steward`` on 127.0.0.1 over a local lake holding
the states a steward must tell apart: published (with 10 days of trends), failed at extract (from the
run source), dry run only, an empty day, and a failed validation. The validation reports are written by
the pipeline's own report step from real Great Expectations runs. Every request that does not go to
the server is aborted and recorded. Screenshots of each state go to ``docs/img/``.
"""

from __future__ import annotations

import os
import random
import socket
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from support_curation.layout import PartitionRef
from support_curation.publish import publish_partition
from support_curation.run_status import DRY_RUN, PUBLISHED, RunStatus, write_status
from support_curation.steward.runs import RunInfo
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES = REPO_ROOT / "docs" / "img"
CHROMIUM = os.environ.get("CURATION_CHROMIUM", "/usr/bin/chromium")
DS = "support_conversations"
DAG_ID = "curate_support_conversations"
POLICY = "pipeline_v1+test"
LEAK = "planted.leak@example.org"  # residual PII in the failing batch: must never reach a page
FIRST = 20  # 2024-06-20 .. 2024-06-29 published; then the special days
FAILED_DAY, DRY_DAY, EMPTY_DAY, INVALID_DAY = (f"dt=2024-06-{d}" for d in (30, 29, 28, 27))
PUBLISHED_DAY = "dt=2024-06-26"


def _record(number: int, text: str) -> dict[str, Any]:
    return {
        "record_id": f"rec-{number:04d}",
        "source": "tickets",
        "interval": "x",
        "channel": "email",
        "language": "en",
        "segment": "consumer",
        "messages": [{"role": "customer", "content": text}, {"role": "agent", "content": "Thanks, done."}],
        "entities": {"PERSON": 1},
        "flags": [],
        "policy_version": POLICY,
    }


_OUTCOMES: dict[tuple[str, ...], Any] = {}


def _write_report(lake: Any, partition: str, records: list[dict[str, Any]], *, dry_run: bool) -> bool:
    """Validate ``records`` with the project's suites and write the report as the pipeline does."""
    from support_curation.pipeline import _publish_report
    from support_curation.validation import build_validation_frame, validate_batch

    key = tuple(r["record_id"] for r in records)
    if key not in _OUTCOMES:  # one GX run per distinct batch: the published days share theirs
        frame = build_validation_frame(records, {}, {r["record_id"]: True for r in records})
        with tempfile.TemporaryDirectory() as tmp:
            _OUTCOMES[key] = validate_batch(
                frame,
                policy_version=POLICY,
                min_records=0,
                max_records=10_000,
                report_dir=Path(tmp),
                run_name=partition,
            )
    outcome = _OUTCOMES[key]
    rt = SimpleNamespace(interval=SimpleNamespace(ref=PartitionRef(DS, partition)), output=lake)
    _publish_report(rt, outcome, records=len(records), dry_run=dry_run, run_id=f"manual__{partition}")
    return outcome.success


def _counts(extracted: int, published: int, rng: random.Random) -> dict[str, Any]:
    rest = extracted - published
    excluded = {"no_consent_record": rest // 2, "scope_not_granted": rest // 4}
    quarantined = {"malformed_json": rest - sum(excluded.values()) - 1, "review_required": 1}
    return {
        "extracted": extracted,
        "extracted_by_source": {"tickets": extracted - 5, "chat": 5},
        "published": published,
        "excluded": excluded,
        "quarantined": quarantined,
    }


def _publish(lake: Any, partition: str, counts: dict[str, Any], run_id: str) -> None:
    rows = [
        (_record(n, "My order arrived late, please refund."), f"customer-{n}")
        for n in range(counts["published"])
    ]
    publish_partition(
        lake,
        dataset=DS,
        partition=partition,
        rows=rows,
        hmac_key="browser-test-key",
        metadata={
            "counts": counts,
            "policy_version": POLICY,
            "policy_sha256": "0" * 64,
            "validation": {"success": True, "summary": {}, "report": "x"},
            "entities": {"PERSON": 2 * counts["published"], "EMAIL_ADDRESS": counts["published"] // 3},
        },
    )
    status = RunStatus.now(
        PUBLISHED, dry_run=False, run_id=run_id, records=counts["published"], counts=counts
    )
    write_status(lake, PartitionRef(DS, partition), status)


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Any:
    lake = open_storage(str(tmp_path_factory.mktemp("steward-browser") / "lake"))
    rng = random.Random(12)
    clean = [_record(n, "The parcel was late; the agent sent a new one.") for n in range(6)]
    for day in range(FIRST, FIRST + 10):
        partition = f"dt=2024-06-{day}"
        if partition in (DRY_DAY, EMPTY_DAY, INVALID_DAY):
            continue
        assert _write_report(lake, partition, clean, dry_run=False)
        extracted = rng.randint(40, 60)
        _publish(
            lake, partition, _counts(extracted, extracted - rng.randint(15, 25), rng), f"backfill__{day}"
        )
    # failed in extract: the run source says so; storage holds only the extract quarantine file
    lake.put_bytes(f"quarantine/{DS}/{FAILED_DAY}/extract-tickets.jsonl.gz", b"")
    # a dry run of a day never published: its report beside (dry_run/), its counts in its status
    assert _write_report(lake, DRY_DAY, clean, dry_run=True)
    dry = RunStatus.now(DRY_RUN, dry_run=True, run_id="manual__dry", counts=_counts(50, 30, rng))
    write_status(lake, PartitionRef(DS, DRY_DAY), dry)
    # an empty day: 0 extracted, published with a warning
    assert _write_report(lake, EMPTY_DAY, [], dry_run=False)
    empty = {"extracted": 0, "extracted_by_source": {}, "published": 0, "excluded": {}, "quarantined": {}}
    _publish(lake, EMPTY_DAY, empty, "backfill__28")
    # a batch with residual PII: the report fails (the pipeline would also quarantine it)
    assert not _write_report(lake, INVALID_DAY, [*clean, _record(99, f"write to {LEAK}")], dry_run=False)
    # a dry run beside a published day, failing: must not touch the published report
    assert not _write_report(lake, PUBLISHED_DAY, [_record(98, f"mail {LEAK}")], dry_run=True)
    return lake


class _Runs:
    def __init__(self) -> None:
        failed = RunInfo(DAG_ID, "manual__failed", FAILED_DAY, "failed", failed_tasks=("extract",))
        self.runs = {failed.run_id: failed}

    def partition_for_run(self, dag_id: str, run_id: str) -> str | None:
        found = self.runs.get(run_id)
        return found.partition if found else None

    def latest_runs(self, partitions: list[str]) -> dict[str, RunInfo]:
        return {r.partition: r for r in self.runs.values() if r.partition in partitions}

    def run(self, dag_id: str, run_id: str) -> RunInfo | None:
        return self.runs.get(run_id)


@pytest.fixture(scope="module")
def server(lake: Any) -> Iterator[str]:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from support_curation.steward.app import create_app
    from support_curation.steward.urls import BASE_PATH

    app = Starlette(routes=[Mount(BASE_PATH, create_app(lambda: lake, runs=_Runs(), runs_dataset=DS))])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


def test_every_state_and_report_renders_offline_without_console_errors(server: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run scripts/ci_setup.sh (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no name resolves: the network is off
    ]
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(server + "/")
                    else (blocked.append(route.request.url), route.abort())
                ),
            )
            page = context.new_page()
            page.on(
                "console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
            )
            page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

            def visit(path: str, shot: str | None = None) -> str:
                response = page.goto(server + path)
                assert response is not None and response.status == 200, path
                page.wait_for_load_state("load")
                if shot:
                    page.screenshot(path=str(IMAGES / shot), full_page=True)
                content = page.content()
                assert LEAK not in content, path
                return content

            index = visit("/steward/", "steward_index.png")
            assert page.locator("svg[role=img]").count() == 4  # the four trend charts, inline
            assert page.locator("table.glossary tr.seen").count() >= 3
            for state in ("failed", "dry-run", "empty", "validation-failed", "published"):
                assert page.locator(f"span.state-{state}").count() >= 1, state
            assert "failed at extract" in index
            # the stylesheet applied (from the app): a published badge is green, not the default
            color = page.locator("span.state-published").first.evaluate("e => getComputedStyle(e).color")
            assert color == "rgb(34, 84, 61)", color

            failed = visit(f"/steward/datasets/{DS}/{FAILED_DAY}", "steward_failed.png")
            assert "failed at extract" in failed and "not counted" in failed
            dry = visit(f"/steward/datasets/{DS}/{DRY_DAY}", "steward_dry_run.png")
            assert "dry run only" in dry and "(dry run)" in dry and "dry-run report" in dry
            empty = visit(f"/steward/datasets/{DS}/{EMPTY_DAY}", "steward_empty.png")
            assert "no conversations extracted" in empty and "0 extracted = 0 published" in empty

            # reports: index with links and status icons; a suite page; the dry run beside, not over
            visit(f"/steward/reports/{DS}/{INVALID_DAY}/index.html", "validation_report.png")
            assert page.locator("table.suites a").count() == 4
            assert page.locator(".icon.fail").count() >= 1 and page.locator(".icon.pass").count() >= 1
            page.locator("table.suites a", has_text="residual_pii").click()
            page.wait_for_load_state("load")
            assert "/suites/residual_pii.html" in page.url
            assert page.locator("table.expectations tr.failed").count() >= 1
            page.screenshot(path=str(IMAGES / "validation_suite.png"), full_page=True)
            assert LEAK not in page.content()
            published = visit(f"/steward/reports/{DS}/{PUBLISHED_DAY}/index.html")
            assert "(dry run)" not in published and page.locator(".icon.fail").count() == 0
            visit(f"/steward/reports/{DS}/{PUBLISHED_DAY}/dry_run/index.html")
            assert page.locator(".icon.fail").count() >= 1
        finally:
            browser.close()
    assert blocked == [], f"pages asked for something outside the server: {blocked}"
    assert errors == [], errors
    for name in ("steward_index.png", "steward_failed.png", "steward_dry_run.png", "steward_empty.png"):
        assert (IMAGES / name).stat().st_size > 10_000, name
