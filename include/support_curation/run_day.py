"""Which day a run curates, said once, for the DAG, the run note and the steward pages.

A scheduled or backfilled run covers its data interval ``[day, day + 1)``, and its logical date is that
day. A manual Single Run has a logical date too, but Airflow infers its interval as the one that
*ended* at that date, so "logical date Dec 02" curates Dec 01. The DAG's ``day`` param removes the
guesswork: when set, the run curates exactly that day, whatever its logical date, so a dry run of an
already published day needs no logical date of its own (and cannot collide with the day's run).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from support_curation.layout import partition_name

if TYPE_CHECKING:
    from collections.abc import Mapping


def curated_day(day_param: str | date | None, interval_start: datetime | None) -> date | None:
    """The ``day`` param when set, else the day of the data interval's start; None when neither."""
    if isinstance(day_param, date):
        return day_param
    if day_param:
        return date.fromisoformat(str(day_param).strip()[:10])
    return interval_start.astimezone(UTC).date() if interval_start is not None else None


def day_interval(day: date) -> tuple[datetime, datetime]:
    """``[day 00:00 UTC, next day 00:00 UTC)``: the interval a run of ``day`` curates."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def is_dry_run(conf: Mapping[str, Any] | None) -> bool:
    """A run's conf says dry run when it sets ``publish`` to false (the DAG's default publishes)."""
    return (conf or {}).get("publish", True) is False


def run_note(day: date | None, *, dry_run: bool) -> str:
    """The note a run of the curation DAG carries in the UI: the day it curates, and whether it publishes."""
    if day is None:
        return "Curates no day: trigger with a logical date or set the `day` param."
    start, end = day_interval(day)
    what = "dry run: validates and reports, publishes nothing" if dry_run else "publishes"
    span = f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
    return f"Curates {partition_name(day)} (data from {span}); {what}."
