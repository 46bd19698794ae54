"""Sampling intervals on a grid of days: as_of, as_of − step, as_of − 2·step, … (the price index, the frontier).

A daily expansion of 5 years of prices would be millions of rows; each interval instead becomes the run of
grid steps it covers, and a dense (key × step) array keeps the extreme value per cell.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl


def grid(as_of: date, first: date | None, step_days: int) -> pl.DataFrame:
    """Sample days as_of, as_of − step, … back to `first`: column k (steps back) and date."""
    steps = 0 if first is None or first > as_of else (as_of - first).days // step_days
    return pl.DataFrame({"k": range(steps + 1)}, schema={"k": pl.Int64}).with_columns(
        date=pl.lit(as_of) - pl.duration(days=pl.col("k") * step_days)
    )


def extreme_on_grid(
    intervals: pl.DataFrame, key: str, value: str, days: pl.DataFrame, step_days: int, largest: bool
) -> pl.DataFrame:
    """Per `key` and grid step k of `days` (from `grid`): the least (or largest) `value` among the key's
    intervals [start, end) covering that day (end null = still true). Returns key, k, value."""
    steps = days.height
    if not intervals.height or not steps:
        return pl.DataFrame(schema={key: intervals.schema[key], "k": pl.Int64, value: pl.Float64})
    as_of = days["date"][0]
    names = intervals[key].unique().sort()
    code = (intervals[key].rank("dense") - 1).cast(pl.Int64).to_numpy()
    back_to_start = (as_of - intervals["start"]).dt.total_days().to_numpy()
    back_to_end = (as_of - intervals["end"]).dt.total_days().fill_null(-step_days).to_numpy()
    first = np.maximum(back_to_end // step_days + 1, 0)  # end is exclusive: a step on the end day is not covered
    last = np.minimum(back_to_start // step_days, steps - 1)
    runs = np.maximum(last - first + 1, 0)
    which = np.repeat(np.arange(runs.size), runs)
    k = first[which] + np.arange(which.size) - np.repeat(np.cumsum(runs) - runs, runs)
    empty = -np.inf if largest else np.inf
    cells = np.full(names.len() * steps, empty)
    (np.maximum if largest else np.minimum).at(cells, code[which] * steps + k, intervals[value].to_numpy()[which])
    filled = np.flatnonzero(cells != empty)
    return pl.DataFrame({
        key: names.gather(pl.Series(filled // steps, dtype=pl.UInt32)), "k": filled % steps, value: cells[filled],
    })
