"""The pipeline's stages, one by one, on local folders and a small SQLite helpdesk from the demo generator.

The stages run once per module (redaction loads spaCy; two cores are shared) and each test checks what
one stage wrote and returned. ``reconcile`` is pure and tested on hand-made stage results.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine

from support_curation import pipeline
from support_curation.config import DATASET, Settings
from support_curation.demo import generate_demo
from support_curation.publish import read_manifest, verify_partition
from support_curation.records import read_jsonl_gz, write_jsonl_gz
from support_curation.storage import open_storage

if TYPE_CHECKING:
    from pathlib import Path

DAY = date(2024, 3, 4)
START = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)
HMAC_KEY = "unit-test-key-not-secret-0123456789abcdef"  # 32+ bytes: the settings refuse less


class Run:
    """One interval taken through every stage; each field holds what a stage returned."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = Settings(data_dir=data_dir, hmac_key=HMAC_KEY, chunk_size=4)
        self.truth = generate_demo(
            create_engine(self.settings.resolved_helpdesk_url),
            open_storage(self.settings.resolved_chat_root),
            start=DAY,
            days=1,
            seed=11,
            customers=10,
            tickets_per_day=6,
            chats_per_day=6,
        )
        self.rt = pipeline.Runtime(pipeline.Interval(START, START + timedelta(days=1)), self.settings)
        self.extracts = [pipeline.extract(source, self.rt) for source in ("tickets", "chat")]
        self.staged = {
            key: list(read_jsonl_gz(self.rt.staging, key)) for e in self.extracts for key in e["chunks"]
        }
        self.consented = pipeline.consent_join(self.extracts, self.rt)
        self.redacted = [pipeline.redact_chunk(chunk, self.rt) for chunk in self.consented]
        self.redacted_rows = [
            row for r in self.redacted if r["chunk"] for row in read_jsonl_gz(self.rt.staging, r["chunk"])
        ]
        self.validation = pipeline.validate(self.redacted, self.rt)
        self.published = pipeline.publish_interval(
            self.extracts, self.consented, self.redacted, self.validation, self.rt
        )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(tmp_path_factory.mktemp("pipeline"))


def pii_values(run: Run) -> set[str]:
    """Every customer and agent value the generator planted, long enough not to occur by chance."""
    values = {v for vs in [*run.truth.customers.values(), *run.truth.agents.values()] for v in vs}
    return {v for v in values if len(v) >= 6}


# --- extract ---------------------------------------------------------------------------------------


def test_extract_stages_every_conversation_it_counts(run: Run) -> None:
    by_source = {e["source"]: e for e in run.extracts}
    assert set(by_source) == {"tickets", "chat"}
    for result in run.extracts:
        staged = sum(len(run.staged[key]) for key in result["chunks"])
        assert result["extracted"] > 0
        removed = sum(result["excluded"].values()) + sum(result["quarantined"].values())
        assert staged == result["extracted"] - removed, result["source"]
        assert all(len(run.staged[key]) <= run.settings.chunk_size for key in result["chunks"])
    # the demo plants malformed chat lines: they are quarantined with a reason, not dropped
    assert sum(by_source["chat"]["quarantined"].values()) >= run.truth.malformed_chat_lines > 0


def test_extract_minimises_to_the_policy_fields(run: Run) -> None:
    allowed = set(run.rt.policy.minimise.conversation_fields)
    conversation = next(c for chunk in run.staged.values() for c in chunk)
    assert {"record_id", "customer_id", "scope", "messages", "known_identifiers"} <= set(conversation)
    extra = (
        set(conversation)
        - allowed
        - {
            "record_id",
            "source",
            "customer_id",
            "scope",
            "messages",
            "known_identifiers",
        }
    )
    assert not extra, f"fields outside the policy staged: {sorted(extra)}"
    roles = set(run.rt.policy.minimise.roles.values())
    assert {m["role"] for chunk in run.staged.values() for c in chunk for m in c["messages"]} <= roles


def test_extract_quarantine_holds_references_not_content(run: Run) -> None:
    keys = [k for k in run.rt.output.list(run.rt.quarantine_prefix + "/") if k.endswith(".jsonl.gz")]
    assert keys, "the malformed chat lines must leave quarantine entries"
    body = json.dumps([entry for key in keys for entry in read_jsonl_gz(run.rt.output, key)])
    assert '"reason"' in body
    assert not [v for v in pii_values(run) if v in body]


# --- consent join ----------------------------------------------------------------------------------


