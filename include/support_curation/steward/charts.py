"""Trend charts over the last days, as geometry for inline SVG (``templates/chart.svg.j2``).

Server-side and dependency-free: the pages load no chart library and make no request of their own.
Each chart is a stacked bar per day; a day without a partition is a gap, not a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from support_curation.layout import partition_day

if TYPE_CHECKING:
    from collections.abc import Mapping

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096", "#d69e2e", "#319795")
WIDTH, HEIGHT = 640, 180
LEFT, BOTTOM, TOP = 44, 22, 8  # room for the y labels, the x labels and the top tick


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str  # the tooltip: day, series and value


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series, color)
    y_max: int = 0
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    empty: bool = True

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM


def days_back(newest: date, days: int) -> list[date]:
    return [newest - timedelta(days=n) for n in range(days - 1, -1, -1)]


def stacked(title: str, days: list[date], series: Mapping[str, Mapping[date, int]]) -> Chart:
    """One stacked bar per day; ``series`` maps a name to its value per day (missing day = gap)."""
    names = [name for name in series if any(series[name].values())]
    chart = Chart(title, legend=[(name, PALETTE[i % len(PALETTE)]) for i, name in enumerate(names)])
    totals = [sum(series[name].get(day, 0) for name in names) for day in days]
    chart.y_max = max(totals, default=0)
    chart.empty = chart.y_max == 0
    slot = (WIDTH - LEFT) / max(len(days), 1)
    scale = (HEIGHT - BOTTOM - TOP) / chart.y_max if chart.y_max else 0.0
    for index, day in enumerate(days):
        x = LEFT + index * slot + slot * 0.15
        y = float(HEIGHT - BOTTOM)
        for name, color in chart.legend:
            value = series[name].get(day, 0)
            if value <= 0:
                continue
            height = value * scale
            y -= height
            chart.bars.append(Bar(x, y, slot * 0.7, height, color, f"{day.isoformat()} {name}: {value}"))
        if index % 7 == 0 or (index == len(days) - 1 and index % 7 > 3):
            chart.x_labels.append((LEFT + index * slot + slot / 2, day.strftime("%m-%d")))
    return chart


def trend_charts(summaries: list[dict[str, Any]], days: int = 30) -> list[Chart]:
    """The stewards' trends: conversations by outcome, exclusions, quarantine, entities redacted.

    ``summaries`` are partition summaries (``queries.partition_summary``); only counted ones plot.
    """
    per_day: dict[date, dict[str, Any]] = {}
    for summary in summaries:
        if summary["counts"]["extracted"] is None or summary.get("counts_from") == "dry run":
            continue  # trends show what was published; a dry run's counts are not the day's outcome
        per_day[partition_day(summary["partition"])] = summary
    if not per_day:
        return []
    window = days_back(max(per_day), days)
    outcome: dict[str, dict[date, int]] = {"published": {}, "excluded": {}, "quarantined": {}}
    excluded: dict[str, dict[date, int]] = {}
    quarantined: dict[str, dict[date, int]] = {}
    entities: dict[str, dict[date, int]] = {}
    for day in window:
        if day not in per_day:
            continue
        counts = per_day[day]["counts"]
        outcome["published"][day] = counts["published"] or 0
        outcome["excluded"][day] = sum(counts["excluded"].values())
        outcome["quarantined"][day] = sum(counts["quarantined"].values())
        for target, values in (
            (excluded, counts["excluded"]),
            (quarantined, counts["quarantined"]),
            (entities, per_day[day]["entities_redacted"]),
        ):
            for name, value in values.items():
                target.setdefault(name, {})[day] = value
    return [
        stacked("Extracted conversations by outcome (bar height = extracted)", window, outcome),
        stacked("Excluded, by reason", window, excluded),
        stacked("Quarantined, by reason", window, quarantined),
        stacked("Entities redacted, by type", window, entities),
    ]
