"""The dataset audit end to end, on the demo with its deliberate skew, a real PostgreSQL helpdesk and a real
S3 endpoint: k-anonymity holds on what is published, aggregates suppress small cells, every partition gets
a card with its representation table and charts, the skew is flagged, and ``curate audit-pack`` writes a
byte-identical folder that holds no value of the demo's truth.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine

from support_curation.audit import risk
from support_curation.audit.aggregates import read_cells
from support_curation.audit.charts import chart_name
from support_curation.audit.datacard import CARD
from support_curation.audit.pack import CHECKSUMS, PackError, write_pack
from support_curation.audit.publication import REPRESENTATION, RISK, audit_key
from support_curation.config import DATASET, get_settings, load_policy
from support_curation.demo.generator import RARELY_CONSENTING_SEGMENT
from support_curation.layout import Area, PartitionRef, partition_name
from support_curation.publish import read_manifest, read_partition_records

pytestmark = pytest.mark.integration

START = date(2024, 6, 3)
DAYS = 3
HMAC_KEY = "integration-audit-key-of-at-least-32-bytes"
SKEWED = f"segment={RARELY_CONSENTING_SEGMENT}"


@pytest.fixture(scope="module")
def audited(postgres_url, s3_endpoint, tmp_path_factory, configure_pipeline):
    """Three demo days (the demo's default sizes) through every stage; the settings stay pointed at them."""
    from support_curation.demo import generate_demo
    from support_curation.pipeline import Interval, run_interval

    data_dir = str(tmp_path_factory.mktemp("audit-data"))
    with configure_pipeline(postgres_url, s3_endpoint["bucket"], "audit/", data_dir, HMAC_KEY, chunk_size=20):
        settings = get_settings()
        truth = generate_demo(
            create_engine(postgres_url),
            settings.open_storage(settings.resolved_chat_root),
            start=START,
            days=DAYS,
            seed=7,
        )
        partitions = []
        for n in range(DAYS):
            start = datetime.combine(START + timedelta(days=n), datetime.min.time(), tzinfo=UTC)
            run_interval(Interval(start, start + timedelta(days=1)))
            partitions.append(partition_name(start))
        yield {
            "output": settings.output_storage(),
            "policy": load_policy(settings.policy_path),
            "truth": truth,
            "partitions": partitions,
        }


def test_k_anonymity_holds_on_the_published_metadata(audited) -> None:
    policy = audited["policy"].audit
    needed_the_rule = False
    for partition in audited["partitions"]:
        records = list(read_partition_records(audited["output"], DATASET, partition))
        assert records
        groups = Counter(risk.combination(r, policy.quasi_identifiers) for r in records)
        assert min(groups.values()) >= policy.k_min, partition
        report = json.loads(audited["output"].get_bytes(audit_key(PartitionRef(DATASET, partition), RISK)))
        assert report["k_met"] and report["after"]["min_k"] == min(groups.values())
        needed_the_rule |= report["before"]["min_k"] < policy.k_min
        manifest = read_manifest(audited["output"], DATASET, partition)
        counts = manifest["counts"]
        assert counts["published"] == len(records) == manifest["records"]
        assert counts["excluded"].get("k_anonymity", 0) == report["suppressed"]
        assert (
            counts["published"] + sum(counts["excluded"].values()) + sum(counts["quarantined"].values())
            == counts["extracted"]
        )
    assert needed_the_rule, "the demo's raw metadata has groups under k_min: the rule must have acted"


def test_aggregates_suppress_small_cells(audited) -> None:
    k_min = audited["policy"].audit.k_min
    suppressed = 0
    for partition in audited["partitions"]:
        ref = PartitionRef(DATASET, partition)
        cells = read_cells(audited["output"], ref)
        assert cells and all(int(c["conversations"]) >= k_min for c in cells)
        manifest = json.loads(audited["output"].get_bytes(ref.key(Area.AGGREGATES, "_manifest.json")))
        assert manifest["k_min"] == k_min and manifest["cells"] == len(cells)
        published = read_manifest(audited["output"], DATASET, partition)["records"]
        assert sum(int(c["conversations"]) for c in cells) <= published
        suppressed += manifest["cells_suppressed"]
    assert suppressed > 0, "the demo's rare combinations must leave cells to suppress"


def test_every_partition_has_a_card_with_table_and_charts(audited) -> None:
    output = audited["output"]
    for partition in audited["partitions"]:
        ref = PartitionRef(DATASET, partition)
        card = output.get_bytes(ref.key(Area.TRAINING, CARD)).decode()
        assert card.startswith("---\npretty_name: ")
        assert "## Bias, Risks, and Limitations" in card and "| group | extracted | published |" in card
        for dimension in audited["policy"].audit.dimensions:
            chart = audit_key(ref, f"charts/{chart_name(dimension)}")
            assert output.get_bytes(chart).startswith(b"<svg ")
            assert f"../../../{chart}" in card
        rep = json.loads(output.get_bytes(audit_key(ref, REPRESENTATION)))
        row = next(r for r in rep["dimensions"]["segment"] if r["value"] == RARELY_CONSENTING_SEGMENT)
        assert row["consent_exclusion_rate"] > 0.6  # the skew is real in every day's data
        if row["status"] == "flagged":
            assert row["cause"] == "consent" and SKEWED in card
    # over the trailing window the rule has enough conversations to see the skew, whatever one day held
    last = PartitionRef(DATASET, audited["partitions"][-1])
    window = json.loads(output.get_bytes(audit_key(last, REPRESENTATION)))["window"]
    assert window["partitions"] == audited["partitions"]
    assert SKEWED in window["flagged_by_cause"]["consent"]
    assert SKEWED in output.get_bytes(last.key(Area.TRAINING, CARD)).decode()


def test_audit_pack_flags_the_skew_is_reproducible_and_holds_no_truth_value(audited, tmp_path) -> None:
    kwargs = {
        "dataset": DATASET,
        "start": START,
        "end": START + timedelta(days=DAYS - 1),
        "policy": audited["policy"],
    }
    first = write_pack(audited["output"], tmp_path / "one", **kwargs)
    write_pack(audited["output"], tmp_path / "two", **kwargs)
    assert first["partitions"] == audited["partitions"]
    one = {
        p.relative_to(tmp_path / "one").as_posix(): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two").as_posix(): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two, "same inputs, same bytes"
    listed = dict(line.split("  ", 1)[::-1] for line in one[CHECKSUMS].decode().splitlines())
    assert set(listed) == set(one) - {CHECKSUMS}
    assert all(hashlib.sha256(one[path]).hexdigest() == digest for path, digest in listed.items())

    window = json.loads(one["release/representation.json"])
    assert SKEWED in window["flagged"] and SKEWED in window["flagged_by_cause"]["consent"]
    assert SKEWED in one["release/_datacard.md"].decode()

    truth = audited["truth"]
    values = set(truth.all_values()) | set(truth.customers) | set(truth.agents)
    text = "\n".join(body.decode("utf-8") for body in one.values())
    leaked = [v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)]
    assert not leaked, f"{len(leaked)} demo truth values in the pack"

    with pytest.raises(PackError):
        write_pack(audited["output"], tmp_path / "one", **kwargs)  # never over an earlier pack
