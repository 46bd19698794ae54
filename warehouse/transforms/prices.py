"""Price trends: blended prices, the largest moves, and an open vs closed price index per quality tier.

Input columns (see `inputs.PRICES_SQL`): source, provider, model, tier, model_id, openness, input_per_mtok,
output_per_mtok, valid_from, valid_to. Blended price = (w_in·input + w_out·output) / (w_in + w_out) USD per 1M
tokens, 3:1 by default; null when either side is unknown, since a one-sided price would look cheap.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import polars as pl

from gapwatch.vocabulary import open_classes
from warehouse.transforms.grid import extreme_on_grid

STANDARD_TIER = "standard"
# Listings a buyer can trust (warehouse/price_roles.py): the maker's own API and hosts of open weights.
TRUSTED_ROLES = ("maker", "host")
MIN_INDEX_MODELS = 3

P = TypeVar("P", float, pl.Expr)


def blend(input_price: P, output_price: P, input_weight: float, output_weight: float) -> P:
    """The blended price, for one price (floats) or a column of them (polars expressions) alike: the change
    detector and the transforms compare prices with this one formula and the weights from the settings."""
    return (input_weight * input_price + output_weight * output_price) / (input_weight + output_weight)


def blended(prices: pl.DataFrame, input_weight: float, output_weight: float) -> pl.DataFrame:
    """`prices` plus blended_price and day bounds start/end (end exclusive, null = current)."""
    price = blend(pl.col("input_per_mtok"), pl.col("output_per_mtok"), input_weight, output_weight)
    return prices.with_columns(
        blended_price=price, start=pl.col("valid_from").dt.date(), end=pl.col("valid_to").dt.date()
    )


def price_moves(prices: pl.DataFrame) -> pl.DataFrame:
    """Every change of a (source, provider, model, tier)'s blended price: from_date is when the old price began,
    to_date when the new one did. change_pct is null for a move away from a free price."""
    key = ["source", "provider", "model", "tier"]
    frame = prices.filter(pl.col("blended_price").is_not_null()).sort([*key, "valid_from"])
    # Sorted, a row's predecessor in its key is simply the previous row when the key is the same.
    same_key = pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in key)
    return (
        frame.with_columns(
            before_blended=pl.when(same_key).then(pl.col("blended_price").shift(1)),
            from_date=pl.when(same_key).then(pl.col("start").shift(1)),
        )
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


def trusted() -> pl.Expr:
    """Rows of a token model's price from its maker or a host (never a reseller's or a grey market's)."""
    return pl.col("per_token") & pl.col("role").is_in(TRUSTED_ROLES)


def cheapest_on_grid(prices: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Per matched token model and grid day: the standard-tier blended price a buyer pays then, as
    `v_price_of_model` has it now: its list price (the maker's listings; each source's cheapest, then the median
    over sources, so one source's slip is outvoted), else its market price (the cheapest host). Resellers and grey
    markets never count. Returns model_id, k, blended_price, openness."""
    usable = prices.filter(
        (pl.col("tier") == STANDARD_TIER) & pl.col("model_id").is_not_null() & pl.col("blended_price").is_not_null()
        & trusted()
    )
    openness = usable.unique("model_id").select("model_id", "openness")
    by_source = usable.filter(pl.col("role") == "maker").with_columns(
        seller=pl.concat_str("model_id", "source", separator="\x1f"))
    listed = (
        extreme_on_grid(by_source, "seller", "blended_price", days, largest=False)
        .with_columns(model_id=pl.col("seller").str.split("\x1f").list.first())
        .group_by("model_id", "k").agg(pl.col("blended_price").median().alias("list_price"))
    )
    hosted = extreme_on_grid(usable.filter(pl.col("role") == "host"), "model_id", "blended_price", days,
                             largest=False).rename({"blended_price": "market_price"})
    return (
        listed.join(hosted, on=["model_id", "k"], how="full", coalesce=True)
        .select("model_id", "k", pl.coalesce("list_price", "market_price").alias("blended_price"))
        .join(openness, on="model_id")
    )


def price_index(cheapest: pl.DataFrame, tiers: pl.DataFrame, days: pl.DataFrame,
                min_models: int = MIN_INDEX_MODELS) -> pl.DataFrame:
    """Median cheapest blended price (USD/1M tokens) of open vs closed models per quality tier on each grid day.

    open = any `open-*` class (the open-weights definition); models of unknown openness or without a tier are
    left out. A point needs `min_models` models of its side: the median of one or two models is that
    model's price, not an index (one closed model at $93.75 flattened every other line for months), so such a
    day is left out and the line shows a gap. `days` is the `grid` frame used to build `cheapest`.
    """
    openness = pl.col("openness")
    group = (
        pl.when(openness == "closed").then(pl.lit("closed"))
        .when(openness.is_in(open_classes("open-weights"))).then(pl.lit("open"))
    )
    return (
        cheapest.with_columns(openness_group=group)
        .drop_nulls("openness_group")
        .join(tiers, on="model_id")
        .group_by("k", "openness_group", "quality_tier")
        .agg(pl.col("blended_price").median().alias("index_value"), pl.len().cast(pl.Int64).alias("models"))
        .filter(pl.col("models") >= min_models)
        .join(days, on="k")
        .select("date", "openness_group", "quality_tier", "index_value", "models")
        .sort("date", "openness_group", "quality_tier")
    )


def first_day(*frames: pl.DataFrame) -> date | None:
    """The earliest `start` in the frames (where a grid should reach back to)."""
    starts = [f["start"].min() for f in frames if f.height]
    return min(starts) if starts else None
