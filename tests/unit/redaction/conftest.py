"""One redactor for the whole redaction test package: spaCy and Presidio take seconds to load."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def redactor():
    from support_curation.redaction import get_redactor

    return get_redactor()
