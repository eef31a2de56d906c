"""The values of one column across every chunk of an interval, as 64-bit hashes (8 bytes a row).

Chunked validation needs two things only the whole interval knows: which record ids occur more than
once, and a frame on which GX can check uniqueness and the row count for the whole interval. Keeping
the ids themselves would grow with the day (about 100 bytes an id in pandas); a hash keeps 8.

Equal values have equal hashes, so no repeat is missed. Two different values can share a hash (at a
million ids the chance is about 3e-8): that reads as a repeat, and validation fails closed.
Labels are strings in the validation frame (``frame._label``), so hashing them as such loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from numpy.typing import NDArray


def value_hashes(values: pd.Series) -> NDArray[np.uint64]:
    """The hash of each non-null value (pandas' stable ``hash_pandas_object``, without the index)."""
    present = values.dropna()
    return pd.util.hash_pandas_object(present, index=False).to_numpy(dtype=np.uint64)


class SeenValues:
    """Hashes of the values added so far, kept as a few sorted runs (merged as they grow).

    Membership is a binary search per run; runs are merged when the newest is at least half the size
    of the one before it, so there are O(log n) of them and each hash is re-sorted O(log n) times.
    """

    def __init__(self) -> None:
        self._runs: list[NDArray[np.uint64]] = []
        self.nulls = 0

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs) + self.nulls

    def _seen(self, hashes: NDArray[np.uint64]) -> NDArray[np.bool_]:
        found = np.zeros(len(hashes), dtype=bool)
        for run in self._runs:
            at = np.searchsorted(run, hashes).clip(max=len(run) - 1)
            found |= run[at] == hashes
        return found

    def add(self, values: pd.Series) -> set[str]:
        """Add one chunk's values; returns those that occurred in an earlier chunk (as strings)."""
        hashes = value_hashes(values)
        present = values.dropna()
        self.nulls += len(values) - len(present)
        repeated = {str(v) for v in present[self._seen(hashes)]} if self._runs and len(hashes) else set()
        if len(hashes):
            self._runs.append(np.sort(hashes))
        while len(self._runs) > 1 and 2 * len(self._runs[-1]) >= len(self._runs[-2]):
            last = self._runs.pop()
            self._runs[-1] = np.sort(np.concatenate([self._runs[-1], last]))
        return repeated

    def take_column(self) -> pd.Series:
        """Every value's hash (unordered), nulls as nulls: the column GX checks for the whole interval.

        Taken, not copied: the runs are released (no two copies of the hashes at the end of a run).
        """
        runs, self._runs = self._runs, []
        nulls, self.nulls = self.nulls, 0
        hashes = np.concatenate([*runs, np.zeros(nulls, dtype=np.uint64)])
        del runs
        missing = np.zeros(len(hashes), dtype=bool)
        missing[len(hashes) - nulls :] = True
        return pd.Series(pd.arrays.IntegerArray(hashes, missing))
