"""The warm redaction worker's preload: what a redact task would load is loaded, and a fork inherits it.

Checked in a fresh interpreter, as a worker starts: in the test process other tests have already used the
shared redactor and the gate, so its caches would not be empty whatever the preload does."""

from __future__ import annotations

import os
import subprocess
import sys


def test_preload_loads_the_redactor_and_gate_models_a_forked_task_reuses() -> None:
    from support_curation.config import DEMO_HMAC_KEY

    env = os.environ | {"CURATION_DEMO": "1", "CURATION_HMAC_KEY": DEMO_HMAC_KEY}
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "preloaded"  # after any log line of the imports


def test_the_default_workers_preload_imports_what_validate_and_publish_import() -> None:
    code = (
        "import sys\n"
        "from support_curation.devenv import celery_config\n"
        "celery_config.preload_single_tasks()\n"
        "wanted = ('great_expectations', 'support_curation.pipeline', 'support_curation.audit.publication')\n"
        "print(sorted(set(wanted) - set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "[]"


def _check_in_this_process() -> None:
    from support_curation.config import Settings, load_policy
    from support_curation.devenv import celery_config
    from support_curation.redaction import get_redactor
    from support_curation.validation import names

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
    print("preloaded")


if __name__ == "__main__":
    _check_in_this_process()
