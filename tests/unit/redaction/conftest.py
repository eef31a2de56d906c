"""One redactor for the whole redaction test package: spaCy and Presidio take seconds to load; and the
long e-mails and tickets of the bench (``bench/long_text.py``) that the fast-path tests compare on."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.fixture(scope="session")
def redactor():
    from support_curation.redaction import get_redactor

    return get_redactor()


@pytest.fixture(scope="session")
def long_records() -> list[list[str]]:
    """Long formal e-mails and multi-message tickets (seeded Faker), as lists of turns."""
    spec = importlib.util.spec_from_file_location("bench_long_text", BENCH / "long_text.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return [
        [t["text"] for t in record.get("turns") or []] or [record["text"]]
        for record in module.long_texts(12, 11)
    ]


@pytest.fixture(scope="session")
def long_texts(long_records: list[list[str]]) -> list[str]:
    """The same, every turn on its own."""
    return [text for turns in long_records for text in turns]
