"""One timestamp parser for every source, so a chat and a ticket of the same moment land in the same day.

Accepted: ``datetime`` values, ISO 8601 text with ``T`` or a space between date and time, with or without
an offset (``Z``, ``+02:00``), and epoch seconds or milliseconds (as numbers or digit strings). A value
without an offset is read in the policy's ``naive_timezone`` (UTC by default). Every result is aware and
in UTC, so interval membership is one comparison.

Errors never carry the value: a timestamp column can hold anything an upstream system wrote into it.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

# Epoch values above this are milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
_MILLIS_ABOVE = 100_000_000_000
_EPOCH_TEXT = re.compile(r"[+-]?\d{1,16}(\.\d+)?")
# datetime.fromisoformat rejects years outside 1..9999 itself; this bounds what the epoch branch accepts
_MIN = datetime(1970, 1, 1, tzinfo=UTC)
_MAX = datetime(9999, 1, 1, tzinfo=UTC)


class TimestampError(ValueError):
    """A timestamp that cannot be read. The message names the problem, never the value."""


def zone(name: str | None) -> tzinfo:
    """The time zone naive timestamps are read in (a policy setting); UTC when unset."""
    return UTC if not name or name.upper() == "UTC" else ZoneInfo(name)


def parse_timestamp(value: object, naive_tz: tzinfo = UTC) -> datetime:
    """An aware UTC datetime from any accepted form; :class:`TimestampError` otherwise."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, bool) or value is None:
        raise TimestampError("timestamp missing" if value is None else "timestamp is a boolean")
    elif isinstance(value, int | float):
        parsed = _from_epoch(value)
    elif isinstance(value, str):
        parsed = _from_text(value.strip())
    elif isinstance(value, bytes):
        try:
            parsed = _from_text(value.decode("ascii").strip())
        except UnicodeDecodeError:
            raise TimestampError("timestamp is not text") from None
    else:
        raise TimestampError(f"timestamp of type {type(value).__name__}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=naive_tz)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # an offset that pushes year 1 or 9999 over the edge
        raise TimestampError("timestamp out of range") from None


def _from_text(text: str) -> datetime:
    if _EPOCH_TEXT.fullmatch(text):
        return _from_epoch(float(text) if "." in text else int(text))
    if len(text) > 64:  # no ISO timestamp is this long; do not hand arbitrary text to the parser
        raise TimestampError("timestamp text too long")
    try:
        # Python 3.11 reads "T" or " ", "Z", offsets and fractions; a date alone means midnight
        return datetime.fromisoformat(text)
    except ValueError:
        raise TimestampError("timestamp is not ISO 8601 or epoch") from None


def _from_epoch(number: float) -> datetime:
    if not math.isfinite(number):
        raise TimestampError("timestamp is not a finite number")
    seconds = number / 1000 if abs(number) >= _MILLIS_ABOVE else number
    try:
        parsed = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise TimestampError("epoch timestamp out of range") from None
    if not _MIN <= parsed < _MAX:
        raise TimestampError("epoch timestamp out of range")
    return parsed
