"""The best interval covering each point: the running frontier over score intervals, without a daily grid.

Exploding intervals to days would rebuild the daily table the warehouse avoids storing (tens of millions of
rows at 5,000 models × 5 years). Instead the points are the groups' change dates, each interval becomes a range
of point positions, and a segment tree, filled with numpy one tree level at a time for all intervals at
once, gives every point the best-ranked interval covering it in O((intervals + points) · log points).
"""

from __future__ import annotations

import numpy as np
import polars as pl

_NONE = np.iinfo(np.int64).max


def min_cover(n_points: int, lo: np.ndarray, hi: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each point 0..n_points-1, the least `value` among ranges [lo, hi) covering it (-1 where none)."""
    size = 1 << max(1, (n_points - 1).bit_length())
    tree = np.full(2 * size, _NONE, dtype=np.int64)
    lo, hi, value = lo.astype(np.int64) + size, hi.astype(np.int64) + size, value.astype(np.int64)
    nodes, values = [], []
    while lo.size:
        active = lo < hi
        lo, hi, value = lo[active], hi[active], value[active]
        left = (lo & 1).astype(bool)
        nodes.append(lo[left])
        values.append(value[left])
        lo = lo + left
        right = (hi & 1).astype(bool)
        hi = hi - right
        nodes.append(hi[right])
        values.append(value[right])
        lo, hi = lo >> 1, hi >> 1
    if nodes:
        np.minimum.at(tree, np.concatenate(nodes), np.concatenate(values))
    idx = np.arange(n_points, dtype=np.int64) + size
    best = tree[idx]
    for _ in range(size.bit_length() - 1):
        idx >>= 1
        best = np.minimum(best, tree[idx])
    return np.where(best == _NONE, -1, best)


def best_at_points(points: pl.DataFrame, intervals: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`points` (keys, date) with the best interval alive at each: best_model, best_score (null where none).

    `intervals` has keys, start, end (null = still open), score, model; every start and end must be one of its
    group's points. Best = highest score; a tie goes to the alphabetically first model, so results are stable.
    """
    pts = points.sort([*keys, "date"]).with_row_index("pos")
    group_end = pts.group_by(keys).agg((pl.col("pos").max() + 1).alias("group_end"))
    ranked = intervals.sort(["score", "model"], descending=[True, False]).with_row_index("rank")
    located = (
        ranked.join(pts.select(*keys, pl.col("date").alias("start"), pl.col("pos").alias("lo")), on=[*keys, "start"])
        .join(pts.select(*keys, pl.col("date").alias("end"), pl.col("pos").alias("hi")), on=[*keys, "end"],
              how="left")
        .join(group_end, on=keys)
        .select("rank", "lo", pl.coalesce("hi", "group_end").alias("hi"))
    )
    best = min_cover(pts.height, located["lo"].to_numpy(), located["hi"].to_numpy(), located["rank"].to_numpy())
    winners = ranked.select(pl.col("rank").cast(pl.Int64), pl.col("model").alias("best_model"),
                            pl.col("score").alias("best_score"))
    return (
        pts.with_columns(pl.Series("rank", best, dtype=pl.Int64))
        .join(winners, on="rank", how="left")
        .drop("pos", "rank")
    )
