"""``redact_jsonl`` round trip: texts, dialogues, malformed lines; summaries carry counts, never values."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from support_curation.redaction.batch import redact_jsonl

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "ottoline.brackenbury@example.com"


def test_round_trip(tmp_path: Path, redactor) -> None:
    lines = [
        json.dumps({"id": "t1", "text": f"Customer: my email is {SECRET}\nAgent: thanks, noted"}),
        json.dumps(
            {
                "id": "d1",
                "turns": [
                    {"speaker": "Agent", "text": "Could I have your email?"},
                    {"speaker": "User", "text": SECRET},
                ],
                "known_identifiers": ["Ottoline"],
            }
        ),
        "{not json " + SECRET,
        json.dumps({"id": "m1", "turns": "nope " + SECRET}),
        json.dumps({"id": "m2"}),
        "",
        json.dumps({"id": "t2", "text": "plain text, no speakers: hello Ottoline"}),
    ]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(lines) + "\n")

    summary = redact_jsonl(src, dst)

    out = {o["id"]: o for o in map(json.loads, dst.read_text().splitlines())}
    raw = dst.read_text() + json.dumps(summary)
    assert SECRET not in raw and "brackenbury" not in raw
    assert out["t1"]["text"].startswith("Customer: my email is <EMAIL_1>\nAgent: thanks, noted")
    assert [t["speaker"] for t in out["d1"]["turns"]] == ["Agent", "User"]
    assert out["d1"]["turns"][1]["text"] == "<EMAIL_1>"
    assert out["d1"]["entities"] == {"EMAIL": 1}
    assert "error" in out["m1"] and "error" in out["m2"]
    assert sum("error" in o for o in out.values()) == 3  # the unparsable line too
    assert "Ottoline" not in out["t2"]["text"]
    assert summary["errors"] == 3
    assert summary["entities"]["EMAIL"] >= 2
