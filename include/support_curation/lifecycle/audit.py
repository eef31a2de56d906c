"""The enforcement's own records: audit entries and the watermark, under the output root's audit area.

Audit entries hold when, which action and policy, which partitions and how many records: nothing that
identifies a person. The watermark is the end of the window the last successful enforcement covered
(not Airflow's data interval): after failed or skipped days the next successful run covers the whole gap.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from support_curation.layout import Area

if TYPE_CHECKING:
    from support_curation.storage import Storage

# beside the per-dataset audit partitions (audit/<dataset>/dt=...), under a name no dataset uses
AUDIT_PREFIX = f"{Area.AUDIT}/consent_enforcement"
STATE_KEY = f"{Area.AUDIT}/enforcement_state.json"


def policy_ref(policy_version: str, policy_sha256: str) -> dict[str, str]:
    """How audit entries name the policy they enforced."""
    return {"version": policy_version, "sha256": policy_sha256}


def audit_entry(
    *,
    at: datetime,
    action: str,
    policy: dict[str, Any],
    partitions: list[dict[str, Any]],
    **counts: Any,
) -> dict[str, Any]:
    """An audit entry: when, which action and policy, which partitions, how many records; nothing else."""
    return {
        "at": at.astimezone(UTC).isoformat(),
        "action": action,
        "policy": policy,
        "partitions": partitions,
        "records_removed": sum(int(p.get("removed", p.get("records", 0))) for p in partitions),
        **counts,
    }


def append_audit(storage: Storage, entry: dict[str, Any]) -> str:
    """Write one audit entry as its own object (S3 has no append). Returns its key.

    The key is the entry's time plus a hash of its content, so a retried task writes the same object
    again instead of a duplicate entry.
    """
    body = json.dumps(entry, indent=2, sort_keys=True).encode()
    at = str(entry.get("at", "")).replace(":", "").replace("+0000", "Z")
    key = f"{AUDIT_PREFIX}/{at}-{hashlib.sha256(body).hexdigest()[:12]}.json"
    storage.put_bytes(key, body)
    return key


def read_audit(storage: Storage) -> list[dict[str, Any]]:
    """All audit entries, oldest first."""
    return [json.loads(storage.get_bytes(k)) for k in storage.list(AUDIT_PREFIX + "/")]


def read_watermark(storage: Storage) -> datetime | None:
    """The end of the window the last successful enforcement covered (None before the first one)."""
    if not storage.exists(STATE_KEY):
        return None
    return datetime.fromisoformat(json.loads(storage.get_bytes(STATE_KEY))["until"])


def write_watermark(storage: Storage, until: datetime) -> datetime:
    """Advance the watermark to ``until`` (never backwards: an older on-demand run must not rewind it)."""
    current = read_watermark(storage)
    new = max(until, current) if current else until
    storage.put_bytes(STATE_KEY, json.dumps({"until": new.isoformat()}, indent=2).encode())
    return new
