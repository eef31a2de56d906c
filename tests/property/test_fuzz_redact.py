"""Property-based: ``curate redact`` reads any file to the end (#11, items 1 and 8).

Every non-blank input line gives exactly one output line: a redacted record, or an error entry that
names the line (or the record's own short id) and the error type, never the content. Nothing of the
input reaches the log.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support_curation.redaction.batch import redact_jsonl

PROBE = "Qz7"  # every generated content carries it: an echo is one substring search away
FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

content = st.text(max_size=40).map(lambda t: f"{PROBE} {t}")
ids = st.integers(0, 10**6) | st.text(alphabet="abcdefghij-0123456789", min_size=1, max_size=12)
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | content
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
speakers = st.sampled_from(["Customer", "Agent", "x"])
record = st.one_of(
    st.fixed_dictionaries({"id": ids, "text": content | json_value}),
    st.fixed_dictionaries(
        {
            "id": ids,
            "turns": st.lists(
                st.fixed_dictionaries(
                    {"speaker": st.sampled_from(["Customer", "Agent", "x"]), "text": content}
                ),
                max_size=3,
            )
            | json_value,
        }
    ),
    st.fixed_dictionaries(
        {"id": json_value.map(lambda v: [PROBE, v]), "text": content}
    ),  # an id holding text
)
line = st.one_of(
    record.map(lambda r: json.dumps(r).encode()),
    record.map(lambda r: json.dumps(r).replace(PROBE, "\\ud800" + PROBE, 1).encode()),  # a lone surrogate
    st.binary(max_size=40).map(lambda b: PROBE.encode() + b),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 100_000 + b"]" * 100_000),
)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@FUZZ
@given(lines=st.lists(line, min_size=1, max_size=6))
def test_any_input_file_is_read_to_the_end_without_echo(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source, sink = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_bytes(b"\n".join(lines) + b"\n")
        capture = _Capture()
        logging.getLogger().addHandler(capture)
        try:
            summary = redact_jsonl(source, sink)
        finally:
            logging.getLogger().removeHandler(capture)
        written = [json.loads(raw) for raw in sink.read_bytes().splitlines()]
    landed = [raw for raw in b"\n".join(lines).split(b"\n") if raw.strip()]
    assert len(written) == len(landed)
    assert summary["records"] + summary["errors"] == len(landed)
    errors = [entry for entry in written if "error" in entry]
    assert len(errors) == summary["errors"]
    for entry in errors:
        assert set(entry) == {"id", "error"}
        assert isinstance(entry["id"], int | str) and len(str(entry["id"])) <= 64
    assert PROBE not in json.dumps(errors)
    assert PROBE not in "\n".join(capture.messages)
