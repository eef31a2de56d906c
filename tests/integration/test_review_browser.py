"""The review pages in headless Chromium with the network cut off: a steward opens the queue, opens an
item, decides through the page's own forms (approve, exclude with a reason, mark missed words) and sees
the decision; a viewer's POST gets 403. Screenshots go to ``docs/img/``.

A real uvicorn server serves the review router at ``/steward`` over a local lake (one published
partition, its audit sample and a sensitive-topic item) and a SQLite decision log. Who is logged in is
a test cookie here; in the api-server it is the Airflow login, and deciding needs edit access on the
curation DAG (the plugin overrides ``review_pages.steward_login``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import Request  # noqa: TC002 (FastAPI reads the annotation at runtime)
from sqlalchemy import create_engine

from support_curation.config import load_policy
from support_curation.layout import PartitionRef
from support_curation.policies import policy_file
from support_curation.review import items, store
from support_curation.review.queue import ReviewPublication
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGES = REPO_ROOT / "docs" / "img"
CHROMIUM = os.environ.get("CURATION_CHROMIUM", "/usr/bin/chromium")
DS = "support_conversations"
REF = PartitionRef(DS, "dt=2024-06-10")
MISSED = "Halvorsen"  # synthetic: a surname the "redactor" left in one sample


def _record(n: int, text: str, flags: list[str] | None = None) -> dict[str, Any]:
    return {
        "record_id": f"{n:032x}",
        "source": "chat" if n % 2 else "tickets",
        "channel": "chat" if n % 2 else "email",
        "messages": [
            {"role": "customer", "content": text},
            {
                "role": "agent",
                "content": "Hello <PERSON_1>, I'm <PERSON_2>. I've logged this as <TICKET_ID_1>.",
            },
        ],
        "entities": {"PERSON": 2, "TICKET_ID": 1},
        "flags": flags or [],
    }


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("review-browser")
    lake = open_storage(str(root / "lake"))
    policy = load_policy(policy_file("pipeline_v1.yaml"))
    rows = [
        {
            "record": _record(n, f"My order <ORDER_ID_1> never came. Ask {MISSED} at the depot."),
            "customer_id": f"c{n}",
            "scope": "chat" if n % 2 else "tickets",
        }
        for n in range(4)
    ] + [
        {
            "record": _record(n, "Order <ORDER_ID_1> came damaged, card <CREDIT_CARD_1>."),
            "customer_id": f"c{n}",
        }
        for n in range(4, 30)
    ]
    review = ReviewPublication(policy, REF, published=len(rows), review_required=1)
    counts = {"extracted": 31, "published": 30, "excluded": {}, "quarantined": {"review_required": 1}}
    review.publish_partition(
        lake,
        dataset=DS,
        partition=REF.partition,
        rows=((r["record"], r["customer_id"]) for r in review.observe(rows)),
        hmac_key="browser-review-key",
        metadata={"counts": counts},
    )
    sensitive = {
        "record": _record(
            99, "My husband <PERSON_3> passed away; please close <ACCOUNT_ID_1>.", ["vulnerability"]
        ),
        "customer_id": "c99",
        "scope": "tickets",
    }
    review.queue(lake, hmac_key="browser-review-key", review_rows=[sensitive], queued_at=datetime.now(UTC))
    decisions = store.DecisionStore(create_engine(f"sqlite:///{root / 'state.db'}"))
    return {"lake": lake, "store": decisions, "policy": policy}


@pytest.fixture(scope="module")
def server(lake: dict[str, Any]) -> Iterator[str]:
    import uvicorn
    from fastapi import FastAPI, HTTPException
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from support_curation.steward import review_pages
    from support_curation.steward.app import create_app
    from support_curation.steward.urls import BASE_PATH

    def login(request: Request) -> str:  # stands in for the api-server's edit-access check
        if request.cookies.get("test_user") != "steward":
            raise HTTPException(403, "deciding needs edit access to the curation DAG")
        return "ana.steward"

    app: FastAPI = create_app(lambda: lake["lake"])  # the steward app, review pages included
    app.dependency_overrides[review_pages.decision_store] = lambda: lake["store"]
    app.dependency_overrides[review_pages.policy] = lambda: lake["policy"]
    app.dependency_overrides[review_pages.steward_login] = login
    root = Starlette(routes=[Mount(BASE_PATH, app)])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(root, host="127.0.0.1", port=port, log_level="warning"))
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


def test_a_steward_decides_in_the_page_and_a_viewer_cannot(server: str, lake: dict[str, Any]) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run scripts/ci_setup.sh (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]
    blocked: list[str] = []
    errors: list[str] = []
    host = server.removeprefix("http://").split(":")[0]
    sample = next(
        i
        for i in items.list_items(lake["lake"], DS, kind="audit_sample")
        if MISSED in items.item_text(i["record"])
    )
    (sensitive,) = items.list_items(lake["lake"], DS, kind="review_required")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            steward = browser.new_context(viewport={"width": 1300, "height": 900})
            steward.add_cookies([{"name": "test_user", "value": "steward", "domain": host, "path": "/"}])
            steward.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith(server + "/")
                    else (blocked.append(route.request.url), route.abort())
                ),
            )
            page = steward.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            response = page.goto(server + "/steward/review")
            assert response is not None and response.status == 200
            assert page.locator("table.queue tr").count() >= 2
            page.screenshot(path=str(IMAGES / "review_queue.png"), full_page=True)

            page.locator(f"a[href$='{sensitive['item']}']").click()
            page.wait_for_load_state("load")
            assert page.locator("mark.ph").count() >= 3  # placeholders highlighted
            color = page.locator("mark.ph").first.evaluate("e => getComputedStyle(e).backgroundColor")
            assert color == "rgb(254, 252, 191)", color  # the review stylesheet applied, from the app
            page.screenshot(path=str(IMAGES / "review_item.png"), full_page=True)
            page.locator("form:has(button.exclude) select[name=reason]").select_option("sensitive_content")
            page.locator("button.exclude").click()
            page.wait_for_load_state("load")
            assert "Decision recorded" in page.content()
            history = page.locator("table.history").inner_text()
            assert "ana.steward" in history and "exclude" in history and "sensitive_content" in history

            page.goto(server + f"/steward/review/items/{sample['item']}")
            page.locator("form:has(button.missed) select[name=message]").select_option("0")
            page.locator("form:has(button.missed) input[name=words]").fill(MISSED)
            page.locator("form:has(button.missed) select[name=entity_type]").select_option("PERSON")
            page.locator("button.missed").click()
            page.wait_for_load_state("load")
            assert "missed" in page.locator("table.history").inner_text()
            page.screenshot(path=str(IMAGES / "review_decided.png"), full_page=True)

            # a viewer: same pages, but a decision (even with a valid form token) is refused
            viewer = browser.new_context()
            vpage = viewer.new_page()
            vpage.goto(server + f"/steward/review/items/{sample['item']}")
            vpage.locator("button.approve").click()
            vpage.wait_for_load_state("load")
            assert "edit access" in vpage.content()
            refused = viewer.request.post(
                server + f"/steward/review/items/{sample['item']}/decide",
                form={"csrf": "x", "action": "approve"},
            )
            assert refused.status == 403
        finally:
            browser.close()
    assert blocked == [], blocked
    assert errors == [] or all("403" in e for e in errors), errors  # the viewer's refused POST logs a 403
    logged = {(d.who, d.action) for d in lake["store"].pending(DS)}
    assert logged == {("ana.steward", "exclude"), ("ana.steward", "missed")}
    assert MISSED not in repr([d.public() for d in lake["store"].pending(DS)])