def test_consent_join_keeps_only_consented_customers(run: Run) -> None:
    chunks = [k for e in run.extracts for k in e["chunks"]]
    assert len(run.consented) == len(chunks)  # one result per extracted chunk, in order
    for key, result in zip(chunks, run.consented, strict=True):
        staged = run.staged[key]
        assert result["consented"] + sum(result["excluded"].values()) == len(staged)
        if result["chunk"] is None:
            assert result["consented"] == 0
            continue
        kept = list(read_jsonl_gz(run.rt.staging, result["chunk"]))
        assert len(kept) == result["consented"]
        for conversation in kept:
            assert run.truth.consent[conversation["customer_id"]] in {"granted", "chat_only"}
            if run.truth.consent[conversation["customer_id"]] == "chat_only":
                assert conversation["scope"] == "chat"
    never_asked = {c for c, state in run.truth.consent.items() if state in {"never_asked", "revoked"}}
    staged_ids = {c["customer_id"] for chunk in run.staged.values() for c in chunk}
    assert never_asked & staged_ids, "the demo must stage conversations of customers without consent"
    kept_ids = {
        c["customer_id"]
        for r in run.consented
        if r["chunk"]
        for c in read_jsonl_gz(run.rt.staging, r["chunk"])
    }
    assert not never_asked & kept_ids
    assert sum(sum(r["excluded"].values()) for r in run.consented) > 0


# --- redact ----------------------------------------------------------------------------------------


def test_redact_chunk_leaves_no_planted_value(run: Run) -> None:
    assert sum(r["records"] for r in run.redacted) == len(run.redacted_rows) > 0
    planted = pii_values(run)
    for row in run.redacted_rows:
        text = "\n".join(m["content"] for m in row["record"]["messages"])
        assert not [v for v in planted if v in text], row["record"]["record_id"]
        # the values the helpdesk knows for this customer are passed on for validation's leak check
        assert row["known_identifiers"] == sorted(row["known_identifiers"])
    assert sum(sum(r["entities"].values()) for r in run.redacted) > 0
    record = run.redacted_rows[0]["record"]
    assert record["policy_version"] == run.rt.policy_version
    assert record["interval"] == run.rt.interval.label


def test_redact_chunk_of_an_empty_consent_result_writes_nothing(run: Run) -> None:
    result = pipeline.redact_chunk({"chunk": None, "consented": 0, "excluded": {"no_consent": 3}}, run.rt)
    assert result == {
        "chunk": None,
        "frame": None,
        "records": 0,
        "excluded": {},
        "quarantined": {},
        "entities": {},
    }


def test_curate_chunk_is_the_consent_join_then_redaction_of_one_chunk(run: Run) -> None:
    # the DAG's mapped task: the same staged files and counts as the two stages run one after the other
    planned = pipeline.chunk_plan(run.extracts)
    assert [p["number"] for p in planned] == list(range(len(run.consented)))
    curated = [pipeline.curate_chunk(p, run.rt) for p in planned]
    assert pipeline.consented_of(curated) == run.consented
    assert [{k: v for k, v in c.items() if k != "consent"} for c in curated] == run.redacted


def test_redact_chunk_stages_the_frame_validation_reads(run: Run) -> None:
    from support_curation.validation.frame import FRAME_COLUMNS

    for result in run.redacted:
        if result["chunk"] is None:
            continue
        frame_rows = list(read_jsonl_gz(run.rt.staging, result["frame"]))
        assert len(frame_rows) == result["records"]
        assert all(set(row) == set(FRAME_COLUMNS) for row in frame_rows)  # counts and labels, no text
        rows = list(read_jsonl_gz(run.rt.staging, result["chunk"]))
        assert frame_rows == pipeline._frame_rows(run.rt, rows)
        assert not [v for v in pii_values(run) if v in json.dumps(frame_rows)]


def test_redact_chunk_stages_the_mentions_the_publication_audit_counts(run: Run) -> None:
    from support_curation.audit import indirect

    model = indirect.scan_model(run.rt.policy)
    assert model  # the policy's NER runs in the redaction task
    staged = [row["mentions"] for row in run.redacted_rows]
    # this day's records have none, so a planted one: found with the policy's model, as publish would
    planted = [{"record": {"messages": [{"role": "customer", "content": "my firm Quendrix Holdings moved"}]}}]
    pipeline._mentions(run.rt, planted)
    assert (indirect.RARE_CAPITALISED, "quendrix holdings") in planted[0]["mentions"]
    assert planted[0]["mentions"] == indirect.record_mentions(planted[0]["record"], model)
    found = [indirect.record_mentions(row["record"], model) for row in run.redacted_rows]
    assert staged == [[list(m) for m in mentions] for mentions in found]


# --- validate and publish --------------------------------------------------------------------------


def test_validate_passes_the_clean_batch_and_publishes_its_report(run: Run) -> None:
    assert run.validation["success"] is True
    assert run.validation["records"] == len(run.redacted_rows)
    report_keys = run.rt.output.list(run.rt.report_prefix + "/")
    # the steward app renders the report from these (no Data Docs site: it needs assets from a CDN)
    assert {"validation_summary.json", "validation_result.json", "run_status.json"} <= {
        k.rsplit("/", 1)[1] for k in report_keys
    }
    summary_key = next(k for k in report_keys if k.endswith("validation_summary.json"))
    assert json.loads(run.rt.output.get_bytes(summary_key)) == run.validation["summary"]


