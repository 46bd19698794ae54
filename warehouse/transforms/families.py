"""The transform tables in families, each declaring the inputs it is computed from.

The derive stage recomputes a family only when one of its inputs changed (see `incremental`). Inputs are the
fact tables an ingest's diff names (`price`, `leaderboard_score`) and the state the transforms read besides
(`identity`: a name's model or openness moved; `capability_map`; `as_of`, the day of the latest
collection; `settings`; `quality`, the reference-board quality the price tables rate models by).

A new transform table joins by declaring its family here: the tables it writes, the inputs it depends on and a
`compute` from the `Frames` of the whole warehouse. It is then recomputed, whole, after every derive stage in
which one of those inputs changed, and with every full refresh. `refresh.compute`, the pure full computation
the tests compare the incremental one with, is every family's `compute` over input frames (`Frames.given`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import duckdb
import polars as pl

from gapwatch.settings import Settings
from warehouse.transforms import inputs, score_history
from warehouse.transforms.frontier import price_frontier
from warehouse.transforms.gap import gap_table
from warehouse.transforms.grid import grid
from warehouse.transforms.headline import board_freshness, gap_headline
from warehouse.transforms.main_board import TOP_N, openness_of_top, reference_board, top_now, top_on_grid
from warehouse.transforms.months_behind import months_behind_from_records, months_behind_summary, release_dates
from warehouse.transforms.prices import blended, cheapest_on_grid, first_day, price_index, price_moves, trusted
from warehouse.transforms.quality import quality_on_grid, quality_tiers, reference_quality
from warehouse.transforms.score_history import ScoreHistory
from warehouse.transforms.scores import GROUP, comparable_scores, primary_categories
from warehouse.transforms.tco_default import default_scenario
from warehouse.transforms.touched import PRICE, SCORE

IDENTITY, CAPABILITY_MAP, AS_OF, SETTINGS, QUALITY = "identity", "capability_map", "as_of", "settings", "quality"
# The models' release dates (`inputs.RELEASES_SQL`), which months behind dates records by: no ingest diff names them,
# so the derive compares a fingerprint of them (`incremental`).
RELEASE_DATES = "release_dates"


@dataclass
class Frames:
    """The whole warehouse as the transforms read it, each frame computed once, on first use. The score history
    is never held whole: `history` reads it a chunk of groups at a time (`score_history`)."""

    con: duckdb.DuckDBPyConnection | None
    settings: Settings
    as_of: date
    given_scores: pl.DataFrame | None = None  # the score facts, where they are given instead of read (`given`)

    @classmethod
    def given(cls, settings: Settings, as_of: date, *, scores: pl.DataFrame, prices: pl.DataFrame,
              preferences: pl.DataFrame) -> Frames:
        """Frames over input frames instead of a warehouse (the pure full computation, `refresh.compute`)."""
        frames = cls(None, settings, as_of, scores)
        # A cached_property is read from the instance's dict first: these stand in for the warehouse reads.
        vars(frames).update(prices=prices, preferences=preferences)
        return frames

    def group_scores(self, groups: pl.DataFrame) -> pl.DataFrame:
        """The score facts (`inputs.SCORES_SQL`) of `groups`' (board, capability, category)."""
        if self.given_scores is not None:
            keys = score_history.KEYS
            return self.given_scores.join(groups.select(keys), on=keys, how="semi")
        return inputs.group_scores(self.con, groups)

    @cached_property
    def score_summary(self) -> pl.DataFrame:
        if self.given_scores is not None:
            return score_history.summary(self.given_scores)
        return inputs.score_summary(self.con)

    @cached_property
    def primary(self) -> pl.DataFrame:
        """The category compared per (board, capability) (`scores.primary_categories`)."""
        return primary_categories(self.score_summary)

    @cached_property
    def releases(self) -> pl.DataFrame:
        if self.given_scores is not None:
            return release_dates(self.given_scores)
        return inputs.score_releases(self.con)

    @cached_property
    def history(self) -> ScoreHistory:
        return score_history.reduce(self.group_scores, self.primary, self.score_summary, self.releases,
                                    self.as_of)

    @cached_property
    def fresh(self) -> dict[str, date]:
        return board_freshness(self.score_summary)

    @cached_property
    def prices(self) -> pl.DataFrame:
        return inputs.prices(self.con)

    @cached_property
    def priced(self) -> pl.DataFrame:
        return blended(self.prices, self.settings.blend_input_weight, self.settings.blend_output_weight)

    @cached_property
    def preferences(self) -> pl.DataFrame:
        return inputs.headline_preferences(self.con)

    @cached_property
    def headline(self) -> pl.DataFrame:
        return gap_headline(self.history.current, self.history.groups, self.preferences, self.as_of,
                            self.settings.headline_max_age_days, self.fresh)

    @cached_property
    def reference_board(self) -> str | None:
        """The board quality and the top N are read from (the main board first)."""
        return reference_board(self.history.alive, self.headline, self.as_of, self.settings.quality_capability,
                               self.settings.gap_board_priority, self.history.groups)

    @cached_property
    def reference(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The reference quality and the top N on the price index's grid of days (`top_on_grid`), from the
        reference group's intervals: read once for both, and dropped."""
        capability, board = self.settings.quality_capability, self.reference_board
        ours = (pl.col("capability") == capability) & (pl.col("board") == pl.lit(board, pl.String))
        scored = comparable_scores(self.group_scores(self.primary.filter(ours)), self.primary)
        days = grid(self.as_of, self.history.first_day, self.settings.price_index_grid_days)
        top = top_on_grid(scored, days, board, capability, TOP_N)
        return reference_quality(scored, capability, board), score_history.with_own_strings(top)

    @property
    def quality(self) -> pl.DataFrame:
        return self.reference[0]

    @cached_property
    def tiers(self) -> pl.DataFrame:
        return quality_tiers(self.quality, self.as_of)


@dataclass(frozen=True)
class Family:
    name: str
    tables: tuple[str, ...]
    depends_on: frozenset[str]
    compute: Callable[[Frames], dict[str, pl.DataFrame]]


def gap_tables(f: Frames) -> dict[str, pl.DataFrame]:
    history = f.history
    behind = months_behind_from_records(history.records, f.settings.months_behind_tolerance)
    return {
        "gap_by_capability": gap_table(history.alive, history.over_time, f.as_of, f.headline,
                                       history.groups.select(*GROUP, "newest")),
        "gap_headline": f.headline,
        "gap_over_time": history.over_time,
        "months_behind": behind,
        "months_behind_summary": months_behind_summary(behind),
    }


def price_tables(priced: pl.DataFrame) -> dict[str, pl.DataFrame]:
    moves = price_moves(priced.filter(trusted()))  # list and market prices of token models only
    return {"price_blended": priced.drop("start", "end"), "price_moves": moves}


def price_quality_tables(
    priced: pl.DataFrame, quality: pl.DataFrame, tiers: pl.DataFrame, as_of: date, first: date | None,
    settings: Settings, since: date | None = None,
) -> dict[str, pl.DataFrame]:
    """The grid tables and the default scenario. With `since`, only the grid days from `since` on: `priced`
    and `quality` then need to hold only the intervals alive on one of those days."""
    index_step, frontier_step = settings.price_index_grid_days, settings.frontier_grid_days
    index_days, frontier_days = grid(as_of, first, index_step), grid(as_of, first, frontier_step)
    if since is not None:
        index_days = index_days.filter(pl.col("date") >= since)
        frontier_days = frontier_days.filter(pl.col("date") >= since)
    cheapest = cheapest_on_grid(priced, index_days)
    return {
        "price_index": price_index(cheapest, tiers, index_days),
        "transform_cheapest": cheapest.join(index_days, on="k").select("model_id", "openness", "date",
                                                                       "blended_price"),
        "price_frontier": price_frontier(
            cheapest_on_grid(priced, frontier_days),
            quality_on_grid(quality, frontier_days),
            frontier_days,
        ),
        "tco_scenarios": default_scenario(priced, quality, as_of, settings),
    }


def top_tables(f: Frames) -> dict[str, pl.DataFrame]:
    """The top N of the reference board now and on the price index's grid of days (one ranking for both)."""
    top = f.reference[1]
    return {"main_board_top": top_now(top, f.as_of), "openness_top": openness_of_top(top)}


FAMILIES: tuple[Family, ...] = (
    Family("gap", ("gap_by_capability", "gap_headline", "gap_over_time", "months_behind", "months_behind_summary"),
           frozenset({SCORE, IDENTITY, CAPABILITY_MAP, AS_OF, SETTINGS, RELEASE_DATES}), gap_tables),
    Family("prices", ("price_blended", "price_moves"), frozenset({PRICE, IDENTITY, SETTINGS}),
           lambda f: price_tables(f.priced)),
    Family("price_quality", ("price_index", "price_frontier", "tco_scenarios", "transform_cheapest"),
           frozenset({PRICE, QUALITY, IDENTITY, AS_OF, SETTINGS}),
           lambda f: price_quality_tables(f.priced, f.quality, f.tiers, f.as_of, first_day(f.priced), f.settings)),
    Family("top", ("main_board_top", "openness_top"), frozenset({SCORE, IDENTITY, CAPABILITY_MAP, AS_OF, SETTINGS}),
           top_tables),
)
