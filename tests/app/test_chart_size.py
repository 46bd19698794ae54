"""What the browser is given to draw stays bounded as the data grow: the price–quality scatter thins the models
behind the frontier (never the frontier), each point it keeps is a real model, and the cloud keeps its extent."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from app import charts


def cloud(n: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    price = 10 ** rng.uniform(-2, 2, n)
    quality = 1000 + 300 * np.log10(price + 1) + rng.normal(0, 40, n)
    frame = pl.DataFrame({"model": [f"m{i}" for i in range(n)], "quality_score": quality, "blended_price": price,
                          "side": rng.choice(["open", "closed", "unknown"], n).tolist()})
    # The frontier: no model both cheaper and better.
    best = frame.sort("blended_price").with_columns(pl.col("quality_score").cum_max().alias("_best"))
    return best.with_columns(on_frontier=pl.col("quality_score") >= pl.col("_best")).drop("_best")


def test_a_small_cloud_is_drawn_whole() -> None:
    frame = cloud(200)
    assert charts.thin_cloud(frame).equals(frame)


def test_a_large_cloud_is_thinned_to_a_few_hundred_real_models() -> None:
    frame = cloud(5_000)
    drawn = charts.thin_cloud(frame)
    assert drawn.height <= 3 * charts.CLOUD_POINTS, drawn.height
    assert drawn.height < frame.height / 5
    # The frontier whole; every drawn point a model of the data with its own price and score.
    assert set(frame.filter("on_frontier")["model"]) <= set(drawn["model"])
    assert drawn.join(frame, on=drawn.columns, how="anti").is_empty()
    # The cloud's extent: its best, and models among its cheapest and dearest, are still drawn.
    behind = frame.filter(~pl.col("on_frontier"))
    for side in ("open", "closed", "unknown"):
        mine = behind.filter(pl.col("side") == side)
        kept = drawn.filter(~pl.col("on_frontier") & (pl.col("side") == side))
        assert kept["quality_score"].max() == mine["quality_score"].max()
        assert kept["blended_price"].min() < mine["blended_price"].quantile(0.05)
        assert kept["blended_price"].max() > mine["blended_price"].quantile(0.95)


def test_the_chart_spec_carries_only_the_thinned_points() -> None:
    frame = cloud(5_000)
    spec = charts.price_frontier(charts.thin_cloud(frame)).to_dict()
    rows = sum(len(v) for v in spec["datasets"].values())
    assert rows < 2 * 3 * charts.CLOUD_POINTS, rows


def index(days: int, step: int = 7) -> pl.DataFrame:
    """A price index on a `step`-day grid: both sides on every date, the open side missing on a few."""
    dates = [date(2021, 1, 4) + timedelta(days=step * i) for i in range(days // step)]
    rows = [(d, side, 10.0 / (1 + i) + (side == "closed"), 5) for i, d in enumerate(dates)
            for side in ("open", "closed") if not (side == "open" and i % 50 == 7)]
    return pl.DataFrame(rows, schema=["date", "openness_group", "index_value", "models"], orient="row")


def test_a_short_index_is_drawn_on_its_own_grid() -> None:
    frame = index(365)
    assert charts.coarsen_index(frame, 7) == (frame, 7)


def test_a_long_index_is_drawn_on_a_coarser_grid_with_its_own_values() -> None:
    frame = index(5 * 365)  # 260 weekly dates
    shown, step = charts.coarsen_index(frame, 7)
    assert step == 21  # 260 dates → every third
    assert shown.group_by("openness_group").len()["len"].max() <= charts.INDEX_POINTS
    assert shown["date"].max() == frame["date"].max(), "the newest date is always drawn"
    assert set(shown.sort("date")["date"].unique().diff().drop_nulls().to_list()) == {timedelta(days=21)}
    assert shown.join(frame, on=frame.columns, how="anti").is_empty(), "values are the index's own"
    spec = charts.price_index(shown, step).to_dict()
    assert sum(len(v) for v in spec["datasets"].values()) == shown.height
