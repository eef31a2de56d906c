"""Turn templates into labelled eval records (the JSONL shape of ``../shared/eval``: id, source, text,
turns, pii with spans, quasi).

A template is text with ``{slot}`` fields; each slot is filled from a seeded Faker of the set's locale
and labelled with its type (a slot whose type is None is filled but not labelled: a city, a brand).
Splits: a template pool's every third template is held out of ``dev`` (``test`` uses all of them),
and the two splits draw with different seeds, so that tuning on dev does not learn test's wording.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path  # noqa: TC003
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SLOT = re.compile(r"\{(\w+)\}")
SEEDS = {"dev": 101, "test": 202}
HELD_OUT = 3  # every third template of a pool is test-only


@dataclass
class Person:
    first: str
    last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def pool(templates: Sequence[Any], split: str) -> list[Any]:
    """The templates a split may use: dev leaves every third one out."""
    return [t for i, t in enumerate(templates) if split == "test" or i % HELD_OUT != HELD_OUT - 1]


class Filler:
    """Fills one dialogue's slots; a slot keeps its value across the dialogue (a name recurs)."""

    def __init__(self, values: dict[str, tuple[str, str | None]]) -> None:
        self.values = values

    def fill(self, template: str) -> tuple[str, list[tuple[int, int, str, str | None]]]:
        out, spans, last = [], [], 0
        pos = 0
        for m in SLOT.finditer(template):
            out.append(template[last : m.start()])
            pos += m.start() - last
            value, kind = self.values[m.group(1)]
            spans.append((pos, pos + len(value), value, kind))
            out.append(value)
            pos += len(value)
            last = m.end()
        out.append(template[last:])
        return "".join(out), spans


def record(ident: str, source: str, turns: list[tuple[str, str]], filler: Filler) -> dict[str, Any]:
    """A labelled dialogue record from (speaker, template) turns."""
    lines, pii, quasi, offset, out_turns = [], [], [], 0, []
    for speaker, template in turns:
        text, spans = filler.fill(template)
        prefix = f"{speaker}: "
        for start, end, value, kind in spans:
            entry = {
                "value": value,
                "type": kind or "CITY",
                "span": [offset + len(prefix) + start, offset + len(prefix) + end],
            }
            (pii if kind else quasi).append(entry)
        lines.append(prefix + text)
        out_turns.append({"speaker": speaker, "text": text})
        offset += len(prefix) + len(text) + 1
    return {
        "id": ident,
        "source": source,
        "text": "\n".join(lines),
        "turns": out_turns,
        "pii": pii,
        "quasi": quasi,
    }


def write(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def generate(
    name: str, split: str, count: int, make: Callable[[random.Random, str, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    rng = random.Random(f"{name}-{SEEDS[split]}")
    return [make(rng, split, i) for i in range(count)]
