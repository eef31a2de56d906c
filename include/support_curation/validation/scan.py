"""``curate scan``: the residual-PII gate over any redacted JSONL file, one line of counts per record.

Stewards check a redacted file with it (the output of ``curate redact``, a published part file, an
export) and it measures the gate from outside: the same detectors the pipeline's validation runs, on
the same normalised text. The output names each record by its id and gives counts per detector,
never a value; the input's shapes are those ``curate redact`` reads (``text``, ``turns``) and the
curated record (``messages``), plain or gzip.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from support_curation.validation.gate import GATE_DETECTORS, scan_records

if TYPE_CHECKING:
    from collections.abc import Iterator

BATCH = 256  # records per NER batch: bounded memory for any file size
_MAX_ID_CHARS = 200


class UnreadableRecord(ValueError):
    """A line that is not a record of a known shape (the reason is a type name, never content)."""


def record_turns(record: Any) -> list[str]:
    """The texts of a record's turns, for every shape ``curate redact`` reads or writes."""
    if not isinstance(record, dict):
        raise UnreadableRecord("not an object")
    if isinstance(record.get("turns"), list):
        return [str(t.get("text") or "") for t in record["turns"] if isinstance(t, dict)]
    if isinstance(record.get("messages"), list):
        return [str(m.get("content") or "") for m in record["messages"] if isinstance(m, dict)]
    if isinstance(record.get("text"), str):
        return record["text"].split("\n")  # a flattened dialogue is one turn per line
    raise UnreadableRecord("no text, turns or messages")


def _reference(record: Any, number: int) -> str | int:
    """The record's own id when it is a plain one, else its line number (an id could be anything)."""
    ref = record.get("id", record.get("record_id")) if isinstance(record, dict) else None
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    if isinstance(ref, str) and 0 < len(ref) <= _MAX_ID_CHARS and ref.isprintable():
        return ref
    return f"line {number}"


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast("IO[bytes]", gzip.open(path, "rb"))  # a GzipFile reads bytes like any binary file
    return path.open("rb")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with _open(path) as source:
        for number, raw in enumerate(source, start=1):
            if raw.strip():
                yield number, raw


def scan_jsonl(input_path: Path | str, output_path: Path | str) -> dict[str, Any]:
    """Write ``{"id", "residual": {detector: count}}`` per record; returns counts for the summary."""
    summary: dict[str, Any] = {
        "records": 0,
        "flagged": 0,
        "errors": 0,
        "records_by_detector": dict.fromkeys(GATE_DETECTORS, 0),
    }
    # records wait in batches for the NER; unreadable lines wait with them, so the output keeps the order
    pending: list[tuple[str | int, list[str] | str]] = []

    def flush(sink: IO[str]) -> None:
        readable = [turns for _, turns in pending if isinstance(turns, list)]
        counts_by_record = iter(scan_records(readable))
        for ref, turns in pending:
            if isinstance(turns, str):
                sink.write(json.dumps({"id": ref, "error": turns}) + "\n")
                continue
            counts = next(counts_by_record)
            sink.write(json.dumps({"id": ref, "residual": counts}) + "\n")
            summary["records"] += 1
            summary["flagged"] += 1 if any(counts.values()) else 0
            for name, count in counts.items():
                summary["records_by_detector"][name] += 1 if count else 0
        pending.clear()

    with Path(output_path).open("w", encoding="utf-8") as sink:
        for number, raw in _lines(Path(input_path)):
            record: Any = None
            try:
                record = json.loads(raw.decode("utf-8"))
                pending.append((_reference(record, number), record_turns(record)))
            except (UnicodeDecodeError, json.JSONDecodeError, UnreadableRecord, RecursionError) as error:
                summary["errors"] += 1
                pending.append((_reference(record, number), type(error).__name__))
            if len(pending) >= BATCH:
                flush(sink)
        flush(sink)
    return summary
