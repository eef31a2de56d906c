"""US social security numbers: Presidio's recognizer, skipped on text without a digit."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsSsnRecognizer as PresidioUsSsnRecognizer

from support_curation.redaction.recognizers.base import GatedPatternRecognizer


class UsSsnRecognizer(GatedPatternRecognizer, PresidioUsSsnRecognizer):
    NEEDS_DIGIT = True
