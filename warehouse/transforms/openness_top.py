"""Openness of the top models over time: on the main board of one capability, how many of the best `top_n`
models were of each openness class, on a grid of days (the Licences page's stacked area).

Precomputed here because the reader's obvious query (rank every model at every date a standing changed) joins
every change date with every score interval: seconds and hundreds of MiB on a five-year warehouse. On a grid,
each interval expands only into the steps it covers (as `grid.extreme_on_grid` does), then one sort ranks them.
A model's class is its current one (as everywhere in the transforms): a licence change re-labels its past too.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from warehouse.transforms.gap import headline_boards

SCHEMA = {"capability": pl.String, "board": pl.String, "date": pl.Date, "openness": pl.String, "models": pl.Int64}


def openness_of_top(scored: pl.DataFrame, days: pl.DataFrame, step_days: int, priority: list[str],
                    capability: str, top_n: int) -> pl.DataFrame:
    """Per grid day of `days` (from `grid.grid`): openness class → number of models among the top `top_n` of
    the capability's headline board. `scored` comes from `scores.comparable_scores`."""
    if not scored.height or not days.height:
        return pl.DataFrame(schema=SCHEMA)
    as_of = days["date"][0]
    boards = headline_boards(scored, as_of, priority).filter(pl.col("capability") == capability)
    if not boards.height:
        return pl.DataFrame(schema=SCHEMA)
    board = boards["board"][0]
    # Best first: the expansion below keeps this order within each day, so no sort over the expanded rows.
    intervals = scored.filter((pl.col("capability") == capability) & (pl.col("board") == board)).sort(
        ["score", "model"], descending=[True, False])
    steps = days.height
    back_to_start = (as_of - intervals["start"]).dt.total_days().to_numpy()
    back_to_end = (as_of - intervals["end"]).dt.total_days().fill_null(-step_days).to_numpy()
    first = np.maximum(back_to_end // step_days + 1, 0)  # end is exclusive
    last = np.minimum(back_to_start // step_days, steps - 1)
    runs = np.maximum(last - first + 1, 0)
    which = np.repeat(np.arange(runs.size), runs)
    k = first[which] + np.arange(which.size) - np.repeat(np.cumsum(runs) - runs, runs)
    order = np.argsort(k, kind="stable")  # by day, best first within a day
    k, which = k[order], which[order]
    # The first top_n rows of each day (a day's rows are contiguous now), with room for a model listed twice
    # (two source names resolved to one model) before de-duplicating.
    starts = np.searchsorted(k, k, side="left")
    keep = (np.arange(k.size) - starts) < 2 * top_n
    top = (
        pl.DataFrame({"k": k[keep].astype(np.int64), "row": which[keep].astype(np.int64)})
        .join(intervals.select("model", "openness").with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)),
              on="row", maintain_order="left")
        .unique(["k", "model"], keep="first", maintain_order=True)
        .group_by("k", maintain_order=True).head(top_n)
    )
    return (
        top.group_by("k", "openness").agg(pl.len().cast(pl.Int64).alias("models"))
        .join(days, on="k")
        .select(pl.lit(capability).alias("capability"), pl.lit(board).alias("board"), pl.col("date").cast(pl.Date),
                "openness", "models")
        .sort("date", "openness")
    )
