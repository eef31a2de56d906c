"""The review pages: the queue, an item with placeholders highlighted, and POST-only, CSRF-checked decisions
that only a steward with write access may make (a viewer's POST gets 403)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from support_curation.config import load_policy
from support_curation.layout import PartitionRef
from support_curation.policies import policy_file
from support_curation.review import items, store
from support_curation.steward import review_pages
from support_curation.storage import LocalStorage

DATASET = "support_conversations"
REF = PartitionRef(DATASET, "dt=2024-06-10")
NAME = "Idunn Vasquez-Holm"  # synthetic


@pytest.fixture
def setup(tmp_path):
    storage = LocalStorage(str(tmp_path / "lake"))
    record = {
        "record_id": "b" * 32,
        "source": "chat",
        "channel": "chat",
        "messages": [
            {
                "role": "agent",
                "content": "Hello <PERSON_1>, I'm sorry <script>alert(1)</script> for your loss.",
            },
            {"role": "customer", "content": f"Thank you. {NAME} was my father; account <ID_NUMBER_1>."},
        ],
        "entities": {"PERSON": 1, "ID_NUMBER": 1},
        "flags": ["vulnerability"],
    }
    items.queue_records(storage, REF, "review_required", [(record, "f" * 32, "chat")], datetime.now(UTC))
    decisions = store.DecisionStore(create_engine(f"sqlite:///{tmp_path / 'state.db'}"))
    (item,) = items.list_items(storage, DATASET)

    def client(login: str | None) -> TestClient:
        app = FastAPI()
        app.include_router(review_pages.router, prefix="/steward")
        app.dependency_overrides[review_pages.lake] = lambda: storage
        app.dependency_overrides[review_pages.decision_store] = lambda: decisions
        app.dependency_overrides[review_pages.policy] = lambda: load_policy(policy_file("pipeline_v1.yaml"))
        if login:  # a steward with write access; a viewer keeps the default, which refuses
            app.dependency_overrides[review_pages.steward_login] = lambda: login
        return TestClient(app)

    return client, item, decisions


def _csrf(client: TestClient, item: dict) -> str:
    page = client.get(f"/steward/review/items/{item['item']}")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_queue_lists_items_by_partition_and_kind(setup):
    client, item, _ = setup
    page = client("viewer").get("/steward/review")
    assert page.status_code == 200
    assert item["item"] in page.text and "dt=2024-06-10" in page.text and "review_required" in page.text
    assert "Leak estimate" in page.text and NAME not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_item_page_highlights_placeholders_and_escapes_text(setup):
    client, item, _ = setup
    page = client(None).get(f"/steward/review/items/{item['item']}")
    assert page.status_code == 200
    assert '<mark class="ph">&lt;PERSON_1&gt;</mark>' in page.text
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert item["subject"] not in page.text
    assert (
        review_pages.CSRF_COOKIE in page.headers["set-cookie"]
        and "samesite=strict" in page.headers["set-cookie"].lower()
    )


def test_a_viewers_decision_is_refused(setup):
    client, item, decisions = setup
    viewer = client(None)
    token = _csrf(viewer, item)
    refused = viewer.post(
        f"/steward/review/items/{item['item']}/decide", data={"csrf": token, "action": "approve"}
    )
    assert refused.status_code == 403
    assert decisions.pending(DATASET) == []


def test_decisions_need_a_matching_csrf_token_and_post(setup):
    client, item, decisions = setup
    steward = client("ana")
    url = f"/steward/review/items/{item['item']}/decide"
    assert steward.post(url, data={"csrf": "forged", "action": "approve"}).status_code == 403
    _csrf(steward, item)
    assert steward.post(url, data={"csrf": "forged", "action": "approve"}).status_code == 403
    assert steward.get(url).status_code == 405
    assert decisions.pending(DATASET) == []


def test_a_steward_decides_and_the_decision_shows(setup):
    client, item, decisions = setup
    steward = client("ana")
    token = _csrf(steward, item)
    done = steward.post(
        f"/steward/review/items/{item['item']}/decide",
        data={"csrf": token, "action": "exclude", "reason": "sensitive_content"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    (decision,) = decisions.pending(DATASET)
    assert (decision.who, decision.action, decision.reason) == ("ana", "exclude", "sensitive_content")
    page = steward.get(done.headers["location"])
    assert "Decision recorded" in page.text and "sensitive_content" in page.text and ">ana<" in page.text


def test_missed_words_become_a_span_never_stored(setup):
    client, item, decisions = setup
    steward = client("ana")
    token = _csrf(steward, item)
    url = f"/steward/review/items/{item['item']}/decide"
    wrong = steward.post(
        url, data={"csrf": token, "action": "missed", "message": 0, "words": NAME, "entity_type": "PERSON"}
    )
    assert wrong.status_code == 400 and NAME not in wrong.text
    done = steward.post(
        url,
        data={
            "csrf": token,
            "action": "missed",
            "message": 1,
            "words": NAME.lower(),
            "entity_type": "PERSON",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    (decision,) = decisions.pending(DATASET)
    text = items.item_text(item["record"])
    assert text[decision.span_start : decision.span_end] == NAME
    assert NAME not in repr(decision.public())
