"""Validation of a curated batch with Great Expectations: residual PII, consent, schema, volume.

``build_validation_frame`` turns records into counts (no raw values), ``validate_batch`` runs the
suites and builds a local Data Docs site; see ``great_expectations/README.md`` at the repo root.
"""

from __future__ import annotations

from support_curation.validation.frame import FRAME_COLUMNS, build_validation_frame
from support_curation.validation.run import ValidationOutcome, validate_batch
from support_curation.validation.suites import SUITE_NAMES

__all__ = ["FRAME_COLUMNS", "SUITE_NAMES", "ValidationOutcome", "build_validation_frame", "validate_batch"]
