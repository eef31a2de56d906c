"""The warm redaction worker's preload: what a redact task would load is loaded, and a fork inherits it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def test_preload_loads_the_redactor_and_gate_models_a_forked_task_reuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from support_curation.config import DEMO_HMAC_KEY, Settings, load_policy
    from support_curation.devenv import celery_config
    from support_curation.redaction import get_redactor
    from support_curation.validation import names

    monkeypatch.setenv("CURATION_DEMO", "1")
    monkeypatch.setenv("CURATION_HMAC_KEY", DEMO_HMAC_KEY)
    celery_config.preload_redaction()
    path = load_policy(Settings().policy_path).redaction_policy_path
    redactor = get_redactor(path)  # the redact task's call: the preloaded object
    assert redactor._engine is not None
    assert names._nlp.cache_info().currsize == 1
    # no look-up cache filled: the task redacts from the state it would have built itself
    assert not redactor._cache
    assert names.zipf.cache_info().currsize == 0
    assert names.foreign_zipf.cache_info().currsize == 0

    read, write = os.pipe()
    pid = os.fork()  # as the task SDK's supervisor starts a task process
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        ok = get_redactor(path) is redactor and redactor._engine is not None
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
