"""The main board and its top N: the one rule every board-wide figure of the transforms reads.

A capability's **main board** is its headline board (`gap_headline`, see `headline`) under the open-weights
definition; the general capability's is *the* main board. SQL readers get the same rule from `v_main_board`
(migration 016); this module is the transforms' side of it, and nothing else in the transforms restates it.

The **reference board** is where quality is read from (price tiers, the frontier, the default TCO scenario) and
where the top N are ranked: the main board when it covers `quality_capability`, else the first of
`gap_board_priority` that does, else the board scoring the most models (`gap.headline_boards`).

The **top N** are the N best distinct models of the reference board, in the one category `comparable_scores`
compares for that (board, capability) (never a mix of a board's categories: their scales differ and a model
would repeat): a model listed under two names that identity resolved to one counts once. The open share and
the cheapest of the top N (`v_main_board_top`, the Landscape) and the openness mix over time
(`v_openness_top`, the Licences page) are the same ranking, on the as-of day and on each grid day.

Ranking every model at every date is too slow for a page (every change date joined with every score interval:
seconds and hundreds of MiB on a five-year warehouse), hence tables on a grid of days: each interval expands
only into the grid steps it covers (as `grid.extreme_on_grid` does), then one sort ranks them. A model's class
is its current one (as everywhere in the transforms): a licence change re-labels its past too.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from warehouse.transforms.gap import headline_boards
from warehouse.transforms.grid import covering

MAIN_DEFINITION = "open-weights"
GENERAL = "general"
TOP_N = 10

TOP_SCHEMA = {"capability": pl.String, "board": pl.String, "date": pl.Date, "rank": pl.Int64, "model": pl.String,
              "model_id": pl.String, "openness": pl.String, "score": pl.Float64}
OPENNESS_SCHEMA = {"capability": pl.String, "board": pl.String, "date": pl.Date, "openness": pl.String,
                   "models": pl.Int64}


def main_board(headline: pl.DataFrame, capability: str = GENERAL) -> str | None:
    """The capability's main board in a `gap_headline` frame; None while no board qualifies."""
    boards = headline.filter((pl.col("definition") == MAIN_DEFINITION) & (pl.col("capability") == capability)
                             & pl.col("board").is_not_null())["board"]
    return boards[0] if boards.len() else None


def reference_board(scored: pl.DataFrame, headline: pl.DataFrame, as_of: date, capability: str,
                    configured: list[str], groups: pl.DataFrame | None = None) -> str | None:
    """The board quality and the top N of `capability` are read from: the general main board, then the
    `configured` boards (`gap_board_priority`), then the board scoring the most models on `as_of`. With
    `groups` (every capability, board) given, `scored` needs only the intervals alive on `as_of`."""
    main = main_board(headline)
    priority = [*([main] if main else []), *configured]
    ours = pl.col("capability") == capability
    found = headline_boards(scored.filter(ours), as_of, priority,
                            None if groups is None else groups.filter(ours))["board"]
    return found[0] if found.len() else None


def top_on_grid(scored: pl.DataFrame, days: pl.DataFrame, board: str | None, capability: str,
                top_n: int = TOP_N) -> pl.DataFrame:
    """Per grid day of `days` (from `grid.grid`): the `top_n` best distinct models of (`board`, `capability`),
    ranked 1… (ties: alphabetical). `scored` comes from `scores.comparable_scores`."""
    if board is None or not scored.height or not days.height:
        return pl.DataFrame(schema=TOP_SCHEMA)
    # Best first: the expansion below keeps this order within each day, so no sort over the expanded rows.
    intervals = scored.filter((pl.col("capability") == capability) & (pl.col("board") == board)).sort(
        ["score", "model"], descending=[True, False])
    which, k = covering(days, intervals["start"], intervals["end"])
    order = np.argsort(k, kind="stable")  # by day, best first within a day
    k, which = k[order], which[order]
    # The first top_n rows of each day (a day's rows are contiguous now), with room for a model listed twice
    # (two source names resolved to one model) before de-duplicating.
    starts = np.searchsorted(k, k, side="left")
    keep = (np.arange(k.size) - starts) < 2 * top_n
    rows = intervals.select("model", "model_id", "openness", "score").with_row_index("row").with_columns(
        pl.col("row").cast(pl.Int64))
    return (
        pl.DataFrame({"k": k[keep].astype(np.int64), "row": which[keep].astype(np.int64)})
        .join(rows, on="row", maintain_order="left")
        .unique(["k", "model"], keep="first", maintain_order=True)
        .group_by("k", maintain_order=True).head(top_n)
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("k"))
        .join(days, on="k")
        .select(pl.lit(capability).alias("capability"), pl.lit(board).alias("board"), pl.col("date").cast(pl.Date),
                "rank", "model", "model_id", "openness", "score")
        .sort("date", "rank")
    )


def top_now(top: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The top N on the as-of day (`main_board_top`), from `top_on_grid`."""
    return top.filter(pl.col("date") == as_of)


def openness_of_top(top: pl.DataFrame) -> pl.DataFrame:
    """Per grid day: openness class → number of models among the top N (`openness_top`), from `top_on_grid`."""
    return (
        top.group_by("capability", "board", "date", "openness")
        .agg(pl.len().cast(pl.Int64).alias("models"))
        .select(*OPENNESS_SCHEMA)
        .sort("date", "openness")
    )
