"""Workers have no network: building the engine and redacting must never open a connection
(Presidio's tldextract would fetch a suffix list; spaCy models must be installed, not downloaded)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from support_curation.redaction.policy import load_redaction_policy
from support_curation.redaction.redactor import Redactor

if TYPE_CHECKING:
    import pytest


def test_engine_builds_and_redacts_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    redactor = Redactor(load_redaction_policy())  # a fresh engine, built under the block
    text = "I'm Ottoline Brackenbury, mail ottoline@example.co.uk or visit x.org"
    result = redactor.redact_conversation([{"role": "customer", "content": text}])
    assert "ottoline@" not in result.messages[0]["content"]


def test_import_builds_nothing() -> None:
    assert Redactor(load_redaction_policy())._engine is None  # built lazily, on first use
