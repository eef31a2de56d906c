"""An oracle steward for the demo: reviews every pending audit sample against the demo's ground truth.

``curate demo`` writes ``data/demo_truth.json``: every personal value it planted (customers' and agents'
names, emails, phones, addresses, embedded numbers). For each pending audit-sample item this script
looks for any of those values in the redacted text, as a careful steward would find them by reading:
a hit is marked as missed personal data (type and span, through ``curate review decide``), a clean item
is approved. Then it applies the decisions and prints the leak report (counts only, never a value).

    CURATION_DEMO=1 .venv/bin/python bench/review_oracle.py [--dry-run]

First names alone count only when capitalised (``Will`` the name, not "will" the verb).
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from support_curation import cli
from support_curation.config import get_settings
from support_curation.review.items import item_text, list_items

MIN_LENGTH = 4


def _kind(value: str) -> str:
    if "@" in value:
        return "EMAIL"
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7 and len(digits) >= len(re.sub(r"\W", "", value)) - 2:
        return "PHONE"
    if any(c.isdigit() for c in value):
        return "ADDRESS" if " " in value and re.search(r"[A-Za-z]{3}", value) else "ID_NUMBER"
    return "PERSON"


def planted_values(truth: dict[str, Any]) -> dict[str, str]:
    """Value -> type, from the demo's ground truth."""
    values: dict[str, str] = {}
    for group in ("customers", "agents"):
        for entries in truth.get(group, {}).values():
            for value in entries:
                if len(value.strip()) >= MIN_LENGTH:
                    values.setdefault(value.strip(), _kind(value))
    for value in truth.get("embedded", []):
        if len(str(value)) >= MIN_LENGTH:
            values.setdefault(str(value), "ID_NUMBER")
    return values


def find_missed(text: str, values: dict[str, str]) -> list[tuple[int, int, str]]:
    """Spans of planted values still in the text (longest first, no overlaps)."""
    found: list[tuple[int, int, str]] = []
    for value in sorted(values, key=len, reverse=True):
        flags = 0 if values[value] == "PERSON" and " " not in value else re.IGNORECASE
        for match in re.finditer(rf"(?<![\w@.]){re.escape(value)}(?![\w@])", text, flags):
            if not any(s < match.end() and match.start() < e for s, e, _ in found):
                found.append((match.start(), match.end(), values[value]))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="count only: record no decision")
    args = parser.parse_args()
    settings = get_settings()
    truth = json.loads((settings.data_dir / "demo_truth.json").read_text())
    values = planted_values(truth)
    storage = settings.output_storage()
    reviewed = missed = 0
    by_type: dict[str, int] = {}
    for item in list_items(storage, "support_conversations", kind="audit_sample"):
        hits = find_missed(item_text(item["record"]), values)
        reviewed += 1
        if hits:
            missed += 1
        for start, end, kind in hits:
            by_type[kind] = by_type.get(kind, 0) + 1
            if not args.dry_run:
                cli.main(
                    [
                        "review",
                        "decide",
                        item["item"],
                        "--missed",
                        kind,
                        "--span",
                        f"{start}:{end}",
                        "--who",
                        "oracle-steward",
                    ]
                )
        if not hits and not args.dry_run:
            cli.main(["review", "decide", item["item"], "--approve", "--who", "oracle-steward"])
    print(json.dumps({"audit_items_reviewed": reviewed, "with_missed_pii": missed, "marks_by_type": by_type}))
    if not args.dry_run:
        cli.main(["review", "apply"])
        cli.main(["review", "report"])


if __name__ == "__main__":
    main()
