"""Staging for one run: raw conversations live under a folder of their own run, and nowhere longer.

``<dataset>/dt=YYYY-MM-DD/run-<hash of the run id>/`` holds one run's chunks, so two runs of the same
day (a manual trigger beside a scheduled one, a backfill beside a rerun) never read or delete each
other's files. The run's first task writes ``_run.json`` (when it started) before anything else; the
cleanup teardown removes the folder. A run killed hard (SIGKILL, a lost worker) skips its teardown, so
:func:`sweep` removes run folders whose marker is older than a number of hours; that number is larger
than the DAG's ``dagrun_timeout``, so a live run is never swept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from support_curation.layout import is_partition_name

if TYPE_CHECKING:
    from support_curation.storage import Storage

log = logging.getLogger(__name__)

RUN_FOLDER_PREFIX = "run-"
MARKER = "_run.json"


def run_folder(dataset: str, partition: str, run_id: str) -> str:
    """The run's staging folder (no trailing slash); the run id is hashed: it is free text."""
    digest = hashlib.sha256(run_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{dataset}/{partition}/{RUN_FOLDER_PREFIX}{digest}"


def mark_started(staging: Storage, folder: str, at: datetime) -> None:
    """Record when the run started, so the sweeper can tell an orphan from a live run."""
    staging.put_bytes(f"{folder}/{MARKER}", json.dumps({"started_at": at.isoformat()}).encode())


def _started(staging: Storage, folder: str) -> datetime | None:
    try:
        body = json.loads(staging.get_bytes(f"{folder}/{MARKER}"))
        started = datetime.fromisoformat(body["started_at"])
    except Exception:  # no marker, or one that cannot be read: the caller decides
        return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def sweep(staging: Storage, dataset: str, *, now: datetime, older_than: timedelta) -> list[str]:
    """Remove run folders started before ``now - older_than`` (and pre-run-id leftovers); their names.

    A run folder without a readable marker is an orphan too (the marker is the run's first write), but
    it is looked at once more right before removal, in case a run was just starting.
    """
    groups: dict[str, list[str]] = {}
    for key in staging.list(f"{dataset}/"):
        parts = key.split("/")
        if len(parts) < 3 or not is_partition_name(parts[1]):
            continue
        is_run = parts[2].startswith(RUN_FOLDER_PREFIX) and len(parts) > 3
        group = "/".join(parts[:3]) if is_run else "/".join(parts[:2]) + "/"  # the latter: old layout
        groups.setdefault(group, []).append(key)
    cutoff = now - older_than
    swept = []
    for group, keys in sorted(groups.items()):
        if not group.endswith("/"):
            started = _started(staging, group)
            if started is None and staging.exists(f"{group}/{MARKER}"):
                started = _started(staging, group)  # written since the listing: a run starting now
            if started is not None and started >= cutoff:
                continue
            keys = [k for k in keys if k.startswith(group + "/")]
        else:
            keys = [k for k in keys if not k.split("/")[2].startswith(RUN_FOLDER_PREFIX)]
        staging.delete(keys)
        swept.append(group.rstrip("/"))
        log.info("swept orphaned staging %s: %d files", group.rstrip("/"), len(keys))
    return swept
