"""HTML pages from Jinja2 templates (``templates/*.html.j2``): server-rendered, every value escaped.

Templates get the URL helpers of :mod:`.urls`, the reason glossary and a ``sorted_items`` filter as
globals, so no page builds markup in Python. Charts are inline SVG (``macros.html.j2``, from
:mod:`.charts` geometry): the pages load nothing but the app's own stylesheet.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from support_curation.steward import glossary, urls

if TYPE_CHECKING:
    from support_curation.steward.charts import Chart


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("support_curation.steward", "templates"),
        # every template is HTML (or SVG inside HTML): escape by default, whatever the file name ends with
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a typo in a template fails the page instead of showing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        index_url=urls.index_url,
        partition_url=urls.partition_url,
        report_url=urls.report_url,
        run_url=urls.run_url,
        static_url=urls.static_url,
        explain=glossary.explain,
    )
    env.filters["sorted_items"] = lambda mapping: sorted((mapping or {}).items())
    env.filters["when"] = _when
    return env


def _when(iso: str | None) -> str:
    """An ISO timestamp as stewards read it: ``2024-06-03 01:02 UTC``; a dash when unknown."""
    if not iso:
        return "—"
    try:
        moment = datetime.fromisoformat(iso).astimezone(UTC)
    except ValueError:
        return iso
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` (for this package's pages and for pages other modules add)."""
    return environment().get_template(template).render(**context)


def render_index(
    storage_uri: str,
    overview: dict[str, list[dict[str, Any]]],
    charts: dict[str, list[Chart]] | None = None,
) -> str:
    """The landing page: each dataset's partitions (state, reconciled counts, runs), trends, glossary."""
    seen = {
        reason
        for rows in overview.values()
        for row in rows
        for area in ("excluded", "quarantined")
        for reason in row["counts"][area]
    }
    shown = {glossary.explain(reason) for reason in seen}
    return render(
        "index.html.j2",
        storage_uri=storage_uri,
        overview=overview,
        charts={dataset: (charts or {}).get(dataset, []) for dataset in overview},
        glossary=sorted(glossary.GLOSSARY.items()),
        seen_reasons={r for r, entry in glossary.GLOSSARY.items() if entry in shown or r in seen},
    )


def render_partition(summary: dict[str, Any], reasons: dict[str, dict[str, int]]) -> str:
    """One partition: state, reconciliation, runs, manifest counts, validation suites, quarantine reasons."""
    return render("partition.html.j2", summary=summary, reasons=reasons)


def render_report(report: dict[str, Any]) -> str:
    """A run's validation report: the suites with their outcome and links to each suite's page."""
    return render("report.html.j2", report=report, suite_url=functools.partial(_suite_url, report))


def render_suite(report: dict[str, Any], name: str) -> str:
    """One suite of a validation report: every expectation with its outcome and counts."""
    index = urls.report_url(report["dataset"], report["partition"], dry_run=report["dry_run"])
    return render("suite.html.j2", report=report, name=name, suite=report["suites"][name], report_index=index)


def _suite_url(report: dict[str, Any], name: str) -> str:
    return urls.suite_url(report["dataset"], report["partition"], name, dry_run=report["dry_run"])
