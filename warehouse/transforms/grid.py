"""Sampling intervals on a grid of days: the as-of day, then every step-th day since a fixed epoch (the price
index, the frontier, the top N over time).

A daily expansion of 5 years of prices would be millions of rows; each interval instead becomes the run of
grid days it covers, and a dense (key × day) array keeps the extreme value per cell. The grid days are fixed
dates (Sundays for a weekly step), not counted back from the as-of day: a new day then adds the grid days it
reaches and moves the as-of row, and every older row stays as it was (what lets the derive stage extend the
tables instead of recomputing their history).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

EPOCH = date(2000, 1, 2)  # a Sunday: a 7-day grid samples Sundays, the end of each week


def last_grid_day(day: date, step_days: int) -> date:
    """The newest fixed grid day on or before `day`."""
    return day - timedelta(days=(day - EPOCH).days % step_days)


def grid(as_of: date, first: date | None, step_days: int) -> pl.DataFrame:
    """Sample days: `as_of`, then every fixed grid day before it (`last_grid_day`, then one step earlier each
    time) back to `first`. Columns k (0 for `as_of`, then 1, 2, … going back) and date."""
    days = [as_of]
    if first is not None and first <= as_of:
        day = last_grid_day(as_of, step_days)
        if day == as_of:
            day -= timedelta(days=step_days)
        while day >= first:
            days.append(day)
            day -= timedelta(days=step_days)
    return pl.DataFrame({"k": range(len(days)), "date": days}, schema={"k": pl.Int64, "date": pl.Date})


def covering(days: pl.DataFrame, start: pl.Series, end: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which grid days each interval [start, end) covers (end null = still true): parallel arrays of interval
    index and grid k, one entry per covered day."""
    ordered = days.sort("date")
    dates = ordered["date"].cast(pl.Int32).to_numpy()
    ks = ordered["k"].to_numpy()
    lo = np.searchsorted(dates, start.cast(pl.Int32).to_numpy(), side="left")
    hi = np.searchsorted(dates, end.cast(pl.Int32).fill_null(np.iinfo(np.int32).max).to_numpy(), side="left")
    runs = np.maximum(hi - lo, 0)
    which = np.repeat(np.arange(runs.size), runs)
    position = lo[which] + np.arange(which.size) - np.repeat(np.cumsum(runs) - runs, runs)
    return which, ks[position].astype(np.int64)


def extreme_on_grid(intervals: pl.DataFrame, key: str, value: str, days: pl.DataFrame, largest: bool
                    ) -> pl.DataFrame:
    """Per `key` and grid day k of `days` (from `grid`): the least (or largest) `value` among the key's
    intervals [start, end) covering that day (end null = still true). Returns key, k, value."""
    steps = days.height
    if not intervals.height or not steps:
        return pl.DataFrame(schema={key: intervals.schema[key], "k": pl.Int64, value: pl.Float64})
    names = intervals[key].unique().sort()
    code = (intervals[key].rank("dense") - 1).cast(pl.Int64).to_numpy()
    which, k = covering(days, intervals["start"], intervals["end"])
    empty = -np.inf if largest else np.inf
    cells = np.full(names.len() * steps, empty)
    (np.maximum if largest else np.minimum).at(cells, code[which] * steps + k, intervals[value].to_numpy()[which])
    filled = np.flatnonzero(cells != empty)
    return pl.DataFrame({
        key: names.gather(pl.Series(filled // steps, dtype=pl.UInt32)), "k": filled % steps, value: cells[filled],
    })
