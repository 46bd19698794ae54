"""Model quality as the price transforms use it: each matched model's score on a reference (capability, board).

The reference capability is a setting (`quality_capability`, `general` by default) and its board the
reference board (`main_board.reference_board`: the main board first), so price tiers, the frontier, the default
TCO scenario and the top N all rate models on one scale.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.transforms.grid import extreme_on_grid


def reference_quality(scored: pl.DataFrame, capability: str, board: str | None) -> pl.DataFrame:
    """Score intervals (model_id, openness, score, start, end) of matched models on the reference board."""
    return scored.filter((pl.col("capability") == capability) & (pl.col("board") == pl.lit(board, pl.String))
                         & pl.col("model_id").is_not_null()).select("model_id", "openness", "score", "start", "end")


def quality_tiers(quality: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Tier of each model by its latest reference score on or before `as_of`: percentile rank p = rank/n
    (average rank for ties); top if p > 2/3, middle if p > 1/3, bottom otherwise. Returns model_id, quality_tier.
    """
    # A window and plain aggregates: a filter inside a group-by aggregation runs per group (12k groups, 0.25 s).
    known = quality.filter(pl.col("start") <= as_of)
    latest = (known.filter(pl.col("start") == pl.col("start").max().over("model_id"))
              .group_by("model_id").agg(pl.col("score").max()))
    pct = pl.col("score").rank("average") / pl.len()
    return latest.select(
        "model_id",
        pl.when(pct > 2 / 3).then(pl.lit("top")).when(pct > 1 / 3).then(pl.lit("middle")).otherwise(pl.lit("bottom"))
        .alias("quality_tier"),
    )


def quality_on_grid(quality: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Per model_id and grid day: its reference score then (the highest, if several sources report it)."""
    return extreme_on_grid(quality, "model_id", "score", days, largest=True)
