"""HTML pages from Jinja2 templates (``templates/*.html.j2``): server-rendered, every value escaped.

Templates get the URL helpers of :mod:`.urls` as globals and two filters, ``counts`` (a ``{reason:
n}`` mapping as lines) and ``outcome`` (passed / failed / n/a), so no page builds markup in Python.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from support_curation.steward import urls


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("support_curation.steward", "templates"),
        # every template is HTML: escape by default, whatever the file name ends with
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
    )
    env.filters["sorted_items"] = lambda mapping: sorted((mapping or {}).items())
    return env


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` (for this package's pages and for pages other modules add)."""
    return environment().get_template(template).render(**context)


def render_index(storage_uri: str, overview: dict[str, list[dict[str, Any]]]) -> str:
    """The steward's landing page: each dataset's partitions with counts, policy and validation outcome."""
    return render("index.html.j2", storage_uri=storage_uri, overview=overview)


def render_partition(summary: dict[str, Any], reasons: dict[str, dict[str, int]]) -> str:
    """One partition: its manifest's counts, validation suites and quarantine reasons."""
    return render("partition.html.j2", summary=summary, reasons=reasons)
