"""The last line of defence against record text in logs: a filter that scrubs what looks like content.

The pipeline never logs record text on purpose: its messages hold counts, keys and reasons, and input
errors are re-raised as a type plus a location. What remains is text other libraries put into their
messages (sqlite3 quoting a row it could not decode, pydantic's ``input_value=``, a ``repr`` of bytes, a
``KeyError`` on an email). This filter rewrites every log record that passes a handler it is installed
on: e-mail addresses, long digit runs (cards, phones, accounts), byte literals, quoted strings longer
than a word or two, and the exception text that comes with the record. It is installed for task logs
(stdlib handlers and Airflow's structlog chain) and for the ``curate`` CLI; it is a net, not a licence.
"""

from __future__ import annotations

import logging
import re
from typing import Any

SCRUBBED = "[scrubbed]"
_PATTERNS = [
    # a library quoting the value it choked on
    (re.compile(r"input_value=.*?(?=, input_type=|\]$|$)", re.MULTILINE), "input_value=" + SCRUBBED),
    (re.compile(r"with text '.*?'(?=$|\s)", re.DOTALL), "with text " + SCRUBBED),
    (re.compile(r"""\bb(['"]).*?(?<!\\)\1""", re.DOTALL), "b'" + SCRUBBED + "'"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # nine or more digits, possibly spaced or dashed: cards, phones, accounts (dates have eight)
    (re.compile(r"(?<![\w-])\+?\d(?:[ .-]?\d){8,}(?!\w)"), "[number]"),
    # quoted text longer than 40 characters, except file paths (tracebacks quote those)
    (re.compile(r"""(['"])(?!/[^'"\n]*\.py\1)[^'"\n]{41,}?\1"""), "'" + SCRUBBED + "'"),
]


def scrub(text: str) -> str:
    """The text with anything that looks like record content replaced."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class _ScrubbedError(Exception):
    """Stands in for a logged exception: same traceback, scrubbed message, no chained causes."""


class ScrubFilter(logging.Filter):
    """Rewrites each record's message and exception text; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template only
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            kind, value, traceback = record.exc_info
            name = kind.__name__ if kind else type(value).__name__
            record.exc_info = (_ScrubbedError, _ScrubbedError(f"{name}: {scrub(str(value))}"), traceback)
            record.exc_text = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = ScrubFilter()


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (default: root) and in structlog's chain, once."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    _install_structlog()


def scrub_event(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: scrub every string in the event, including rendered exceptions."""
    return {key: _scrub_value(value) for key, value in event_dict.items()}


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(v) for v in value)
    if isinstance(value, BaseException):
        return _ScrubbedError(f"{type(value).__name__}: {scrub(str(value))}")
    return value


def _install_structlog() -> None:
    """Airflow 3 task logs go through structlog: scrub right before the renderer (the last processor)."""
    try:
        import structlog
    except ImportError:
        return
    config = structlog.get_config()
    processors = list(config.get("processors", []))
    if not processors or scrub_event in processors:
        return
    processors.insert(len(processors) - 1, scrub_event)
    structlog.configure(processors=processors)
