"""The price-quality frontier: on each grid day, which matched models no other model beats on both axes.

Quality is the model's score on the reference (capability, board); price the standard-tier blended price a buyer
pays (`prices.cheapest_on_grid`: the list price, else the cheapest host). Both sides join on the resolved
model_id, so only models matched on both sides appear. A model is on the frontier when every strictly cheaper
model scores lower and it has the best score at its own price (equal points are all on it: neither dominates
the other).
"""

from __future__ import annotations

import polars as pl


def price_frontier(cheapest: pl.DataFrame, quality: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """date, model, quality_score, blended_price, on_frontier for every model priced and scored on a grid day."""
    points = cheapest.join(quality, on=["model_id", "k"]).select(
        "k", pl.col("model_id").alias("model"), pl.col("score").alias("quality_score"), "blended_price"
    )
    at_price = (
        points.group_by("k", "blended_price")
        .agg(pl.col("quality_score").max().alias("top"))
        .sort("k", "blended_price")
        .with_columns(cheaper_best=pl.col("top").cum_max().shift(1).over("k"))
    )
    on_frontier = (pl.col("quality_score") == pl.col("top")) & (
        pl.col("cheaper_best").is_null() | (pl.col("quality_score") > pl.col("cheaper_best"))
    )
    return (
        points.join(at_price, on=["k", "blended_price"])
        .join(days, on="k")
        .select("date", "model", "quality_score", "blended_price", on_frontier.alias("on_frontier"))
        .sort("date", "blended_price", "model")
    )
