"""Chunked validation gives the outcome of one whole-frame GX run: same verdicts, counts, ids, report data.

Seeded synthetic batches with failures placed in different chunks: residual PII (a ``mostly`` that some
chunks fail but the interval passes, and one the interval fails), a record id repeated across chunks
and within one, a null id, a refused consent, a wrong policy version, an empty conversation. GX runs
cost ~0.5 s each on shared cores, so chunk sizes are few and batches small.
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pytest

from support_curation.run_status import report_result
from support_curation.validation import build_validation_frame, validate_batch
from support_curation.validation.chunked import rechunk, validate_chunks
from support_curation.validation.gate import GATE_DETECTORS
from support_curation.validation.merge import SuiteMerger, UnmergeableExpectation, merge_rule
from support_curation.validation.seen_values import SeenValues

if TYPE_CHECKING:
    from pathlib import Path

    from support_curation.validation import ValidationOutcome

POLICY = "pipeline_v1"
CLEAN_HITS = dict.fromkeys(GATE_DETECTORS, 0)


def _record(record_id: str | None, **overrides: Any) -> dict[str, Any]:
    record = {
        "record_id": record_id,
        "source": "helpdesk",
        "interval": "2024-01-02",
        "channel": "email",
        "language": "en",
        "segment": "smb",
        "messages": [
            {"role": "customer", "content": "Order <ORDER_1> has not arrived."},
            {"role": "agent", "content": "Sorry <PERSON_1>, re-sent today."},
        ],
        "policy_version": POLICY,
    }
    return record | overrides


def _frames(
    size: int, *, flagged_at: list[int], seed: int, faults: bool = True, frame_rows: int = 13
) -> list[pd.DataFrame]:
    """The batch as validation frames of ``frame_rows`` (as staged chunks come), failures where asked."""
    rng = random.Random(seed)
    ids = [f"{rng.getrandbits(128):032x}" for _ in range(size)]
    records = [_record(i) for i in ids]
    granted = dict.fromkeys(ids, True)
    hits = {i: dict(CLEAN_HITS) for i in ids}
    for at in flagged_at:
        hits[ids[at]][rng.choice(GATE_DETECTORS)] = rng.randint(1, 3)
    if faults:
        records[size - 3]["record_id"] = ids[1]  # the same id in the first and the last chunk
        records[5]["record_id"] = ids[4]  # and twice in one chunk
        records[size // 2]["record_id"] = None
        granted[ids[size // 3]] = False
        records[size // 4]["policy_version"] = "pipeline_v0"
        records[size - 1]["messages"] = []
    frames = []
    for start in range(0, size, frame_rows):
        part = records[start : start + frame_rows]
        gate = {r["record_id"]: hits.get(r["record_id"], CLEAN_HITS) for r in part if r["record_id"]}
        frames.append(build_validation_frame(part, {}, granted, gate_hits=gate))
    return frames


def _whole(frames: list[pd.DataFrame], tmp_path: Path, **options: Any) -> ValidationOutcome:
    return validate_batch(
        pd.concat(frames, ignore_index=True),
        report_dir=tmp_path,
        run_name="x",
        policy_version=POLICY,
        **options,
    )


def _assert_same(chunked: ValidationOutcome, whole: ValidationOutcome) -> None:
    assert chunked.success is whole.success
    assert chunked.suite_success == whole.suite_success
    assert chunked.summary() == whole.summary()
    assert chunked.failing_record_ids == whole.failing_record_ids
    assert chunked.residual == whole.residual
    assert chunked.records == whole.records
    # what the report pages and the steward app read: configurations, counts, percentages, statistics
    assert report_result(chunked.gx_result) == report_result(whole.gx_result)


FAULTY = {"min_records": 1, "max_records": 500, "max_residual_rate": 0.1}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[pd.DataFrame], ValidationOutcome]:
    frames = _frames(90, flagged_at=[2, 40, 88], seed=7)
    return frames, _whole(frames, tmp_path_factory.mktemp("whole"), **FAULTY)


@pytest.mark.parametrize("chunk_rows", [20, 47, 1000])
def test_failures_in_different_chunks_merge_to_the_whole_frame_outcome(
    faulty: tuple[list[pd.DataFrame], ValidationOutcome], chunk_rows: int
) -> None:
    frames, whole = faulty
    assert not whole.success and not whole.suite_success["schema"] and not whole.suite_success["consent"]
    chunked = validate_chunks(frames, policy_version=POLICY, run_name="x", chunk_rows=chunk_rows, **FAULTY)
    _assert_same(chunked, whole)
    unique = next(
        e for e in chunked.summary()["suites"]["schema"]["expectations"] if e["type"].endswith("to_be_unique")
    )
    assert unique["unexpected_count"] == 4  # both copies of each repeated id, across chunks or not
    dumped = json.dumps(chunked.gx_result, default=str)
    assert "partial_unexpected" not in dumped and "unexpected_list" not in dumped  # counts, never values


@pytest.mark.parametrize(
    ("flagged_at", "success"),
    [
        # 6 of the first 20 records flagged (30 %): that chunk fails mostly = 0.9, the interval (7.5 %) passes
        ([0, 3, 6, 9, 12, 15], True),
        # 9 of 80 (11 %): the interval fails, though the last chunks have none
        ([0, 3, 6, 9, 12, 15, 18, 21, 24], False),
    ],
)
def test_mostly_is_decided_over_the_interval_not_per_chunk(
    tmp_path: Path, flagged_at: list[int], success: bool
) -> None:
    frames = _frames(80, flagged_at=flagged_at, seed=3, faults=False)
    whole = _whole(frames, tmp_path, **FAULTY)
    assert whole.success is success
    chunked = validate_chunks(frames, policy_version=POLICY, run_name="x", chunk_rows=20, **FAULTY)
    _assert_same(chunked, whole)
    first_chunk = validate_chunks(frames[:2], policy_version=POLICY, run_name="x", chunk_rows=20, **FAULTY)
    assert first_chunk.suite_success["residual_pii"] is False  # a per-chunk AND would fail the interval


def test_no_frames_is_an_empty_interval(tmp_path: Path) -> None:
    options = {"min_records": 1, "max_records": 10}
    chunked = validate_chunks([], policy_version=POLICY, run_name="x", **options)
    _assert_same(chunked, _whole([build_validation_frame([], {}, {})], tmp_path, **options))
    assert not chunked.success and not chunked.suite_success["volume"]


def test_rechunk_keeps_every_row_in_order() -> None:
    frames = [pd.DataFrame({"n": range(a, b)}) for a, b in ((0, 3), (3, 3), (3, 11), (11, 12))]
    chunks = list(rechunk(frames, 5))
    assert [len(c) for c in chunks] == [5, 5, 2]
    assert pd.concat(chunks)["n"].tolist() == list(range(12))
    with pytest.raises(ValueError, match="positive"):
        list(rechunk(frames, 0))


def test_seen_values_finds_repeats_across_chunks_only_and_keeps_nulls() -> None:
    seen = SeenValues()
    rng = np.random.default_rng(0)
    values = [f"{v:032x}" for v in rng.integers(0, 2**62, size=300)]
    assert seen.add(pd.Series(values[:100] + [None])) == set()
    assert seen.add(pd.Series([*values[100:200], values[7], values[7]])) == {values[7]}
    assert seen.add(pd.Series([*values[200:], values[150], None])) == {values[150]}
    assert len(seen) == 305
    column = seen.take_column()
    assert len(column) == 305 and column.isna().sum() == 2
    assert column.dropna().duplicated(keep=False).sum() == 5  # values[7] thrice, values[150] twice


def test_an_expectation_without_a_merge_rule_is_refused() -> None:
    with pytest.raises(UnmergeableExpectation):
        merge_rule("expect_column_mean_to_be_between")
    merger = SuiteMerger()
    item = {"expectation_config": {"type": "expect_column_median_to_be_between", "kwargs": {}}, "result": {}}
    with pytest.raises(UnmergeableExpectation):
        merger.add({"success": True, "results": [item]})


def _without_run_bookkeeping(result: dict[str, Any]) -> dict[str, Any]:
    # meta (run time, validation and checkpoint ids) and the ids a context gives suites and expectations
    # differ between any two runs
    results = [
        item | {"expectation_config": {k: v for k, v in item["expectation_config"].items() if k != "id"}}
        for item in result["results"]
    ]
    return {key: value for key, value in result.items() if key not in ("meta", "id")} | {"results": results}


def test_chunk_runner_results_are_the_checkpoint_results() -> None:
    """The chunks' runner skips the checkpoint's bookkeeping; GX's results stay the same."""
    from support_curation.validation.gx_runtime import ChunkRunner, SuiteRunner
    from support_curation.validation.suites import build_suites

    frame = pd.concat(_frames(60, flagged_at=[1, 30], seed=11), ignore_index=True)
    options = {"policy_version": POLICY, **FAULTY}
    checkpoint = SuiteRunner(build_suites(**options)).run(frame, "x")
    runner = ChunkRunner(build_suites(**options))
    direct = runner.run(frame, "x")
    assert list(direct) == list(checkpoint)
    for name in checkpoint:
        assert _without_run_bookkeeping(direct[name]) == _without_run_bookkeeping(checkpoint[name])
        assert direct[name]["meta"]["run_id"]["run_name"] == "x"
    # the runner serves frame after frame, and keeps no result in the context's store
    again = runner.run(frame.iloc[:10].reset_index(drop=True), "x")
    assert again["schema"]["statistics"]["evaluated_expectations"] > 0
    assert not runner.context.validation_results_store.list_keys()
