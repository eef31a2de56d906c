"""Runs of the curation DAG as the steward pages need them, whoever looks them up.

The package knows no Airflow here: the plugin implements :class:`RunSource` over the metadata database
(DagRun, TaskInstance) and passes it to the app; tests pass a dictionary-backed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    from datetime import datetime

RUNNING_STATES = frozenset({"queued", "running"})
FAILED_STATES = frozenset({"failed"})


@dataclass(frozen=True)
class RunInfo:
    """One DAG run: what it curates, where it stands, which tasks failed or are still at work."""

    dag_id: str
    run_id: str
    partition: str
    state: str  # the DagRun state: queued | running | success | failed
    dry_run: bool = False
    failed_tasks: tuple[str, ...] = ()
    active_tasks: tuple[str, ...] = ()  # "extract (up_for_retry)" while it waits to retry
    start: datetime | None = None
    end: datetime | None = None

    @property
    def url(self) -> str:
        """The run in the Airflow UI (its grid, logs and the Validation report tab)."""
        return f"/dags/{quote(self.dag_id, safe='')}/runs/{quote(self.run_id, safe='')}"

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def failed(self) -> bool:
        return self.state in FAILED_STATES


class RunSource(Protocol):
    """Where the app finds runs: the plugin reads Airflow's metadata database."""

    def partition_for_run(self, dag_id: str, run_id: str) -> str | None:
        """The partition a run curates; None for a run of another DAG or an unknown run."""
        ...

    def latest_runs(self, partitions: list[str]) -> dict[str, RunInfo]:
        """The latest run of each partition (by when it was queued); partitions without runs are absent."""
        ...

    def run(self, dag_id: str, run_id: str) -> RunInfo | None: ...
