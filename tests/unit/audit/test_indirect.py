"""Indirect identifiers in published text: rare mentions counted, shared ones not, no phrase reported."""

from __future__ import annotations

import json

from support_curation.audit import indirect


def _record(text: str) -> dict:
    return {"messages": [{"role": "customer", "content": text}]}


def test_mentions_skip_sentence_starts_and_placeholders() -> None:
    found = indirect.mentions(
        [
            "Thanks <PERSON_1>, the fitter from Hargreaves Joinery came; I am a midwife. Router broken.",
            "Hello",
        ],
        None,
    )
    assert (indirect.RARE_CAPITALISED, "hargreaves joinery") in found
    assert (indirect.JOB_TITLE, "midwife") in found
    assert not any("person" in m or m in {"thanks", "router", "hello"} for _, m in found)


def test_a_mention_many_records_share_is_not_rare() -> None:
    scan = indirect.IndirectScan(k_min=3, ner_model=None)
    for _ in range(5):
        scan.add(_record("the order from Zalvoria arrived"))  # shared by 5 records: a product, not a person
    scan.add(_record("my firm Quendrix Holdings is moving"))
    report = scan.report()
    assert report["records"] == 6 and report["records_with_rare"] == 1
    assert report["by_kind"][indirect.RARE_CAPITALISED] == {
        "mentions": 6,
        "rare_mentions": 1,
        "records_with_rare": 1,
    }
    assert report["per_record"] == {"0": 5, "1": 1, "2": 0, "3+": 0}
    assert "quendrix" not in json.dumps(report).lower() and "zalvoria" not in json.dumps(report).lower()
