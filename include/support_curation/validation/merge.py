"""The results of one suite over many chunk frames, merged into what one run over the whole interval says.

Each expectation type has a merge rule (:data:`MERGE_RULES`); a type without one is refused, so a new
expectation cannot be merged wrongly by default:

- ``SUM``: map expectations (a yes/no per row). ``element_count``, ``unexpected_count`` and
  ``missing_count`` add up over chunks; the verdict is re-decided on the sums with GX's own ``mostly``
  rule and the result rebuilt with GX's own formatter, so a ``mostly`` that every chunk passes but the
  interval fails (or the reverse) is decided as one run would decide it.
- ``EVERY``: a property of each chunk frame (a column exists): it holds if it holds in every chunk.
- ``INTERVAL``: only the whole interval knows (uniqueness of record ids, the row count). The chunk
  results are dropped; GX's result on the interval frame (:mod:`seen_values`) takes their place.

Merged results carry counts only: they are built from counts, never from a chunk's value lists.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

SUM = "sum"
EVERY = "every"
INTERVAL = "interval"
MERGE_RULES: dict[str, str] = {
    "expect_column_values_to_not_be_null": SUM,
    "expect_column_values_to_be_in_set": SUM,
    "expect_column_values_to_be_between": SUM,
    "expect_column_to_exist": EVERY,
    "expect_column_values_to_be_unique": INTERVAL,
    "expect_table_row_count_to_be_between": INTERVAL,
}


class UnmergeableExpectation(ValueError):
    """An expectation type without a merge rule: say how chunks combine before using it."""


def merge_rule(expectation_type: str) -> str:
    try:
        return MERGE_RULES[expectation_type]
    except KeyError:
        raise UnmergeableExpectation(f"no chunk merge rule for {expectation_type}") from None


def _config(item: dict[str, Any]) -> dict[str, Any]:
    return item.get("expectation_config") or {}


def result_keys(suite_result: dict[str, Any]) -> list[tuple[str, str, int]]:
    """A key per result: type, configuration (without the batch), and which occurrence of the pair."""
    seen: dict[tuple[str, str], int] = {}
    keys = []
    for item in suite_result.get("results") or []:
        config = _config(item)
        kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
        pair = (str(config.get("type")), json.dumps(kwargs, sort_keys=True, default=str))
        seen[pair] = seen.get(pair, 0) + 1
        keys.append((*pair, seen[pair]))
    return keys


def _raised(item: dict[str, Any]) -> bool:
    return bool((item.get("exception_info") or {}).get("raised_exception"))


class _Tally:
    """One expectation's results over the chunks so far."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.item = item  # the first chunk's: configuration, and the shape of the result
        self.rule = merge_rule(str(_config(item).get("type")))
        self.every = True
        self.failed: dict[str, Any] | None = None  # the first result whose evaluation raised
        self.element = 0
        self.unexpected: int | None = 0
        self.missing: int | None = 0  # None: GX does not count missing values for this type

    def add(self, item: dict[str, Any]) -> None:
        if _raised(item):
            self.failed = self.failed or item
            return
        self.every &= bool(item.get("success"))
        result = item.get("result") or {}
        self.element += int(result.get("element_count") or 0)
        unexpected = result.get("unexpected_count")
        self.unexpected = (
            None if unexpected is None or self.unexpected is None else self.unexpected + unexpected
        )
        missing = result.get("missing_count")
        self.missing = None if missing is None or self.missing is None else self.missing + missing

    def merged(self) -> dict[str, Any]:
        if self.failed is not None:  # as one run would: that expectation raised, and it fails
            return self.failed
        if self.rule == EVERY:
            return self.item | {"success": self.every}
        return self.item | _summed(self.item, self.element, self.unexpected, self.missing)


def _summed(
    item: dict[str, Any], element: int, unexpected: int | None, missing: int | None
) -> dict[str, Any]:
    """A map expectation decided on the interval's counts, the way GX's ``_validate`` decides it."""
    from great_expectations.expectations.expectation import _format_map_output, _mostly_success
    from great_expectations.expectations.expectation_configuration import parse_result_format

    from support_curation.validation.gx_runtime import RESULT_FORMAT

    mostly = float((_config(item).get("kwargs") or {}).get("mostly", 1.0))
    nonnull = None if missing is None else element - missing
    considered = element if nonnull is None else nonnull  # not_be_null counts nulls as unexpected
    if unexpected is None or element == 0 or considered == 0:
        success = True  # vacuously, as GX decides an empty batch
    else:
        success = _mostly_success(considered, unexpected, mostly)
    formatted = _format_map_output(
        result_format=parse_result_format(RESULT_FORMAT),
        success=success,
        element_count=element,
        nonnull_count=nonnull,
        unexpected_count=unexpected,
    )
    return {"success": success, "result": formatted.get("result", {})}


class SuiteMerger:
    """Folds one suite's chunk results (GX's ``to_json_dict``) into one result of the same shape."""

    def __init__(self) -> None:
        self.first: dict[str, Any] | None = None
        self.keys: list[tuple[str, str, int]] = []
        self.tallies: dict[tuple[str, str, int], _Tally] = {}
        self.chunks = 0

    def add(self, suite_result: dict[str, Any]) -> None:
        keys = result_keys(suite_result)
        if self.first is None:
            self.first, self.keys = suite_result, keys
            self.tallies = {
                key: _Tally(item) for key, item in zip(keys, suite_result["results"], strict=True)
            }
        elif set(keys) != set(self.keys):
            raise ValueError("chunk results of one suite must hold the same expectations")
        for key, item in zip(keys, suite_result["results"], strict=True):
            self.tallies[key].add(item)
        self.chunks += 1

    def interval_keys(self) -> list[tuple[str, str, int]]:
        return [key for key in self.keys if self.tallies[key].rule == INTERVAL]

    def result(self, interval_result: dict[str, Any] | None = None) -> dict[str, Any]:
        """The merged result, in the order GX reported the chunks'; INTERVAL ones from ``interval_result``."""
        from great_expectations.validator.validation_statistics import calc_validation_statistics

        if self.first is None:
            raise ValueError("no chunk result to merge")
        whole = (
            dict(zip(result_keys(interval_result), interval_result["results"], strict=True))
            if interval_result
            else {}
        )
        results = []
        for key in self.keys:
            tally = self.tallies[key]
            if tally.rule == INTERVAL:
                if key not in whole:
                    raise ValueError(f"no interval result for {key[0]}")
                results.append(whole[key] | {"expectation_config": tally.item["expectation_config"]})
            else:
                results.append(tally.merged())
        stats = calc_validation_statistics([SimpleNamespace(success=bool(r.get("success"))) for r in results])  # type: ignore[misc]
        meta = dict(self.first.get("meta") or {})
        meta["batch_markers"] = {}  # the first chunk's fingerprint would describe that chunk only
        meta["chunks"] = self.chunks
        return self.first | {
            "success": stats.success,
            "results": results,
            "statistics": {
                "evaluated_expectations": stats.evaluated_expectations,
                "successful_expectations": stats.successful_expectations,
                "unsuccessful_expectations": stats.unsuccessful_expectations,
                "success_percent": stats.success_percent,
            },
            "meta": meta,
        }
