"""The validate stage over staged redacted rows, in chunks: its result does not depend on the chunk size,
and the row-level residual quarantine finds flagged records wherever their chunk is.

Rows are staged as ``redact_chunk`` writes them (with the gate's counts), so no model is loaded; the
consent ledger is a SQLite helpdesk that grants every customer.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, insert

from support_curation import pipeline
from support_curation.config import DATASET, Settings
from support_curation.layout import Area
from support_curation.records import read_jsonl_gz, write_jsonl_gz
from support_curation.review.items import list_items
from support_curation.sources import helpdesk_schema as hs
from support_curation.validation.gate import GATE_DETECTORS

if TYPE_CHECKING:
    from pathlib import Path

START = datetime(2024, 5, 6, tzinfo=UTC)
HMAC_KEY = "validate-stage-test-key-0123456789abcdef"
RUN_ID = "validate_stage_test"
FLAGGED = {0: "email", 25: "name"}  # row -> detector: the first chunk file and the last
KNOWN = "Quillon Brackenridge"  # a customer's own name: must not reach quarantine references


def _runtime(data_dir: Path, output: str) -> pipeline.Runtime:
    settings = Settings(
        data_dir=data_dir, hmac_key=HMAC_KEY, output_root=str(data_dir / output), helpdesk_url=None
    )
    return pipeline.Runtime(pipeline.Interval(START, START + timedelta(days=1)), settings, run_id=RUN_ID)


def _stage(data_dir: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rng = random.Random(4)
    rt = _runtime(data_dir, "lake")
    engine = create_engine(rt.settings.resolved_helpdesk_url)
    hs.metadata.create_all(engine)
    customers = [f"cust-{i}" for i in range(6)]
    with engine.begin() as conn:
        conn.execute(
            insert(hs.consent_events),
            [
                {
                    "event_id": f"cev-{c}",
                    "customer_id": c,
                    "purpose": rt.policy.purpose,
                    "scope": "chat",
                    "granted": True,
                    "notice_version": "v1",
                    "recorded_at": START - timedelta(days=9),
                }
                for c in customers
            ],
        )
    rows = []
    flagged: dict[str, str] = {}
    for i in range(27):
        record_id = f"{rng.getrandbits(128):032x}"
        gate = dict.fromkeys(GATE_DETECTORS, 0)
        if i in FLAGGED:
            gate[FLAGGED[i]] = 1
            flagged[record_id] = FLAGGED[i]
        record = {
            "record_id": record_id,
            "source": "chat",
            "interval": rt.interval.label,
            "channel": "chat",
            "language": "en",
            "segment": "smb",
            "messages": [{"role": "customer", "content": "Where is order <ORDER_1>?"}],
            "entities": {"ORDER": 1},
            "flags": [],
            "policy_version": rt.policy_version,
        }
        rows.append(
            {
                "record": record,
                "known_identifiers": [KNOWN],
                "customer_id": customers[i % 6],
                "scope": "chat",
                "gate": gate,
            }
        )
    redacted = []
    for number, first in enumerate(range(0, len(rows), 9)):
        key = f"{rt.staging_prefix}/redacted/chunk-{number:05d}.jsonl.gz"
        write_jsonl_gz(rt.staging, key, rows[first : first + 9])
        redacted.append({"chunk": key, "records": 9})
    return redacted, flagged


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]], dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("validate-stage")
    return data_dir, *_stage(data_dir)


@pytest.mark.parametrize("chunk_rows", [4, 1000])
def test_residual_quarantine_finds_flagged_records_in_any_chunk(
    staged: tuple[Path, list[dict[str, Any]], dict[str, str]], chunk_rows: int
) -> None:
    data_dir, redacted, flagged = staged
    rt = _runtime(data_dir, f"lake-{chunk_rows}")
    result = pipeline.validate(redacted, rt, chunk_rows=chunk_rows)
    assert result["success"] and result["records"] == 27
    assert result["quarantined"] == {"residual_pii:email": 1, "residual_pii:name": 1}
    assert result["summary"]["residual"]["flagged"] == 2
    # the held ids leave publish; the quarantine holds references; the review queue the redacted records
    assert pipeline._held_records(rt, result) == frozenset(flagged)
    references = list(
        read_jsonl_gz(rt.output, rt.interval.ref.key(Area.QUARANTINE, pipeline.RESIDUAL_QUARANTINE))
    )
    assert {r["record_id"]: r["reason"] for r in references} == {
        rid: f"residual_pii:{detector}" for rid, detector in flagged.items()
    }
    assert all(set(r) == {"record_id", "reason", "detectors", "subject"} for r in references)
    assert KNOWN not in str(references) and "order" not in str(references).lower()
    items = list_items(rt.output, DATASET, partition=rt.interval.partition, kind="residual_pii")
    assert sorted(i["record_id"] for i in items) == sorted(flagged)
    published = [r["record"]["record_id"] for r in pipeline._redacted_rows(rt, redacted, result)]
    assert len(published) == 25 and not set(published) & set(flagged)


def test_the_result_does_not_depend_on_the_chunk_size(
    staged: tuple[Path, list[dict[str, Any]], dict[str, str]],
) -> None:
    data_dir, redacted, _ = staged
    results = [
        pipeline.validate(redacted, _runtime(data_dir, f"lake-same-{rows}"), chunk_rows=rows)
        for rows in (5, 27)
    ]
    assert results[0]["summary"] == results[1]["summary"]
    assert results[0]["quarantined"] == results[1]["quarantined"]


def test_staged_chunks_are_read_in_slices_with_the_same_result(
    staged: tuple[Path, list[dict[str, Any]], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, redacted, _ = staged
    whole = pipeline.validate(redacted, _runtime(data_dir, "lake-slices-whole"))
    build = pipeline._frame_rows
    slices: list[int] = []

    def counted(rt: pipeline.Runtime, rows: list[dict[str, Any]]) -> Any:
        slices.append(len(rows))
        return build(rt, rows)

    monkeypatch.setattr(pipeline, "VALIDATION_READ_ROWS", 4)
    monkeypatch.setattr(pipeline, "_frame_rows", counted)
    sliced = pipeline.validate(redacted, _runtime(data_dir, "lake-slices-4"))
    assert slices == [4, 4, 1] * 3  # three staged files of 9 rows, never more than 4 rows held
    assert sliced["summary"] == whole["summary"]
    assert sliced["quarantined"] == whole["quarantined"]


def test_frames_staged_by_the_redact_tasks_give_the_same_result_without_reading_text(
    staged: tuple[Path, list[dict[str, Any]], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir, redacted, _ = staged
    rt = _runtime(data_dir, "lake-frames")
    built_here = pipeline.validate(redacted, _runtime(data_dir, "lake-frames-built-here"))
    with_frames = []
    for result in redacted:  # what redact_chunk stages beside each chunk
        frame_key = result["chunk"].replace("/redacted/", "/frames/")
        rows = list(read_jsonl_gz(rt.staging, result["chunk"]))
        write_jsonl_gz(rt.staging, frame_key, pipeline._frame_rows(rt, rows))
        with_frames.append(result | {"frame": frame_key})

    def no_text(*_: Any) -> Any:
        raise AssertionError("validate framed staged text although the redact task staged the frame")

    monkeypatch.setattr(pipeline, "_frame_rows", no_text)
    from_frames = pipeline.validate(with_frames, rt, chunk_rows=4)
    assert from_frames["summary"] == built_here["summary"]
    assert from_frames["quarantined"] == built_here["quarantined"]
    assert pipeline._held_records(rt, from_frames) == pipeline._held_records(rt, built_here)


def test_batched_keeps_order_and_rejects_an_empty_size() -> None:
    from support_curation.records import batched

    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []
    with pytest.raises(ValueError, match="positive"):
        list(batched([1], 0))
