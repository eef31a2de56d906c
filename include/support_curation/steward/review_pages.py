"""The stewards' review pages: the queue by partition and kind, an item with its redacted text, decisions.

Routes only; the queue, decisions and leak figures come from :mod:`support_curation.review`. Reading is
guarded by the app's own dependency (read access to the curation DAG). Deciding is POST-only and needs
two more things:

- :func:`steward_login`, which the mounting side overrides (``app.dependency_overrides``) with its
  authorization for writes; the Airflow plugin requires edit access on the curation DAG and returns the
  Airflow login. Not overridden, it refuses (403): fail closed;
- a CSRF token: the item page sets a random token in a ``SameSite=Strict`` cookie and in the form; a
  POST whose form token does not match the cookie is refused (403).

Marking missed personal data needs no script: the steward picks the message, types the words exactly as
they appear, and a type; the server turns them into a span of the item's text and records the type and
the span, never the words.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from support_curation.layout import is_partition_name
from support_curation.review import items as review_items
from support_curation.review.names import MISSED_TYPES, Action, Kind
from support_curation.review.reredact import PLACEHOLDER
from support_curation.steward import pages, urls

if TYPE_CHECKING:
    from support_curation.config import PipelinePolicy
    from support_curation.review.store import DecisionStore
    from support_curation.storage import Storage

CSRF_COOKIE = "steward_review_csrf"
REVIEW_PATH = "/review"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; connect-src 'none'; "
    "frame-ancestors 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

router = APIRouter()


# --- what the routes need (each overridable: tests and the plugin set their own) --------------------


@functools.cache
def _settings_storage() -> Storage:
    from support_curation.config import get_settings

    return get_settings().output_storage()


def lake() -> Storage:
    return _settings_storage()


@functools.cache
def _settings_store() -> DecisionStore:
    from support_curation.config import get_settings
    from support_curation.review.store import DecisionStore, state_engine

    return DecisionStore(state_engine(get_settings()))


def decision_store() -> DecisionStore:
    return _settings_store()


def policy() -> PipelinePolicy:
    from support_curation.config import get_settings, load_policy

    return load_policy(get_settings().policy_path)


def dataset() -> str:
    from support_curation.config import DATASET

    return DATASET


async def steward_login(request: Request) -> str:
    """Who decides. Overridden by whoever mounts the app; as it stands it lets nobody decide."""
    raise HTTPException(403, "deciding needs edit access to the curation DAG")


# Any: FastAPI resolves annotations at runtime, and these types are imported for type checking only
LakeDep = Annotated[Any, Depends(lake)]
StoreDep = Annotated[Any, Depends(decision_store)]
PolicyDep = Annotated[Any, Depends(policy)]
DatasetDep = Annotated[str, Depends(dataset)]


# --- urls and rendering -----------------------------------------------------------------------------


def queue_url(partition: str | None = None, kind: str | None = None) -> str:
    query = "&".join(f"{k}={quote(v)}" for k, v in (("partition", partition), ("kind", kind)) if v)
    return f"{urls.BASE_PATH}{REVIEW_PATH}" + (f"?{query}" if query else "")


def item_url(item: str) -> str:
    return f"{urls.BASE_PATH}{REVIEW_PATH}/items/{quote(item, safe='')}"


def _html(body: str, csrf: str | None = None) -> HTMLResponse:
    response = HTMLResponse(body, headers=PAGE_HEADERS)
    if csrf:
        response.set_cookie(
            CSRF_COOKIE, csrf, httponly=True, samesite="strict", path=urls.BASE_PATH + REVIEW_PATH
        )
    return response


def segments(text: str) -> list[tuple[str, bool]]:
    """A message as (piece, is_placeholder) pairs, for highlighting placeholders."""
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > last:
            out.append((text[last : match.start()], False))
        out.append((match.group(), True))
        last = match.end()
    if last < len(text):
        out.append((text[last:], False))
    return out


# --- pages ------------------------------------------------------------------------------------------


@router.get(REVIEW_PATH, response_class=HTMLResponse)
def queue_page(
    storage: LakeDep, ds: DatasetDep, partition: str | None = None, kind: str | None = None
) -> HTMLResponse:
    from support_curation.review.report import leak_report

    waiting = review_items.list_items(
        storage, ds, partition=partition if partition and is_partition_name(partition) else None, kind=kind
    )
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for item in waiting:
        grouped.setdefault(item["partition"], {}).setdefault(item["kind"], []).append(item)
    report = leak_report(storage, ds)
    body = pages.render(
        "review_queue.html.j2",
        dataset=ds,
        grouped=grouped,
        total=len(waiting),
        report=report,
        kinds=[str(k) for k in Kind],
        item_url=item_url,
        queue_url=queue_url,
        selected={"partition": partition, "kind": kind},
    )
    return _html(body)


@router.get(REVIEW_PATH + "/items/{item}", response_class=HTMLResponse)
def item_page(
    item: str, storage: LakeDep, store: StoreDep, rules: PolicyDep, ds: DatasetDep, note: str | None = None
) -> HTMLResponse:
    found = review_items.find_item(storage, ds, item)
    if found is None:
        raise HTTPException(404, "no such review item")
    record = found.get("record") or {}
    messages = [
        {
            "number": n,
            "role": m.get("role"),
            "segments": segments(str(m.get("content") or "")),
        }
        for n, m in enumerate(record.get("messages") or [])
    ]
    history = [d.public() for d in store.for_items([found["item"]])]
    csrf = secrets.token_urlsafe(32)
    body = pages.render(
        "review_item.html.j2",
        item={k: v for k, v in found.items() if k not in ("record", "subject")},
        messages=messages,
        history=history,
        reasons=rules.review.exclude_reasons,
        types=MISSED_TYPES,
        csrf=csrf,
        note=note if note in NOTES else None,
        notes=NOTES,
        decide_url=item_url(found["item"]) + "/decide",
        queue_url=queue_url(found["partition"]),
    )
    return _html(body, csrf)


NOTES = {
    "recorded": "Decision recorded; it takes effect when decisions are applied (daily, or on demand).",
}


@router.post(REVIEW_PATH + "/items/{item}/decide")
def decide_item(
    item: str,
    request: Request,
    who: Annotated[str, Depends(steward_login)],
    storage: LakeDep,
    store: StoreDep,
    rules: PolicyDep,
    ds: DatasetDep,
    csrf: Annotated[str, Form()],
    action: Annotated[str, Form()],
    reason: Annotated[str | None, Form()] = None,
    entity_type: Annotated[str | None, Form()] = None,
    message: Annotated[int | None, Form()] = None,
    words: Annotated[str | None, Form()] = None,
) -> RedirectResponse:
    from support_curation.review.decide import InvalidDecision, decide

    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        raise HTTPException(403, "the form has expired: reload the page and decide again")
    if action not in {str(a) for a in Action}:
        raise HTTPException(400, "unknown action")
    span = None
    if action == Action.MISSED:
        found = review_items.find_item(storage, ds, item)
        if found is None or "record" not in found:
            raise HTTPException(404, "no such pending review item")
        span = _span_of(found["record"], message, words or "")
    try:
        decide(
            storage,
            store,
            rules,
            dataset=ds,
            item=item,
            action=action,
            who=who,
            reason=reason or None,
            entity_type=entity_type or None,
            span=span,
        )
    except InvalidDecision as problem:
        raise HTTPException(400, str(problem)) from None
    return RedirectResponse(item_url(item) + "?note=recorded", status_code=303)


def _span_of(record: dict[str, Any], message: int | None, words: str) -> tuple[int, int]:
    """The span of the words in the chosen message (their first mention, any case and spacing)."""
    offsets = review_items.message_offsets(record)
    if message is None or not 0 <= message < len(offsets) or not words.strip():
        raise HTTPException(400, "pick a message and type the words as they appear in it")
    text = str((record.get("messages") or [])[message].get("content") or "")
    pattern = r"\s+".join(re.escape(part) for part in words.split())
    match = re.search(pattern, text, re.IGNORECASE)
    if match is None:
        raise HTTPException(400, "those words are not in that message")  # never echo them
    return offsets[message][0] + match.start(), offsets[message][0] + match.end()
