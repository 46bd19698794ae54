"""Price trends: blended prices, the largest moves, and an open vs closed price index per quality tier.

Input columns (see `inputs.PRICES_SQL`): source, provider, model, tier, model_id, openness, input_per_mtok,
output_per_mtok, valid_from, valid_to. Blended price = (w_in·input + w_out·output) / (w_in + w_out) USD per 1M
tokens, 3:1 by default; null when either side is unknown, since a one-sided price would look cheap.
"""

from __future__ import annotations

from datetime import date

import polars as pl

STANDARD_TIER = "standard"


def blended(prices: pl.DataFrame, input_weight: float, output_weight: float) -> pl.DataFrame:
    """`prices` plus blended_price and day bounds start/end (end exclusive, null = current)."""
    price = (input_weight * pl.col("input_per_mtok") + output_weight * pl.col("output_per_mtok")) / (
        input_weight + output_weight
    )
    return prices.with_columns(
        blended_price=price, start=pl.col("valid_from").dt.date(), end=pl.col("valid_to").dt.date()
    )


def price_moves(prices: pl.DataFrame) -> pl.DataFrame:
    """Every change of a (source, provider, model, tier)'s blended price: from_date is when the old price began,
    to_date when the new one did. change_pct is null for a move away from a free price."""
    key = ["source", "provider", "model", "tier"]
    frame = prices.filter(pl.col("blended_price").is_not_null()).sort([*key, "valid_from"])
    before = pl.col("blended_price").shift(1).over(key)
    return (
        frame.with_columns(before_blended=before, from_date=pl.col("start").shift(1).over(key))
        .filter(pl.col("before_blended").is_not_null() & (pl.col("before_blended") != pl.col("blended_price")))
        .select(
            "provider", "model", "source", "tier", "from_date", pl.col("start").alias("to_date"), "before_blended",
            pl.col("blended_price").alias("after_blended"),
            pl.when(pl.col("before_blended") > 0)
            .then((pl.col("blended_price") / pl.col("before_blended") - 1) * 100)
            .alias("change_pct"),
        )
        .sort("to_date", "provider", "model", "source", "tier")
    )


def grid(as_of: date, first: date | None, step_days: int) -> pl.DataFrame:
    """Sample days as_of, as_of − step, … back to `first`: column k (steps back) and date."""
    steps = 0 if first is None or first > as_of else (as_of - first).days // step_days
    return pl.DataFrame({"k": range(steps + 1)}, schema={"k": pl.Int64}).with_columns(
        date=pl.lit(as_of) - pl.duration(days=pl.col("k") * step_days)
    )


def on_grid(intervals: pl.DataFrame, as_of: date, step_days: int) -> pl.DataFrame:
    """One row per interval and grid day it covers (column k, as in `grid`), without a daily expansion."""
    back_to_start = (pl.lit(as_of) - pl.col("start")).dt.total_days()
    back_to_end = (pl.lit(as_of) - pl.col("end")).dt.total_days()
    first_k = pl.when(pl.col("end").is_null()).then(0).otherwise((back_to_end.floordiv(step_days) + 1).clip(0))
    last_k = back_to_start.floordiv(step_days)
    return (
        intervals.with_columns(k=pl.int_ranges(first_k, last_k + 1, dtype=pl.Int64))
        .explode("k")
        .drop_nulls("k")
    )


def cheapest_on_grid(prices: pl.DataFrame, as_of: date, step_days: int) -> pl.DataFrame:
    """Per matched model and grid day: its cheapest standard-tier blended price over providers and sources."""
    usable = prices.filter(
        (pl.col("tier") == STANDARD_TIER) & pl.col("model_id").is_not_null() & pl.col("blended_price").is_not_null()
    ).with_columns(m=pl.col("model_id").rank("dense").cast(pl.UInt32))
    # Group the exploded rows by an integer code: hashing model names a million times costs more than the rest.
    names = usable.unique("m").select("m", "model_id", "openness")
    return (
        on_grid(usable.select("m", "blended_price", "start", "end"), as_of, step_days)
        .group_by("m", "k")
        .agg(pl.col("blended_price").min())
        .join(names, on="m")
        .select("model_id", "k", "blended_price", "openness")
    )


def price_index(cheapest: pl.DataFrame, tiers: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Median cheapest blended price (USD/1M tokens) of open vs closed models per quality tier on each grid day.

    open = any `open-*` class (the open-weights definition); models of unknown openness or without a tier are
    left out. `days` is the `grid` frame used to build `cheapest`.
    """
    openness = pl.col("openness")
    group = (
        pl.when(openness == "closed").then(pl.lit("closed"))
        .when(openness.str.starts_with("open-")).then(pl.lit("open"))
    )
    return (
        cheapest.with_columns(openness_group=group)
        .drop_nulls("openness_group")
        .join(tiers, on="model_id")
        .group_by("k", "openness_group", "quality_tier")
        .agg(pl.col("blended_price").median().alias("index_value"), pl.len().cast(pl.Int64).alias("models"))
        .join(days, on="k")
        .select("date", "openness_group", "quality_tier", "index_value", "models")
        .sort("date", "openness_group", "quality_tier")
    )


def first_day(*frames: pl.DataFrame) -> date | None:
    """The earliest `start` in the frames (where a grid should reach back to)."""
    starts = [f["start"].min() for f in frames if f.height]
    return min(starts) if starts else None
