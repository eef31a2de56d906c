"""``curate redact``: redact a JSONL file of samples, so stewards can try a policy on real-looking text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from support_curation.redaction import get_redactor

# the customer's side of a dialogue, as exports label it (also in the supported languages' words)
CUSTOMER_SPEAKERS = {
    "customer",
    "user",
    "client",
    "caller",
    "visitor",
    "kunde",
    "kundin",
    "klant",
    "cliente",
    "cliënt",
    "utente",
    "usuario",
    "usuaria",
    "utilisateur",
    "utilisatrice",
    "benutzer",
    "gebruiker",
    "appelant",
}
# "Speaker: text" lines, as dialogues are often flattened
TURN_LINE = re.compile(r"^(?P<speaker>[A-Za-z][\w ]{0,30}):[ \t]?(?P<text>.*)$")


def _role(speaker: str) -> str:
    return "customer" if speaker.strip().lower() in CUSTOMER_SPEAKERS else "agent"


def redact_record(record: dict[str, Any], policy_path: Path | str | None = None) -> dict[str, Any]:
    redactor = get_redactor(policy_path)
    known = record.get("known_identifiers") or None
    if isinstance(record.get("turns"), list):
        turns = record["turns"]
        result = redactor.redact_conversation(
            [{"role": _role(str(t.get("speaker", ""))), "content": str(t.get("text", ""))} for t in turns],
            known_identifiers=known,
        )
        redacted_turns = [{**t, "text": m["content"]} for t, m in zip(turns, result.messages, strict=True)]
        out = {
            "id": record["id"],
            "turns": redacted_turns,
            "entities": result.entities,
            "flags": result.flags,
        }
        if isinstance(record.get("text"), str):  # both given: keep the flattened text in step with the turns
            joined = "\n".join(f"{t.get('speaker', '')}: {t.get('text', '')}" for t in turns)
            out["text"] = (
                "\n".join(f"{t.get('speaker', '')}: {t['text']}" for t in redacted_turns)
                if record["text"] == joined
                else redact_record({"id": record["id"], "text": record["text"]}, policy_path)["text"]
            )
        return out
    text = record["text"]
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    # a flattened dialogue is redacted turn by turn (with roles); prefixes and newlines are kept as they are
    lines = text.split("\n")
    parsed = [m for m in map(TURN_LINE.match, lines) if m is not None]
    if len(lines) > 1 and len(parsed) == len(lines):
        result = redactor.redact_conversation(
            [{"role": _role(m["speaker"]), "content": m["text"]} for m in parsed], known_identifiers=known
        )
        redacted = "\n".join(
            line[: m.start("text")] + r["content"]
            for line, m, r in zip(lines, parsed, result.messages, strict=True)
        )
    else:
        result = redactor.redact_conversation(
            [{"role": "customer", "content": text}], known_identifiers=known
        )
        redacted = result.messages[0]["content"]
    return {"id": record["id"], "text": redacted, "entities": result.entities, "flags": result.flags}


# what a line can raise that makes it unusable: bad UTF-8 or a lone surrogate (UnicodeError), not JSON
# (ValueError), nested deeper than the parser goes (RecursionError), the wrong shape (the rest)
_UNREADABLE = (UnicodeError, ValueError, RecursionError, KeyError, TypeError, AttributeError)
MAX_ID_CHARS = 64


def _error_ref(record: Any, fallback: str) -> Any:
    """The record's own id for an error entry when it is a short plain id, else the line number.

    An id can be any JSON (a dict holding text, a long string): echoing it would put content in the output.
    """
    value = record.get("id") if isinstance(record, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | str) or len(str(value)) > MAX_ID_CHARS:
        return fallback
    if isinstance(value, str) and not value.isprintable():
        return fallback
    return value


def redact_jsonl(
    input_path: Path | str, output_path: Path | str, policy_path: Path | str | None = None
) -> dict[str, Any]:
    """Redact every line; a line that cannot be read gets an error entry (no content) and the rest go on."""
    summary: dict[str, Any] = {"records": 0, "errors": 0, "entities": {}}
    with Path(input_path).open("rb") as source, Path(output_path).open("wb") as sink:
        for number, raw in enumerate(source, start=1):
            if not raw.strip():
                continue
            record_ref: Any = f"line {number}"
            try:
                record = json.loads(raw.decode("utf-8"))
                record_ref = _error_ref(record, record_ref)
                out = redact_record(record, policy_path)
                # encoded here, inside the try: a lone surrogate ("\ud800" in the JSON) cannot be written
                line = json.dumps(out, ensure_ascii=False).encode("utf-8")
            except _UNREADABLE as error:
                summary["errors"] += 1
                sink.write(json.dumps({"id": record_ref, "error": type(error).__name__}).encode() + b"\n")
                continue
            summary["records"] += 1
            for kind, count in out["entities"].items():
                summary["entities"][kind] = summary["entities"].get(kind, 0) + count
            sink.write(line + b"\n")
    summary["entities"] = dict(sorted(summary["entities"].items()))
    return summary
