"""The four suites over an interval chunk by chunk, merged into the outcome one whole-frame run gives.

The validation frame of a million records (about 1 GB with GX at work) never exists: GX validates
frames of at most ``chunk_rows`` records, one after the other, in one GX context, and what only the
whole interval knows is kept small between them. How each expectation type merges is in
:mod:`merge`; what is kept across chunks:

- per expectation, the counts GX reported (merged by :class:`merge.SuiteMerger`);
- the hash of every record id (8 bytes a record, :class:`seen_values.SeenValues`): the ids that occur
  in more than one chunk, and the interval frame on which GX checks uniqueness and the row count;
- the records with residual PII (id and counts per detector) and the ids breaking a row rule, as the
  whole-frame run keeps them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from support_curation.validation.frame import build_validation_frame
from support_curation.validation.gx_runtime import ChunkRunner
from support_curation.validation.merge import INTERVAL, SuiteMerger, merge_rule
from support_curation.validation.run import outcome_from_results
from support_curation.validation.seen_values import SeenValues
from support_curation.validation.suites import SUITE_NAMES, build_suites, failing_record_ids, residual_records

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from great_expectations import ExpectationSuite

    from support_curation.validation.run import ValidationOutcome

# Records per GX run. Each run costs ~0.45 CPU s whatever its size (GX builds its metric graph per
# expectation), the rows little: at 100k records, 2 Dec (bench/validate_memory.py, CPU seconds), 10k
# rows 25.8 CPU s and a 380 MB peak, 20k 22.6 s and 398 MB, 25k 20.4 s and 409 MB, one whole frame
# 20.4 s and 497 MB. The peak grows with the day by the 8 bytes a record of the ids kept (SeenValues)
# and what GX does on the interval frame: 1M at 20k peaked at 460 MB (200.7 CPU s), 10k at 450 MB.
CHUNK_ROWS = 20_000
KEY_COLUMN = "record_id"  # always tracked across chunks: it also gives the interval's row count


def rechunk(frames: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """Frames of ``rows`` records (the last one shorter) from frames of any size, in order."""
    if rows < 1:
        raise ValueError("rows must be positive")
    pending: list[pd.DataFrame] = []
    held = 0
    for frame in frames:
        start = 0
        while start < len(frame):
            part = frame.iloc[start : start + rows - held]
            pending.append(part)
            held += len(part)
            start += len(part)
            if held == rows:
                yield pd.concat(pending, ignore_index=True)
                pending, held = [], 0
    if held:
        yield pd.concat(pending, ignore_index=True)


def _interval_suites(suites: list[ExpectationSuite]) -> list[ExpectationSuite]:
    """The expectations only the whole interval can answer, each in a suite of its own suite's name."""
    import great_expectations as gx

    found = []
    for suite in suites:
        expectations = [e for e in suite.expectations if merge_rule(e.expectation_type) == INTERVAL]
        if expectations:
            found.append(gx.ExpectationSuite(name=suite.name, expectations=expectations))
    return found


def _interval_columns(suites: list[ExpectationSuite]) -> set[str]:
    named = (getattr(e, "column", None) for s in suites for e in s.expectations)
    columns = {str(column) for column in named if column}
    return columns | {KEY_COLUMN}


def validate_chunks(
    frames: Iterable[pd.DataFrame],
    *,
    policy_version: str,
    min_records: int,
    max_records: int,
    run_name: str,
    max_residual_rate: float = 0.0,
    chunk_rows: int = CHUNK_ROWS,
) -> ValidationOutcome:
    """Run the ``residual_pii``, ``consent``, ``schema`` and ``volume`` suites over validation frames.

    ``frames`` are the interval's validation frames in any sizes (one per staged chunk, say); they are
    regrouped into frames of ``chunk_rows`` records. The outcome is the one :func:`run.validate_batch`
    gives on all of them concatenated (less the local Data Docs site, which the pipeline never used).
    """
    options: dict[str, Any] = {
        "policy_version": policy_version,
        "min_records": min_records,
        "max_records": max_records,
        "max_residual_rate": max_residual_rate,
    }
    runner = ChunkRunner(build_suites(**options))
    interval_suites = _interval_suites(build_suites(**options))  # fresh copies: GX binds each to a context
    seen = {column: SeenValues() for column in _interval_columns(interval_suites)}
    mergers = {name: SuiteMerger() for name in SUITE_NAMES}
    failing: set[str] = set()
    residual: dict[str, dict[str, int]] = {}
    records = 0
    for chunk in _at_least_one(rechunk(frames, chunk_rows)):
        for name, suite_result in runner.run(chunk, run_name).items():
            mergers[name].add(suite_result)
        for column, values in seen.items():
            # a frame without the column: its rows count as nulls there (GX fails the column's existence)
            column_values = chunk[column] if column in chunk else pd.Series([None] * len(chunk), dtype=object)
            repeated = values.add(column_values)
            if column == KEY_COLUMN:
                failing |= repeated  # a record id also in an earlier chunk: a row rule broken
        failing.update(failing_record_ids(chunk, policy_version))
        residual.update(residual_records(chunk))
        records += len(chunk)
        del chunk, column_values  # the last frame is not kept through the interval run
    interval_frame = pd.DataFrame({column: values.take_column() for column, values in seen.items()})
    whole = ChunkRunner(interval_suites).run(interval_frame, run_name) if interval_suites else {}
    return outcome_from_results(
        {name: mergers[name].result(whole.get(name)) for name in SUITE_NAMES},
        failing_ids=sorted(failing),
        residual=residual,
        records=records,
        max_residual_rate=max_residual_rate,
    )


def _at_least_one(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The chunks, or one empty frame when there are none: an empty interval is validated too."""
    empty = True
    for chunk in chunks:
        empty = False
        yield chunk
    if empty:
        yield build_validation_frame([], {}, {})
