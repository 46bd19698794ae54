"""Run the whole transform set and materialise its tables: the ingest hook, and what the benchmark times.

`compute` is pure (frames in, frames out); `refresh_transforms` reads the inputs, computes and rewrites every
result table inside the caller's transaction, so readers of a published snapshot always see tables that agree
with the facts they were computed from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

import duckdb
import polars as pl

from gapwatch.settings import Settings
from warehouse.transforms import incremental, inputs
from warehouse.transforms.families import OPENNESS_TOP_N
from warehouse.transforms.frontier import price_frontier
from warehouse.transforms.gap import gap_over_time, gap_table
from warehouse.transforms.grid import grid
from warehouse.transforms.headline import gap_headline
from warehouse.transforms.months_behind import months_behind, months_behind_summary, release_dates
from warehouse.transforms.openness_top import openness_of_top
from warehouse.transforms.prices import blended, cheapest_on_grid, first_day, price_index, price_moves
from warehouse.transforms.quality import quality_on_grid, quality_tiers, reference_quality
from warehouse.transforms.scores import comparable_scores
from warehouse.transforms.tco_default import default_scenario


def compute(scores: pl.DataFrame, prices: pl.DataFrame, as_of: date, settings: Settings,
            preferences: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Every result table, keyed by table name, from the input frames of `inputs`."""
    scored = comparable_scores(scores)
    preferences = preferences if preferences is not None else pl.DataFrame(
        schema={"capability": pl.Utf8, "position": pl.Int32, "board": pl.Utf8})
    headline = gap_headline(scores, scored, preferences, as_of, settings.headline_max_age_days)
    # One main board everywhere: the general headline board rates quality before any configured priority.
    main = headline.filter((pl.col("capability") == "general") & (pl.col("definition") == "open-weights")
                           & pl.col("board").is_not_null())["board"].to_list()
    priority = [*main, *settings.gap_board_priority]
    over_time = gap_over_time(scored)
    behind = months_behind(scored, settings.months_behind_tolerance, release_dates(scores))
    priced = blended(prices, settings.blend_input_weight, settings.blend_output_weight)
    quality = reference_quality(scored, as_of, settings.quality_capability, priority)
    first = first_day(priced)
    index_step, frontier_step = settings.price_index_grid_days, settings.frontier_grid_days
    index_days, frontier_days = grid(as_of, first, index_step), grid(as_of, first, frontier_step)
    return {
        "gap_by_capability": gap_table(scored, over_time, as_of, headline),
        "gap_headline": headline,
        "gap_over_time": over_time,
        "months_behind": behind,
        "months_behind_summary": months_behind_summary(behind),
        "price_blended": priced.drop("start", "end"),
        "price_index": price_index(
            cheapest_on_grid(priced, index_days, index_step), quality_tiers(quality, as_of), index_days
        ),
        "price_moves": price_moves(priced),
        "price_frontier": price_frontier(
            cheapest_on_grid(priced, frontier_days, frontier_step),
            quality_on_grid(quality, frontier_days, frontier_step),
            frontier_days,
        ),
        "tco_scenarios": default_scenario(priced, quality, as_of, settings),
        "openness_top": openness_of_top(scored, grid(as_of, scored["start"].min(), index_step), index_step,
                                        priority, settings.quality_capability, OPENNESS_TOP_N),
    }


def write(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    for name, frame in tables.items():
        con.execute(f"DELETE FROM {name}")
        if frame.height:
            con.register("_transform_rows", frame.to_arrow())
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _transform_rows")
            con.unregister("_transform_rows")


def refresh_transforms(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None = None) -> bool:
    """Recompute and rewrite every transform table and what the incremental refresh compares against
    (`incremental.full`), in the caller's transaction. `as_of` defaults to the day of
    the latest collection that saw data. Returns False, writing nothing, when nothing was ever collected."""
    as_of = as_of or inputs.as_of(con)
    if as_of is None:
        return False
    incremental.full(con, settings, as_of, incremental.fingerprints(con, settings, as_of))
    return True


class OutcomeLike(Protocol):
    status: str


def transforms_hook(settings: Settings) -> Callable[[duckdb.DuckDBPyConnection, object, OutcomeLike], None]:
    """The ingest hook: after every ingest that changed facts (status ok), recompute what those facts reach
    (`incremental.refresh`); skip every other outcome."""

    def hook(con: duckdb.DuckDBPyConnection, source: object, outcome: OutcomeLike) -> None:
        if outcome.status == "ok":
            incremental.refresh(con, settings)  # only what the ingests since the last refresh touched

    return hook
