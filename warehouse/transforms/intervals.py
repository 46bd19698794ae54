"""The best interval covering each change day: the running frontier over score intervals, without a daily grid.

Exploding intervals to days would rebuild the daily table the warehouse avoids storing (tens of millions of
rows at 5,000 models × 5 years). Instead each group's change days become the points and each interval a range
of point positions. A range [lo, hi) is covered exactly by two blocks of length 2^k (k = ⌊log2(hi − lo)⌋), so
each interval writes its rank into two cells of a sparse table; pushing every level down to its children then
leaves, at level 0, the best rank covering each point: O(intervals + points · log points), all in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

_NONE = np.iinfo(np.int64).max


def min_cover(n_points: int, lo: np.ndarray, hi: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each point 0..n_points-1, the least `value` among ranges [lo, hi) covering it (-1 where none)."""
    lo, hi, value = lo.astype(np.int64), hi.astype(np.int64), value.astype(np.int64)
    keep = hi > lo
    lo, hi, value = lo[keep], hi[keep], value[keep]
    if not lo.size:
        return np.full(n_points, -1, dtype=np.int64)
    level = np.frexp(hi - lo)[1].astype(np.int64) - 1  # ⌊log2(length)⌋, exact for integers
    table = np.full((int(level.max()) + 1, n_points), _NONE, dtype=np.int64)
    cells = np.concatenate([level * n_points + lo, level * n_points + hi - (1 << level)])
    np.minimum.at(table.reshape(-1), cells, np.concatenate([value, value]))
    for k in range(table.shape[0] - 1, 0, -1):
        half = 1 << (k - 1)
        np.minimum(table[k - 1], table[k], out=table[k - 1])
        np.minimum(table[k - 1, half:], table[k, :-half], out=table[k - 1, half:])
    return np.where(table[0] == _NONE, -1, table[0])


@dataclass(frozen=True)
class Frontier:
    """One row per (group, lane, change day of the group): the best interval's rank then, -1 where none."""

    group: np.ndarray
    lane: np.ndarray
    day: np.ndarray
    best: np.ndarray


def running_best(
    group: np.ndarray, lane: np.ndarray, lanes: int, start: np.ndarray, end: np.ndarray, rank: np.ndarray
) -> Frontier:
    """Best (least `rank`) interval alive in each lane of each group, on every day some interval of the group
    starts or ends, so all lanes of a group (e.g. open vs closed) are read on the same days.

    Intervals are [start, end) in integer days, end < start meaning still open; groups are 0..n-1, lanes
    0..lanes-1. Points are laid out group by group, each group's lanes one after another.
    """
    group, lane, start, end = (a.astype(np.int64) for a in (group, lane, start, end))
    closes = end >= start
    origin = start.min(initial=0)
    span = int(max(start.max(initial=0), end[closes].max(initial=0)) - origin + 1)
    groups = int(group.max(initial=-1)) + 1
    # Change days marked on a (group × day) grid: a cumulative count numbers them in (group, day) order
    # without sorting — the grid is small (groups × days of history), the intervals are many.
    start_cell = group * span + start - origin
    end_cell = group[closes] * span + end[closes] - origin
    marked = np.zeros(groups * span, dtype=bool)
    marked[start_cell] = True
    marked[end_cell] = True
    number = np.cumsum(marked) - 1
    cells = np.flatnonzero(marked)
    day_group = cells // span
    first = np.searchsorted(day_group, np.arange(groups))  # each group's first change day
    count = np.diff(np.append(first, cells.size))
    # Point (group g, lane l, i-th change day of g) sits at lanes·first[g] + l·count[g] + i.
    base = lanes * first[group] + lane * count[group] - first[group]
    lo = base + number[start_cell]
    hi = base + first[group] + count[group]
    hi[closes] = base[closes] + number[end_cell]
    best = min_cover(lanes * cells.size, lo, hi, rank)
    point_group = np.repeat(np.arange(groups), lanes * count)
    offset = np.arange(lanes * cells.size) - lanes * first[point_group]
    point_day = cells[first[point_group] + offset % count[point_group]] % span + origin
    return Frontier(point_group, offset // count[point_group], point_day, best)


def ranking(score: pl.Series, model: pl.Series) -> np.ndarray:
    """Row numbers by score descending, equal scores by model ascending.

    Scores rarely tie, so a numeric sort does the work and only the tied rows are sorted by name: sorting every
    row on (score, model) would encode all the names.
    """
    values = score.to_numpy()
    order = np.argsort(-values)  # tied rows end up adjacent whatever their order; they are re-sorted below
    ordered = values[order]
    equal = ordered[1:] == ordered[:-1]
    tied = np.zeros(order.size, dtype=bool)
    tied[1:] |= equal
    tied[:-1] |= equal
    if tied.any():
        rows = order[tied]
        by_name = pl.DataFrame({"row": rows, "score": ordered[tied], "model": model.gather(rows)}).sort(
            ["score", "model"], descending=[True, False]
        )
        order[tied] = by_name["row"].to_numpy()
    return order


def best_by_lane(intervals: pl.DataFrame, lanes: int) -> pl.DataFrame:
    """`running_best` over a frame of intervals (g, lane, start, end: dates, end null = open; score, model):
    g, lane, date, model, score of the best interval (highest score, ties to the alphabetically first model;
    nulls where the lane has none)."""
    order = ranking(intervals["score"], intervals["model"])
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    start = intervals["start"].cast(pl.Int32).to_numpy()
    still_open = intervals["end"].is_null().to_numpy()
    end = np.where(still_open, start - 1, intervals["end"].cast(pl.Int32).fill_null(0).to_numpy())
    frontier = running_best(intervals["g"].to_numpy(), intervals["lane"].to_numpy(), lanes, start, end, rank)
    found = frontier.best >= 0
    row = pl.Series(order[np.where(found, frontier.best, 0)] if order.size else [], dtype=pl.UInt32)
    return pl.DataFrame({
        "g": pl.Series(frontier.group, dtype=pl.UInt32), "lane": frontier.lane,
        "date": pl.Series(frontier.day.astype(np.int32)).cast(pl.Date), "found": found,
        "model": intervals["model"].gather(row), "score": intervals["score"].gather(row),
    }).select("g", "lane", "date", *(pl.when("found").then(c).alias(c) for c in ("model", "score")))
