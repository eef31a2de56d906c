"""The residual-PII gate: every detector over normalised text, one count per detector and record.

Why one entry point: the validation frame, ``curate scan`` and the gate benchmark must see exactly the
same thing, or the benchmark measures a gate that does not run. Text is normalised first
(:mod:`.normalise`), then the redactor's placeholders (``<PERSON_1>``) are blanked so they can never
count as a value; the regex detectors read a record's turns joined, the name detector runs the NER
model on each turn, batched across records. Counts only: no value leaves this module.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from support_curation.validation import detectors
from support_curation.validation.birth_dates import count_birth_dates
from support_curation.validation.names import count_names, count_partial_names
from support_curation.validation.normalise import normalise
from support_curation.validation.online import count_handles, count_url_values
from support_curation.validation.places import count_addresses, count_postcodes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

NAME = "name"
ADDRESS = "address"
POSTCODE = "postcode"
BIRTH_DATE = "birth_date"
HANDLE = "handle"
URL_VALUE = "url_value"
GATE_DETECTORS: tuple[str, ...] = (
    *detectors.DETECTORS,
    NAME,
    ADDRESS,
    POSTCODE,
    BIRTH_DATE,
    HANDLE,
    URL_VALUE,
)

_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")
_TEXT_DETECTORS: dict[str, Callable[[str], int]] = {
    ADDRESS: count_addresses,
    POSTCODE: count_postcodes,
    BIRTH_DATE: count_birth_dates,
    HANDLE: count_handles,
    URL_VALUE: count_url_values,
}


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def prepare(text: str) -> str:
    """Normalised text with placeholders blanked (same length, so nothing joins across them)."""
    return _PLACEHOLDER.sub(_blank, normalise(text))


def scan_records(records: Sequence[Sequence[str]]) -> list[dict[str, int]]:
    """Counts per detector (keys: :data:`GATE_DETECTORS`) for each record, given as its turns' texts."""
    normalised = [[normalise(t) for t in turns if t] for turns in records]
    prepared = [[_PLACEHOLDER.sub(_blank, t) for t in turns] for turns in normalised]
    flat = [t for turns in prepared for t in turns]
    names = iter(count_names(flat))
    results = []
    for turns, raw_turns in zip(prepared, normalised, strict=True):
        text = "\n".join(turns)
        counts = detectors.scan(text)
        for name, detect in _TEXT_DETECTORS.items():
            counts[name] = detect(text) if text else 0
        # names the NER sees, and names beside a placeholder (which only the unblanked text shows)
        counts[NAME] = sum(next(names) for _ in turns) + count_partial_names("\n".join(raw_turns))
        results.append({name: counts[name] for name in GATE_DETECTORS})
    return results


def scan_text(text: str) -> dict[str, int]:
    """Counts per detector for one text (one turn)."""
    return scan_records([[text]])[0]


def count_known(text: str, identifiers: Sequence[str]) -> int:
    """The record's own identifiers left in ``text``, also when disguised."""
    return detectors.count_known_identifiers(normalise(text), identifiers)
