"""The validation frame: one row per curated record, with counts and flags but no raw values.

Great Expectations only ever sees this frame. It holds no message text and no identifier values:
detector hits are integer counts computed here, so neither a validation result nor Data Docs can
echo what was found, whatever result format they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from support_curation.validation.gate import GATE_DETECTORS, count_known, scan_records

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

ROLES: frozenset[str] = frozenset({"customer", "agent"})
LABEL_COLUMNS: tuple[str, ...] = (
    "record_id", "source", "interval", "channel", "language", "segment", "policy_version",
)  # fmt: skip
KNOWN_IDENTIFIER = "known_identifier"
# one column per gate detector and one for the record's own identifiers: ``<detector>_hits``
RESIDUAL_DETECTORS: tuple[str, ...] = (*GATE_DETECTORS, KNOWN_IDENTIFIER)
HIT_COLUMNS: tuple[str, ...] = tuple(f"{name}_hits" for name in RESIDUAL_DETECTORS)
# all hits of a record together: the gate's row-level decision and the batch's flagged share
RESIDUAL_COLUMN = "residual_hits"
COUNT_COLUMNS: tuple[str, ...] = (
    "message_count", "text_chars", "unknown_role_count", *HIT_COLUMNS, RESIDUAL_COLUMN,
)  # fmt: skip
FRAME_COLUMNS: tuple[str, ...] = (*LABEL_COLUMNS, "consent_granted", *COUNT_COLUMNS)


def _label(value: Any) -> str | None:
    return None if value is None else str(value)


def _contents(record: Mapping[str, Any]) -> list[str]:
    messages = record.get("messages") or []
    return [str(m.get("content") or "") for m in messages if isinstance(m, dict)]


def _row(
    record: Mapping[str, Any], hits: Mapping[str, int], identifiers: Iterable[str], granted: bool
) -> dict[str, Any]:
    messages = record.get("messages") or []
    contents = _contents(record)
    row: dict[str, Any] = {name: _label(record.get(name)) for name in LABEL_COLUMNS}
    row["consent_granted"] = granted is True  # anything but an explicit grant is a refusal
    row["message_count"] = len(messages)
    row["text_chars"] = sum(len(c.strip()) for c in contents)
    row["unknown_role_count"] = sum(
        1 for m in messages if not isinstance(m, dict) or m.get("role") not in ROLES
    )
    row.update({f"{name}_hits": count for name, count in hits.items()})
    row[f"{KNOWN_IDENTIFIER}_hits"] = count_known("\n".join(contents), list(identifiers))
    row[RESIDUAL_COLUMN] = sum(row[column] for column in HIT_COLUMNS)
    return row


def build_validation_frame(
    records: Iterable[Mapping[str, Any]],
    known_identifiers: Mapping[str, Iterable[str]],
    consent_granted: Mapping[str, bool],
    gate_hits: Mapping[str, Mapping[str, int]] | None = None,
) -> pd.DataFrame:
    """One row of labels, counts and residual-PII hit counts per record (see :data:`FRAME_COLUMNS`).

    Args:
        records: curated records (the published shape).
        known_identifiers: record id -> raw identifiers of its customer and agents; used for
            ``known_identifier_hits`` and then dropped.
        consent_granted: record id -> an independent re-check of the consent ledger; a record
            missing here counts as not consented (fail closed).
        gate_hits: record id -> the gate's counts when they were computed already (in the parallel
            redact tasks); a record without them is scanned here.
    """
    return frame_from_rows(frame_rows(records, known_identifiers, consent_granted, gate_hits))


def frame_rows(
    records: Iterable[Mapping[str, Any]],
    known_identifiers: Mapping[str, Iterable[str]],
    consent_granted: Mapping[str, bool],
    gate_hits: Mapping[str, Mapping[str, int]] | None = None,
) -> list[dict[str, Any]]:
    """The validation frame's rows as plain values (labels, flags, counts), to stage between tasks."""
    records = list(records)  # one chunk at a time: the NER batches across its records
    # counts computed elsewhere are used only when they cover every detector (a stale staging file
    # from an older gate must not pass a new detector as clean): the rest are scanned here
    given = {
        rid: {name: int(h[name]) for name in GATE_DETECTORS}
        for rid, h in (gate_hits or {}).items()
        if set(h) >= set(GATE_DETECTORS)
    }
    todo = [r for r in records if r.get("record_id") not in given]
    computed = iter(scan_records([_contents(record) for record in todo]))
    hits = [given[r["record_id"]] if r.get("record_id") in given else next(computed) for r in records]
    rows = []
    for record, record_hits in zip(records, hits, strict=True):
        record_id = record.get("record_id")
        rows.append(
            _row(
                record,
                record_hits,
                known_identifiers.get(record_id, ()) if record_id is not None else (),
                consent_granted.get(record_id, False) if record_id is not None else False,
            )
        )
    return rows


def frame_from_rows(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The validation frame of :func:`frame_rows`' rows, with the dtypes every expectation expects."""
    frame = pd.DataFrame(list(rows), columns=list(FRAME_COLUMNS))
    # Fixed dtypes, also for an empty batch, so every expectation meets the column type it expects.
    frame = frame.astype({name: "int64" for name in COUNT_COLUMNS} | {"consent_granted": "bool"})
    return frame.astype({name: "object" for name in LABEL_COLUMNS})
