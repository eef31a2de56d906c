"""``curate scan``: one line of counts per record for every input shape, never a value."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from typing import TYPE_CHECKING

from support_curation.cli import main
from support_curation.validation.gate import GATE_DETECTORS

if TYPE_CHECKING:
    from pathlib import Path

LEAK = "My name is Eleanor Whitfield, I live at 12 Baker Street, NW1 6XE; mail ele.whit@mailbox-demo.org"
VALUES = ("Eleanor", "Whitfield", "Baker", "NW1", "6XE", "ele.whit", "mailbox-demo")
RECORDS = [
    {"id": "text-clean", "text": "Hi <PERSON_1>, your order ships on 2024-01-03."},
    {"id": "text-leak", "text": f"Customer: hello\nAgent: hi\nCustomer: {LEAK}"},
    {"id": "turns-leak", "turns": [{"speaker": "Customer", "text": LEAK}, {"speaker": "Agent", "text": "k"}]},
    {"record_id": "curated-leak", "messages": [{"role": "customer", "content": LEAK}]},
    {"id": {"odd": "id"}, "text": "an id that is no plain value is replaced by the line number"},
]


def _write(path: Path, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def _scan(tmp_path: Path, name: str, lines: list[str]) -> tuple[list[dict], str]:
    source, out = tmp_path / name, tmp_path / "out.jsonl"
    _write(source, lines)
    assert main(["scan", "--input", str(source), "--output", str(out)]) == 0
    text = out.read_text()
    return [json.loads(line) for line in text.splitlines()], text


def test_every_shape_gives_counts_per_detector(tmp_path: Path, capsys) -> None:
    rows, text = _scan(tmp_path, "in.jsonl", [json.dumps(r) for r in RECORDS])
    assert [r["id"] for r in rows] == ["text-clean", "text-leak", "turns-leak", "curated-leak", "line 5"]
    assert all(set(r["residual"]) == set(GATE_DETECTORS) for r in rows)
    assert not any(rows[0]["residual"].values()) and not any(rows[4]["residual"].values())
    for row in rows[1:4]:
        found = {name for name, count in row["residual"].items() if count}
        assert found == {"name", "address", "postcode", "email"}, row
    printed = capsys.readouterr().out
    summary = json.loads(printed[printed.index("{") :])
    assert summary["records"] == 5 and summary["flagged"] == 3 and summary["records_by_detector"]["name"] == 3
    assert not [v for v in VALUES if v in text or v in printed]


def test_gzip_input_and_unreadable_lines(tmp_path: Path) -> None:
    no_text = json.dumps({"id": "no-text", "body": LEAK})
    lines = [json.dumps(RECORDS[1]), "{not json", no_text, json.dumps([1])]
    rows, text = _scan(tmp_path, "in.jsonl.gz", lines)
    assert rows[0]["id"] == "text-leak" and rows[0]["residual"]["name"] == 1
    assert rows[1:] == [
        {"id": "line 2", "error": "JSONDecodeError"},
        {"id": "no-text", "error": "UnreadableRecord"},
        {"id": "line 4", "error": "UnreadableRecord"},
    ]
    assert not [v for v in VALUES if v in text]


def test_the_gate_runs_without_the_redactor() -> None:
    """Independent by construction: scanning never imports support_curation.redaction."""
    code = (
        "import sys; from support_curation.validation.gate import scan_text; "
        "scan_text('Thanks, Eleanor Whitfield'); "
        "print(any(m.startswith('support_curation.redaction') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
