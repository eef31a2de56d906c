"""US social security numbers: Presidio's recognizer, skipped on text without a digit or without the
start of one of its five patterns (most texts with digits hold none)."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsSsnRecognizer as PresidioUsSsnRecognizer

from support_curation.redaction.recognizers.base import GatedPatternRecognizer


class UsSsnRecognizer(GatedPatternRecognizer, PresidioUsSsnRecognizer):
    NEEDS_DIGIT = True
    # its patterns: 5-4, 3-6, 3-2-4 (dashes), 9 digits, 3-2-4 (one of "- ."): each holds one of these
    TRIGGER = r"[0-9]{9}|[0-9]{3}[- .][0-9]{2}|[0-9]{5}-[0-9]{4}"
