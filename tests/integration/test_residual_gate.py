"""The residual-PII gate's row-level quarantine end to end (``dag.test``, PostgreSQL, an S3 endpoint).

The real redactor runs, but misses the values planted in one conversation (a name, a street address
and a postcode it never saw): that record is quarantined on its own, queued for review, and the
other N-1 are published; the counts reconcile and no planted value reaches a published or
steward-facing file.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine

from support_curation.config import DATASET, PROJECT_ROOT, get_settings, load_policy
from support_curation.layout import Area, PartitionRef, partition_name
from support_curation.publish import read_manifest, read_partition_records, verify_partition

pytestmark = pytest.mark.integration

DAY = date(2024, 8, 12)
PARTITION = partition_name(DAY)
HMAC_KEY = "residual-gate-integration-key-32-bytes-long"
# synthetic values no source holds, so the real redactor has no deny list for them
PLANTED = ("Eleanor Whitfield", "27 Larkspur Crescent", "NW1 6XE")
LEAK = f"By the way, it's {PLANTED[0]} here, I moved to {PLANTED[1]}, London {PLANTED[2]}."


class MissingRedactor:
    """The project's redactor, except that it lets one planted sentence through in one conversation."""

    def __init__(self, real) -> None:
        self.real = real
        self.policy_version = real.policy_version
        self.leaked: list[str] = []

    def prime(self, conversations) -> None:
        self.real.prime(conversations)

    def redact_conversation(self, messages, known_identifiers=None):
        result = self.real.redact_conversation(messages, known_identifiers=known_identifiers)
        if result.action == "keep" and not self.leaked and len(result.messages) > 1:
            result.messages[-1] = {
                **result.messages[-1],
                "content": result.messages[-1]["content"] + " " + LEAK,
            }
            self.leaked.append(result.messages[-1]["content"])
        return result


@pytest.fixture(scope="module")
def gate_run(postgres_url, s3_endpoint, airflow_db, tmp_path_factory, configure_pipeline):
    from airflow.dag_processing.dagbag import DagBag

    import support_curation.redaction as redaction
    from support_curation.demo import generate_demo

    data_dir = str(tmp_path_factory.mktemp("gate-data"))
    with (
        configure_pipeline(postgres_url, s3_endpoint["bucket"], "gate/", data_dir, HMAC_KEY, chunk_size=10),
        pytest.MonkeyPatch.context() as mp,
    ):
        settings = get_settings()
        truth = generate_demo(
            create_engine(postgres_url),
            settings.open_storage(settings.resolved_chat_root),
            start=DAY,
            days=1,
            seed=41,
            customers=40,
            tickets_per_day=20,
            chats_per_day=20,
        )
        missing = MissingRedactor(redaction.get_redactor(load_policy().redaction_policy_path))
        mp.setattr(redaction, "get_redactor", lambda *args, **kwargs: missing)
        bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
        assert bag.import_errors == {}
        run = bag.dags["curate_support_conversations"].test(
            logical_date=datetime.combine(DAY + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        )
        yield {"run": run, "output": settings.output_storage(), "truth": truth, "missing": missing}


def _texts(storage, prefix: str) -> str:
    found = []
    for key in storage.list(prefix):
        data = storage.get_bytes(key)
        if key.endswith(".gz"):
            data = gzip.decompress(data)
        found.append(data.decode("utf-8", errors="ignore"))
    return "\n".join(found)


def test_one_leaky_record_is_quarantined_and_the_rest_published(gate_run):
    assert gate_run["run"].state == "success"
    assert len(gate_run["missing"].leaked) == 1
    output = gate_run["output"]
    manifest = read_manifest(output, DATASET, PARTITION)
    assert manifest is not None and verify_partition(output, DATASET, PARTITION)
    counts = manifest["counts"]
    residual = {
        reason: n for reason, n in counts["quarantined"].items() if reason.startswith("residual_pii:")
    }
    assert residual == {"residual_pii:address+name+postcode": 1}
    # N validated, N-1 published (k-anonymity may move some published records to excluded)
    validated = manifest["validation"]["summary"]["residual"]["records"]
    assert counts["published"] + counts["excluded"].get("k_anonymity", 0) == validated - 1
    accounted = counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
    assert accounted == counts["extracted"]
    summary = manifest["validation"]["summary"]["residual"]
    assert summary["flagged"] == 1 and summary["records_by_detector"]["name"] == 1


def test_the_quarantined_record_is_a_reference_and_a_review_item(gate_run):
    from support_curation.review import items as review_items

    output = gate_run["output"]
    ref = PartitionRef(DATASET, PARTITION)
    entries = [
        json.loads(line)
        for line in gzip.decompress(
            output.get_bytes(ref.key(Area.QUARANTINE, "residual_pii.jsonl.gz"))
        ).splitlines()
    ]
    assert len(entries) == 1
    entry = entries[0]
    assert set(entry) == {"record_id", "reason", "detectors", "subject"}
    assert entry["detectors"] == {"name": 1, "address": 1, "postcode": 1}
    published = {r["record_id"] for r in read_partition_records(output, DATASET, PARTITION)}
    assert entry["record_id"] not in published
    queued = [
        i
        for i in review_items.list_items(output, DATASET, partition=PARTITION)
        if i["kind"] == "residual_pii"
    ]
    assert [i["record_id"] for i in queued] == [entry["record_id"]]
    assert queued[0]["subject"] == entry["subject"]


def test_no_planted_or_truth_value_in_published_or_steward_files(gate_run):
    output = gate_run["output"]
    visible = "\n".join(
        _texts(output, f"{area}/{DATASET}/{PARTITION}/")
        for area in (Area.TRAINING, Area.REPORTS, Area.QUARANTINE)
    )
    values = {*PLANTED, *gate_run["truth"].all_values()}
    found = [
        v
        for v in values
        if v.strip()
        and re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, v.split())) + r"(?!\w)", visible, re.IGNORECASE)
    ]
    assert found == []
