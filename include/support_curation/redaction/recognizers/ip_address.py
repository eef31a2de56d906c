"""IP addresses: Presidio's recognizer, run only where a dotted quad or an IPv6 group can stand."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import IpRecognizer

from support_curation.redaction.recognizers.base import GatedPatternRecognizer


class IpAddressRecognizer(GatedPatternRecognizer, IpRecognizer):
    TRIGGER = r"\d[.:]\d|::|[0-9a-f]:[0-9a-f]"  # dotted quads, IPv6
