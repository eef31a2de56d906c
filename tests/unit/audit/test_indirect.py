"""Indirect identifiers in published text: rare mentions counted, shared ones not, no phrase reported."""

from __future__ import annotations

import json
import random
import re

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


def test_mentions_found_beforehand_count_as_if_found_by_the_scan() -> None:
    texts = ["my firm Quendrix Holdings is moving", "the order from Zalvoria arrived", "Hello"]
    found_here = indirect.IndirectScan(k_min=2, ner_model=None)
    given = indirect.IndirectScan(k_min=2, ner_model=None)
    for text in texts:
        found_here.add(_record(text))
        # as staged JSON gives them back: lists; a record with no messages, so only `found` can count
        given.add({}, [list(m) for m in indirect.record_mentions(_record(text), None)])
    assert given.report() == found_here.report()
    assert found_here.report()["records_with_rare"] == 2


def _job_titles_slow(text: str) -> list[str]:
    return [m.group(1).lower() for m in indirect._JOB.finditer(text)]


def test_job_title_prefilter_finds_what_the_full_scan_finds() -> None:
    """The ASCII shortcut (no job word in the lower-cased text: no scan) against the scan it skips."""
    rng = random.Random(7)
    words = [*sorted(indirect.JOB_TITLES), "the", "vetted", "Managers'", "xnurse", "nursex", "police officer"]
    # case-insensitive matching folds more than lower() does: the long s, the dotted capital I
    folded = ["a nur\u017fe", "the P\u0130LOT", "\u017folicitor", "engineers\u017f", "pilot\u212a"]
    texts = ["", "NURSE", "Dr Ivo, Surgeon", "my vets", "vet_1", "a\x00nurse", *folded]
    for _ in range(3000):
        parts = [rng.choice(words) for _ in range(rng.randint(1, 5))]
        cased = ["".join(c.upper() if rng.random() < 0.3 else c for c in p) for p in parts]
        seps = [" ", "", "_", "-", "\x00", ". ", "1", "s ", "\u00e9", "\u017f"]
        texts.append("".join(p + rng.choice(seps) for p in cased))
    for text in texts:
        assert indirect._job_titles(text) == _job_titles_slow(text), text
    # the texts exercise both paths: ASCII ones with titles in any case, and ones the shortcut skips
    assert all(_job_titles_slow(t) for t in folded[:3])
    ascii_hits = [t for t in texts if t.isascii() and _job_titles_slow(t)]
    assert len(ascii_hits) > 1000 and any(t != t.lower() for t in ascii_hits)
    assert sum(1 for t in texts if t.isascii() and not _job_titles_slow(t)) > 100


def test_trie_pattern_matches_exactly_its_words() -> None:
    words = {"vet", "veterinarian", "vets", "a", "ab", "abc", "b.c", "police"}
    pattern = re.compile(indirect._trie_pattern(words))
    candidates = {w[:i] + x for w in words for i in range(len(w) + 1) for x in ("", "s", "x", ".")}
    assert {c for c in candidates if pattern.fullmatch(c)} == words
    assert all(re.fullmatch(indirect._JOB_WORD, w) for w in indirect.JOB_TITLES)
