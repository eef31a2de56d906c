"""The object layout under the output root, in one place.

Every key the platform writes or reads under ``<root>`` is built here, so the training sets, the
quarantine, the review area and the reports cannot drift apart::

    training_sets/<dataset>/dt=YYYY-MM-DD/   part files, subject index, _manifest.json
    quarantine/<dataset>/dt=YYYY-MM-DD/      references and reasons, never content
    review/<dataset>/dt=YYYY-MM-DD/          redacted items waiting for a steward's decision
    reports/<dataset>/dt=YYYY-MM-DD/         validation reports (Data Docs) and summaries
    aggregates/<dataset>/dt=YYYY-MM-DD/      counts by topic x channel x segment, _manifest.json
    audit/<dataset>/dt=YYYY-MM-DD/           representation and risk reports, charts, dataset card
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Area(StrEnum):
    """Top-level folders of the output root, one per kind of content."""

    TRAINING = "training_sets"
    QUARANTINE = "quarantine"
    REVIEW = "review"
    REPORTS = "reports"
    AGGREGATES = "aggregates"  # counts for analysts who need no text, small cells suppressed
    AUDIT = "audit"  # representation and risk reports, charts, dataset cards for auditors


PARTITION_PREFIX = "dt="


def partition_name(day: date | datetime) -> str:
    """``dt=YYYY-MM-DD`` for a day (a datetime's UTC-agnostic calendar date)."""
    as_date = day.date() if isinstance(day, datetime) else day
    return f"{PARTITION_PREFIX}{as_date.isoformat()}"


def is_partition_name(name: str) -> bool:
    return name.startswith(PARTITION_PREFIX)


def partition_day(name: str) -> date:
    """The day of a ``dt=YYYY-MM-DD`` partition name; ValueError for any other name."""
    if not is_partition_name(name):
        raise ValueError("not a partition name")
    return date.fromisoformat(name.removeprefix(PARTITION_PREFIX))


def area_prefix(area: Area, dataset: str) -> str:
    """``<area>/<dataset>/``: where to list one dataset's partitions in one area."""
    return f"{area}/{dataset}/"


def partitions_in(keys: list[str], area: Area, dataset: str) -> dict[str, list[str]]:
    """Group listed keys of one area by their partition folder (``dt=...``), skipping anything else."""
    prefix = area_prefix(area, dataset)
    grouped: dict[str, list[str]] = {}
    for key in keys:
        rest = key.removeprefix(prefix)
        if rest == key or "/" not in rest:
            continue
        partition = rest.split("/", 1)[0]
        if is_partition_name(partition):
            grouped.setdefault(partition, []).append(key)
    return grouped


@dataclass(frozen=True)
class PartitionRef:
    """One partition of one dataset; the keys of everything it owns in every area."""

    dataset: str
    partition: str

    @classmethod
    def for_day(cls, dataset: str, day: date | datetime) -> PartitionRef:
        return cls(dataset, partition_name(day))

    def prefix(self, area: Area) -> str:
        """The partition's folder in an area, without a trailing slash."""
        return f"{area}/{self.dataset}/{self.partition}"

    def key(self, area: Area, name: str) -> str:
        return f"{self.prefix(area)}/{name}"

    @property
    def training(self) -> str:
        return self.prefix(Area.TRAINING)

    @property
    def quarantine(self) -> str:
        return self.prefix(Area.QUARANTINE)

    @property
    def review(self) -> str:
        return self.prefix(Area.REVIEW)

    @property
    def reports(self) -> str:
        return self.prefix(Area.REPORTS)


def training_set_asset_uri(dataset: str) -> str:
    """The Airflow Asset a training set's publications and amendments emit (one URI for every DAG)."""
    return f"curation://{Area.TRAINING}/{dataset}"