def test_publish_writes_a_verified_partition_whose_counts_reconcile(run: Run) -> None:
    manifest = read_manifest(run.rt.output, DATASET, run.rt.interval.partition)
    assert manifest is not None
    assert verify_partition(run.rt.output, DATASET, run.rt.interval.partition)
    counts = manifest["counts"]
    assert counts == run.published["counts"]
    # k-anonymity may suppress records at publish: they are counted as excluded, by that reason
    assert counts["published"] + counts["excluded"].get("k_anonymity", 0) == len(run.redacted_rows)
    assert counts["extracted"] == sum(e["extracted"] for e in run.extracts)
    assert (
        counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
        == (counts["extracted"])
    )
    assert manifest["policy_sha256"] == run.rt.policy.sha256


def test_publish_refuses_a_failed_validation(run: Run) -> None:
    with pytest.raises(pipeline.ValidationFailed):
        pipeline.publish_interval(run.extracts, run.consented, run.redacted, {"success": False}, run.rt)


def test_validate_quarantines_a_batch_with_a_leak(run: Run, tmp_path: Path) -> None:
    """A known identifier left in a record fails the batch: quarantined, nothing published."""
    # the module's helpdesk (its consent ledger), but output and staging of this test's own
    settings = Settings(data_dir=tmp_path, hmac_key=HMAC_KEY, helpdesk_url=run.settings.resolved_helpdesk_url)
    rt = pipeline.Runtime(run.rt.interval, settings)
    rows = [dict(r) for r in run.redacted_rows]
    victim = next(r for r in rows if r["known_identifiers"])
    leaked = victim["known_identifiers"][0]
    victim["record"] = {
        **victim["record"],
        "messages": [*victim["record"]["messages"], {"role": "customer", "content": f"it is {leaked}"}],
    }
    key = f"{rt.staging_prefix}/redacted/chunk-00000.jsonl.gz"
    write_jsonl_gz(rt.staging, key, rows)
    with pytest.raises(pipeline.ValidationFailed) as failure:
        pipeline.validate([{"chunk": key, "records": len(rows)}], rt)
    assert leaked not in str(failure.value)
    assert rt.output.list(rt.quarantine_prefix + "/"), "the failed batch must be quarantined"
    assert read_manifest(rt.output, DATASET, rt.interval.partition) is None


def test_cleanup_staging_removes_the_interval(run: Run) -> None:
    assert run.rt.staging.list(run.rt.staging_prefix + "/")
    removed = pipeline.cleanup_staging(run.rt)
    assert removed > 0
    assert run.rt.staging.list(run.rt.staging_prefix + "/") == []


# --- reconcile (pure) ------------------------------------------------------------------------------


def _extract(source: str, extracted: int, **counts: Any) -> dict[str, Any]:
    return {"source": source, "chunks": [], "extracted": extracted, **counts}


def test_reconcile_adds_up_every_stage_by_reason() -> None:
    extracts = [
        _extract("tickets", 9, excluded={"no_usable_messages": 1}, quarantined={"schema_error": 1}),
        _extract("chat", 5, excluded={}, quarantined={"malformed_json": 2}),
    ]
    consented = [{"chunk": "a", "consented": 7, "excluded": {"no_consent": 2, "revoked": 1}}]
    redacted = [
        {
            "chunk": "b",
            "records": 5,
            "excluded": {"sensitive_topic:health": 1},
            "quarantined": {"review_required": 1},
        },
        {"chunk": None, "records": 0, "excluded": {}, "quarantined": {}},
    ]
    counts = pipeline.reconcile(extracts, consented, redacted)
    assert counts == {
        "extracted": 14,
        "extracted_by_source": {"tickets": 9, "chat": 5},
        "published": 5,
        "excluded": {"no_usable_messages": 1, "no_consent": 2, "revoked": 1, "sensitive_topic:health": 1},
        "quarantined": {"schema_error": 1, "malformed_json": 2, "review_required": 1},
    }


@pytest.mark.parametrize("published", [4, 6])
def test_reconcile_refuses_records_gone_missing_or_invented(published: int) -> None:
    extracts = [_extract("tickets", 5, excluded={}, quarantined={})]
    redacted = [{"chunk": "b", "records": published, "excluded": {}, "quarantined": {}}]
    with pytest.raises(pipeline.CountsDoNotReconcile, match=f"accounted for {published}"):
        pipeline.reconcile(extracts, [], redacted)


def test_reconcile_of_an_empty_interval() -> None:
    counts = pipeline.reconcile([_extract("tickets", 0, excluded={}, quarantined={})], [], [])
    assert counts["published"] == 0 and counts["excluded"] == {} and counts["quarantined"] == {}
