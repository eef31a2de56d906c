"""One GX runtime: an ephemeral context with the suites, run over frame after frame.

Built once per validation, so a run over many chunk frames pays GX's set-up once; each ``run`` hands
GX a new dataframe and returns the per-suite results as GX serialises them. :class:`SuiteRunner` runs a
checkpoint (and can build the Data Docs site); :class:`ChunkRunner` runs the same suites with GX's
validator straight on the frame, for the many chunk frames of one validation.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import pandas as pd
    from great_expectations import ExpectationSuite
    from great_expectations.checkpoint.actions import ValidationAction

# Counts and percentages only: GX must never copy failing values into a result or a report.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
SITE_NAME = "curation_reports"
DATASOURCE = "curation"
ASSET = "curated_records"


def _context(report_dir: Path | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is imported: no network
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if report_dir is not None:
        # GX's TypedDict for site configs lacks keys the SiteBuilder accepts (show_how_to_buttons)
        site_config: Any = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(report_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        context.add_data_docs_site(site_name=SITE_NAME, site_config=site_config)
    return context


class SuiteRunner:
    """The suites in a fresh in-memory GX context (no state across intervals or worker processes).

    With ``report_dir`` each run also updates a local Data Docs site there (for stewards and tests);
    without it no site is built, which is what a run over many chunks wants.
    """

    def __init__(self, suites: Sequence[ExpectationSuite], *, report_dir: Path | None = None) -> None:
        import great_expectations as gx
        from great_expectations.checkpoint import UpdateDataDocsAction

        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
        self.context = _context(report_dir)
        batch = (
            self.context.data_sources.add_pandas(DATASOURCE)
            .add_dataframe_asset(ASSET)
            .add_batch_definition_whole_dataframe("batch")
        )
        definitions = [
            self.context.validation_definitions.add(
                gx.ValidationDefinition(name=suite.name, data=batch, suite=self.context.suites.add(suite))
            )
            for suite in suites
        ]
        actions: list[ValidationAction] = (
            [UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])] if report_dir else []
        )
        self.checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name="curated_batch",
                validation_definitions=definitions,
                result_format=RESULT_FORMAT,
                actions=actions,
            )
        )
        self.suite_names = tuple(suite.name for suite in suites)

    def run(self, frame: pd.DataFrame, run_name: str) -> dict[str, dict[str, Any]]:
        """Suite name -> its validation result as GX serialises it (``to_json_dict``)."""
        from great_expectations.core.run_identifier import RunIdentifier

        result = self.checkpoint.run(
            batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name)
        )
        by_suite = {r.suite_name: r for r in result.run_results.values()}
        return {name: by_suite[name].to_json_dict() for name in self.suite_names}


class ChunkRunner:
    """The suites straight through GX's validator, one batch per frame: what a checkpoint run computes,
    without its per-run bookkeeping.

    A checkpoint run checks that the checkpoint, every validation definition and suite are unchanged in
    the context's stores, loads the frame as a batch once per suite and stores every result in the
    context: ~0.6 CPU s per frame, a third of it bookkeeping, paid by every chunk of a million-record
    day. Here each frame is one batch, the four suites are validated on it by
    ``Validator.validate_expectation_suite`` (the call ``ValidationDefinition.run`` makes), and nothing
    is stored, so memory does not grow with the chunks. The results are the same: configurations,
    results, statistics; ``meta`` carries the run id and time as a checkpoint's does, no checkpoint id.
    """

    def __init__(self, suites: Sequence[ExpectationSuite]) -> None:
        self.context = _context(None)
        self.batch = (
            self.context.data_sources.add_pandas(DATASOURCE)
            .add_dataframe_asset(ASSET)
            .add_batch_definition_whole_dataframe("batch")
        )
        self.suites = [self.context.suites.add(suite) for suite in suites]
        self.suite_names = tuple(suite.name for suite in self.suites)

    def run(self, frame: pd.DataFrame, run_name: str) -> dict[str, dict[str, Any]]:
        """Suite name -> its validation result as GX serialises it (``to_json_dict``)."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.validator.v1_validator import Validator

        validator = Validator(self.batch, result_format=RESULT_FORMAT, batch_parameters={"dataframe": frame})
        run_id = RunIdentifier(run_name=run_name)
        results = {}
        for suite in self.suites:
            result = validator.validate_expectation_suite(suite)
            result.meta["run_id"] = run_id
            result.meta["validation_time"] = run_id.run_time
            results[suite.name] = result.to_json_dict()
        return results
