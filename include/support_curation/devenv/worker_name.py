"""``[core] hostname_callable`` of the local Celery workers: ``<worker>@<host>``.

Every worker of the local deployment runs on this one machine, so the host name alone cannot tell which
worker ran a task. Each worker process gets ``CURATION_WORKER_NAME`` (its ``--celery-hostname`` prefix);
task instances then record ``redaction-1@host`` as their hostname, in the UI and the REST API alike.
"""

from __future__ import annotations

import os
import socket


def hostname() -> str:
    host = socket.getfqdn()
    name = os.environ.get("CURATION_WORKER_NAME")
    return f"{name}@{host}" if name else host
