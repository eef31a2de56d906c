"""Redaction: Presidio with the project's recognizers, conversation-aware, consistent placeholders.

redactor = get_redactor()            # once per process; models load on first use
result = redactor.redact_conversation(messages, known_identifiers={"PERSON": [...], ...})

Rooms: ``policy`` (the YAML), ``engine`` (Presidio and spaCy set-up), ``recognizers/`` (one per file;
reference numbers from one table), ``analysis`` (one turn: recognizers, NER gate, NER), ``known``,
``answers``, ``propagation`` (the conversation), ``values`` (how a value is keyed and searched),
``placeholders``, ``topics``, ``frequency`` (word-frequency cut-offs), ``names`` (the gazetteer),
``redactor`` (the steps in order, with the per-turn cache), ``batch`` (``curate redact``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from support_curation.redaction.policy import load_redaction_policy
from support_curation.redaction.redactor import RedactionResult, Redactor

__all__ = ["RedactionResult", "Redactor", "get_redactor"]


@lru_cache(maxsize=4)
def _cached(path: str | None) -> Redactor:
    return Redactor(load_redaction_policy(path))


def get_redactor(policy_path: Path | str | None = None) -> Redactor:
    """The process's redactor for a policy file (default: the shipped ``redaction_v1.yaml``)."""
    return _cached(str(Path(policy_path).resolve()) if policy_path else None)
