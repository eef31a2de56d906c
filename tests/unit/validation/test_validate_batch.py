"""Suites end to end through GX. GX runs cost ~1 s each, so failure cases share one batch where
each record breaks one rule, and the leak test reuses that batch's report."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from support_curation.validation import (
    FRAME_COLUMNS,
    SUITE_NAMES,
    ValidationOutcome,
    build_validation_frame,
    validate_batch,
)
from support_curation.validation.suites import residual_reason

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

POLICY = "pipeline_v1"


def make_record(record_id: str, *texts: str, **overrides: Any) -> dict[str, Any]:
    """A clean curated record: placeholders, prices, dates, times and order numbers only."""
    texts = texts or (
        "Hi, I'm <PERSON_1>. Order ORD-1234567 (3 items, $1,299.99) has not arrived since 2024-01-03.",
        "Sorry <PERSON_1>! Re-sent at 10:30 to <ADDRESS_1>; reach us on <PHONE_1> or <EMAIL_1>, ref 4482.",
    )
    roles = ("customer", "agent")
    record = {
        "record_id": record_id,
        "source": "helpdesk",
        "interval": "2024-01-02",
        "channel": "email",
        "language": "en",
        "segment": "smb",
        "messages": [{"role": roles[i % 2], "content": t} for i, t in enumerate(texts)],
        "entities": {"PERSON": 1, "EMAIL_ADDRESS": 1},
        "flags": [],
        "policy_version": POLICY,
    }
    return record | overrides


# Distinctive synthetic values that must never surface in a result, a summary or a report.
LEAKS: dict[str, str] = {
    "email": "zebulon.quarkwright@leak-canary.example",
    "phone": "+1 (338) 783-1033",
    "card": "5174 3915 0008 0637",
    "iban": "DE89 3704 0044 0532 0130 00",
    "ssn": "123-45-6789",
    "known": "Xanthippe Vorderbrueggen",
}
# Fragments a renderer could print instead of the whole value.
LEAK_FRAGMENTS = (
    "quarkwright", "leak-canary", "783-1033", "3387831033", "0008 0637", "5174391500080637",
    "0532 0130", "370400440532013000", "45-6789", "Xanthippe", "Vorderbrueggen",
)  # fmt: skip


def _id(name: str) -> str:
    return f"{name:0>32}"


def _failing_batch() -> tuple[list[dict[str, Any]], dict[str, list[str]], dict[str, bool]]:
    records = [make_record(_id("clean"))]
    for kind in ("email", "phone", "card", "iban", "ssn"):
        records.append(make_record(_id(kind), f"Sure, it is {LEAKS[kind]} as requested."))
    records.append(make_record(_id("known"), f"Thanks {LEAKS['known'].upper()}, all sorted."))
    records.append(make_record(_id("noconsent")))
    records.append(make_record(_id("role"), messages=[{"role": "bot", "content": "Hello"}]))
    records.append(make_record(_id("empty"), messages=[]))
    records.append(make_record(_id("policy"), policy_version="pipeline_v0"))
    known = {_id("known"): [LEAKS["known"], "xq-canary@leak-canary.example"]}
    consent = {r["record_id"]: r["record_id"] != _id("noconsent") for r in records}
    return records, known, consent


def _unexpected(outcome: ValidationOutcome, suite: str) -> dict[tuple[str, str | None], int | None]:
    return {
        (e["type"], e["column"]): e["unexpected_count"]
        for e in outcome.summary()["suites"][suite]["expectations"]
    }


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> tuple[ValidationOutcome, Path, pd.DataFrame]:
    records, known, consent = _failing_batch()
    frame = build_validation_frame(records, known, consent)
    report_dir = tmp_path_factory.mktemp("failing-report")
    outcome = validate_batch(
        frame,
        policy_version=POLICY,
        min_records=0,
        max_records=100,
        report_dir=report_dir,
        run_name="dt=2024-01-02",
    )
    return outcome, report_dir, frame


@pytest.fixture(scope="module")
def passing(tmp_path_factory: pytest.TempPathFactory) -> ValidationOutcome:
    records = [make_record(f"{i:032x}") for i in range(5)]
    known = {r["record_id"]: ["Jane Doe", "jane.doe@mailbox-demo.org", "+13387831033"] for r in records}
    frame = build_validation_frame(records, known, dict.fromkeys(known, True))
    return validate_batch(
        frame,
        policy_version=POLICY,
        min_records=1,
        max_records=10,
        report_dir=tmp_path_factory.mktemp("passing-report"),
        run_name="dt=2024-01-02",
    )


def test_clean_batch_passes(passing: ValidationOutcome) -> None:
    summary = passing.summary()
    assert passing.success and summary["success"]
    assert list(summary["suites"]) == list(SUITE_NAMES)
    assert all(s["success"] for s in summary["suites"].values())
    assert passing.failing_record_ids == []
    assert passing.report_index is not None and passing.report_index.is_file()
    json.dumps(summary)  # JSON-safe


def test_frame_holds_no_text_or_identifiers(failing: tuple[ValidationOutcome, Path, pd.DataFrame]) -> None:
    _, _, frame = failing
    assert tuple(frame.columns) == FRAME_COLUMNS
    dumped = frame.to_csv()
    assert not [f for f in LEAK_FRAGMENTS if f.lower() in dumped.lower()]


@pytest.mark.parametrize(
    ("suite", "column", "expected"),
    [
        ("residual_pii", "email_hits", 1),
        ("residual_pii", "phone_hits", 1),
        ("residual_pii", "card_hits", 1),
        ("residual_pii", "iban_hits", 1),
        ("residual_pii", "ssn_hits", 1),
        ("residual_pii", "known_identifier_hits", 1),
        ("consent", "consent_granted", 1),
        ("schema", "unknown_role_count", 1),
        ("schema", "policy_version", 1),
    ],
)
def test_each_rule_fails_its_record(
    failing: tuple[ValidationOutcome, Path, pd.DataFrame], suite: str, column: str, expected: int
) -> None:
    outcome, _, _ = failing
    assert not outcome.success
    assert not outcome.summary()["suites"][suite]["success"]
    assert _unexpected(outcome, suite)[("expect_column_values_to_be_in_set", column)] == expected


def test_empty_conversation_fails(failing: tuple[ValidationOutcome, Path, pd.DataFrame]) -> None:
    outcome, _, _ = failing
    counts = _unexpected(outcome, "schema")
    assert counts[("expect_column_values_to_be_between", "message_count")] == 1
    assert outcome.summary()["suites"]["volume"]["success"]


def test_failing_record_ids(failing: tuple[ValidationOutcome, Path, pd.DataFrame]) -> None:
    outcome, _, frame = failing
    assert outcome.failing_record_ids == sorted(set(frame["record_id"]) - {_id("clean")})


def test_leak_nothing_raw_in_summary_results_or_report(
    failing: tuple[ValidationOutcome, Path, pd.DataFrame],
) -> None:
    outcome, report_dir, _ = failing
    texts = {
        "summary": json.dumps(outcome.summary()),
        "gx_result": json.dumps(outcome.gx_result, default=str),
    }
    files = [p for p in report_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" and "validations" in p.parts for p in files)
    for path in files:
        texts[str(path)] = path.read_bytes().decode("utf-8", errors="ignore")
    leaked = {
        where: [f for f in (*LEAKS.values(), *LEAK_FRAGMENTS) if f.lower() in text.lower()]
        for where, text in texts.items()
    }
    assert not {where: found for where, found in leaked.items() if found}
    # Counts are there, values are not: no unexpected lists of any kind.
    assert "partial_unexpected" not in texts["gx_result"] and "unexpected_list" not in texts["gx_result"]


def test_schema_and_volume_failures(tmp_path: Path) -> None:
    records = [make_record("a" * 32), make_record("a" * 32), make_record("b" * 32) | {"record_id": None}]
    frame = build_validation_frame(records, {}, dict.fromkeys(["a" * 32], True)).drop(columns=["channel"])
    outcome = validate_batch(
        frame, policy_version=POLICY, min_records=5, max_records=10, report_dir=tmp_path, run_name="x"
    )
    suites = outcome.summary()["suites"]
    assert not outcome.success
    assert not suites["volume"]["success"] and not suites["schema"]["success"]
    schema = {(e["type"], e["column"]): e["success"] for e in suites["schema"]["expectations"]}
    assert schema[("expect_column_to_exist", "channel")] is False
    assert schema[("expect_column_values_to_be_unique", "record_id")] is False
    assert schema[("expect_column_values_to_not_be_null", "record_id")] is False
    assert not suites["consent"]["success"]  # the record without an id has no consent either
    assert outcome.failing_record_ids == ["a" * 32]


@pytest.mark.parametrize(("min_records", "success"), [(0, True), (1, False)])
def test_empty_batch(tmp_path: Path, min_records: int, success: bool) -> None:
    frame = build_validation_frame([], {}, {})
    assert tuple(frame.columns) == FRAME_COLUMNS and frame.empty
    outcome = validate_batch(
        frame,
        policy_version=POLICY,
        min_records=min_records,
        max_records=10,
        report_dir=tmp_path,
        run_name="x",
    )
    assert outcome.success is success
    assert outcome.summary()["suites"]["volume"]["success"] is success


# --- row-level quarantine: a few flagged records pass the batch (named by id, counts per detector);
# above max_residual_rate the batch fails as a broken redactor

LEAKY_TEXT = "Thanks, it's Eleanor Whitfield, 12 Baker Street, NW1 6XE, born 03/04/1985."
LEAKY_FRAGMENTS = ("Eleanor", "Whitfield", "Baker Street", "NW1", "6XE", "1985")


def _batch(records: int, leaky: int) -> tuple[list[dict], dict[str, bool]]:
    batch = [make_record(f"{i:032x}") for i in range(records - leaky)]
    batch += [make_record(f"{0xFFFF - i:032x}", LEAKY_TEXT) for i in range(leaky)]
    return batch, {r["record_id"]: True for r in batch}


def _run(tmp_path: Path, records: int, leaky: int, rate: float) -> ValidationOutcome:
    batch, consent = _batch(records, leaky)
    return validate_batch(
        build_validation_frame(batch, {}, consent),
        policy_version=POLICY,
        min_records=1,
        max_records=100,
        report_dir=tmp_path,
        run_name="dt=2024-01-02",
        max_residual_rate=rate,
    )


def test_one_leaky_record_is_named_and_the_batch_passes(tmp_path: Path) -> None:
    outcome = _run(tmp_path, records=20, leaky=1, rate=0.1)
    assert outcome.success
    leaky_id = f"{0xFFFF:032x}"
    assert list(outcome.residual) == [leaky_id]
    assert outcome.residual[leaky_id] == {"name": 1, "address": 1, "postcode": 1, "birth_date": 1}
    assert residual_reason(outcome.residual[leaky_id]) == "residual_pii:address+birth_date+name+postcode"
    residual = outcome.summary()["residual"]
    assert residual["flagged"] == 1 and residual["records"] == 20 and residual["share"] == 0.05
    assert residual["records_by_detector"]["name"] == 1 and residual["records_by_detector"]["email"] == 0
    # the report counts records per detector, and names no value
    suite = outcome.summary()["suites"]["residual_pii"]["expectations"]
    per_column = {e["column"]: e["unexpected_count"] for e in suite if e["type"].endswith("in_set")}
    assert per_column["name_hits"] == per_column["address_hits"] == per_column["residual_hits"] == 1
    assert per_column["email_hits"] == 0
    dumped = json.dumps(outcome.summary()) + json.dumps(outcome.gx_result, default=str)
    assert not [f for f in LEAKY_FRAGMENTS if f in dumped]


@pytest.mark.parametrize(("leaky", "rate", "success"), [(3, 0.1, False), (2, 0.1, True), (1, 0.0, False)])
def test_above_the_rate_the_batch_fails(tmp_path: Path, leaky: int, rate: float, success: bool) -> None:
    outcome = _run(tmp_path, records=20, leaky=leaky, rate=rate)
    assert outcome.success is success
    assert outcome.suite_success["residual_pii"] is success
    assert len(outcome.residual) == leaky


def test_the_frame_uses_gate_counts_computed_elsewhere_only_when_complete() -> None:
    from support_curation.validation.gate import GATE_DETECTORS

    clean, leaky = make_record("c" * 32), make_record("d" * 32, LEAKY_TEXT)
    given = {
        clean["record_id"]: dict.fromkeys(GATE_DETECTORS, 0) | {"handle": 2},  # trusted: all detectors
        leaky["record_id"]: {"email": 0},  # an older gate's counts: scanned again
    }
    frame = build_validation_frame([clean, leaky], {}, {}, gate_hits=given).set_index("record_id")
    assert frame.loc[clean["record_id"], "handle_hits"] == 2
    assert frame.loc[clean["record_id"], "residual_hits"] == 2
    assert frame.loc[leaky["record_id"], ["name_hits", "address_hits"]].tolist() == [1, 1]
