"""`curate review list / show / decide / apply / report` as a steward scripts them (local folders, SQLite)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from support_curation import cli
from support_curation.config import get_settings, load_policy
from support_curation.layout import PartitionRef
from support_curation.publish import read_manifest, read_partition_records
from support_curation.review.queue import ReviewPublication

DATASET = "support_conversations"
REF = PartitionRef(DATASET, "dt=2024-06-10")
KEY = "cli-review-test-key-of-32-bytes-or-more"
NAME = "Ysolde Marchetti"  # synthetic: a name the "redactor" missed in every record


@pytest.fixture
def lake(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATION_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CURATION_HMAC_KEY", KEY)
    monkeypatch.delenv("AIRFLOW_CONN_CURATION_STATE", raising=False)
    get_settings.cache_clear()
    load_policy.cache_clear()
    settings = get_settings()
    storage = settings.output_storage()
    rows = [
        {
            "record": {
                "record_id": f"{n:032x}",
                "source": "tickets",
                "channel": "email",
                "messages": [
                    {"role": "customer", "content": f"Hi, {NAME} here, order <ORDER_ID_1> is late."}
                ],
                "entities": {"ORDER_ID": 1},
                "flags": [],
            },
            "customer_id": f"c{n}",
            "scope": "tickets",
        }
        for n in range(6)
    ]
    review = ReviewPublication(load_policy(settings.policy_path), REF, published=6, review_required=0)
    review.publish_partition(
        storage,
        dataset=DATASET,
        partition=REF.partition,
        rows=((r["record"], r["customer_id"]) for r in review.observe(rows)),
        hmac_key=KEY,
        metadata={"counts": {"extracted": 6, "published": 6, "excluded": {}, "quarantined": {}}},
    )
    review.queue(storage, hmac_key=KEY, review_rows=[], queued_at=datetime.now(UTC))
    yield storage
    get_settings.cache_clear()
    load_policy.cache_clear()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_steward_reviews_the_audit_sample_from_the_command_line(lake, capsys):
    code, out, _ = run(
        capsys, "review", "list", "--json", "--partition", REF.partition, "--kind", "audit_sample"
    )
    listed = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(listed) == 6
    assert all({"item", "partition", "kind"} <= row.keys() and NAME not in json.dumps(row) for row in listed)
    first, second = listed[0]["item"], listed[1]["item"]

    code, out, _ = run(capsys, "review", "show", first)
    line = next(line for line in out.splitlines() if NAME in line)
    offset = int(line[1 : line.index(":")])  # "[start:end] role: content"
    start = offset + line.split("] ", 1)[1].split(": ", 1)[1].index(NAME)
    span = f"{start}:{start + len(NAME)}"
    code, out, _ = run(
        capsys, "review", "decide", first, "--missed", "PERSON", "--span", span, "--who", "ana"
    )
    assert code == 0 and json.loads(out)["who"] == "ana" and NAME not in out
    code, _, err = run(capsys, "review", "decide", second, "--exclude", "no-such-reason")
    assert code == 2 and "reason from" in err
    assert run(capsys, "review", "decide", second, "--approve", "--who", "ana")[0] == 0

    code, out, _ = run(capsys, "review", "apply")
    (summary,) = [json.loads(line) for line in out.splitlines()]
    assert summary["outcomes"] == {"approved": 1, "requeued": 1}
    records = list(read_partition_records(lake, DATASET, REF.partition))
    assert len(records) == 6 and NAME not in json.dumps(records)  # deny-listed in every record
    assert read_manifest(lake, DATASET, REF.partition)["counts"]["published"] == 6
    code, out, _ = run(capsys, "review", "report")
    report = json.loads(out)
    assert report["pooled"]["reviewed"] == 2 and report["pooled"]["with_missed_pii"] == 1
    assert report["missed_pii_by_type"] == {"PERSON": 1}
