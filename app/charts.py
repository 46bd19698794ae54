"""Altair charts for the pages. Each takes a frame straight from `app.data` and draws it; no figure is derived."""

from __future__ import annotations

import altair as alt
import polars as pl

OPEN_COLOUR, CLOSED_COLOUR = "#2a9d8f", "#e76f51"


def gap_over_time(frame: pl.DataFrame) -> alt.LayerChart:
    """Best open vs best closed score per date, the gap between them shaded."""
    base = alt.Chart(frame).encode(x=alt.X("date:T", title=None))
    gap = base.mark_area(opacity=0.2, color="#999999", interpolate="step-after").encode(
        y=alt.Y("best_open_score:Q", title="score", scale=alt.Scale(zero=False)),
        y2="best_closed_score:Q",
        tooltip=["date:T", "gap_abs:Q"],
    )
    long = frame.unpivot(
        index=["date"], on=["best_open_score", "best_closed_score"], variable_name="side", value_name="score"
    ).with_columns(pl.col("side").replace({"best_open_score": "best open", "best_closed_score": "best closed"}))
    lines = alt.Chart(long).mark_line(point=True, interpolate="step-after").encode(
        x="date:T",
        y=alt.Y("score:Q", scale=alt.Scale(zero=False)),
        color=alt.Color("side:N", scale=alt.Scale(domain=["best open", "best closed"],
                                                   range=[OPEN_COLOUR, CLOSED_COLOUR])),
        tooltip=["date:T", "side:N", "score:Q"],
    )
    return alt.layer(gap, lines)


def price_index(frame: pl.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("index_value:Q", title="price index"),
        color=alt.Color("openness_group:N", title="models",
                        scale=alt.Scale(domain=["open", "closed"], range=[OPEN_COLOUR, CLOSED_COLOUR])),
        tooltip=["date:T", "openness_group:N", "index_value:Q", "models:Q"],
    )


def price_frontier(frame: pl.DataFrame) -> alt.LayerChart:
    """Quality against blended price (log scale); the frontier points joined by a line."""
    points = alt.Chart(frame).mark_circle(size=70).encode(
        x=alt.X("blended_price:Q", title="blended $ / 1M tokens", scale=alt.Scale(type="log")),
        y=alt.Y("quality_score:Q", title="quality", scale=alt.Scale(zero=False)),
        color=alt.Color("on_frontier:N", title="on frontier"),
        tooltip=["model:N", "blended_price:Q", "quality_score:Q"],
    )
    line = alt.Chart(frame.filter(pl.col("on_frontier"))).mark_line(color="#264653").encode(
        x="blended_price:Q", y="quality_score:Q", order="blended_price:Q"
    )
    return alt.layer(line, points)


def price_history(frame: pl.DataFrame) -> alt.Chart:
    """One step line per provider/source/tier and direction (input, output), in $ per 1M tokens."""
    long = frame.with_columns(
        (pl.col("provider") + " · " + pl.col("source") + " · " + pl.col("tier")).alias("listing")
    ).unpivot(
        index=["listing", "valid_from"], on=["input_per_mtok", "output_per_mtok"], variable_name="direction",
        value_name="usd_per_mtok",
    ).drop_nulls("usd_per_mtok")
    return alt.Chart(long).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("valid_from:T", title=None),
        y=alt.Y("usd_per_mtok:Q", title="$ / 1M tokens"),
        color=alt.Color("listing:N"),
        strokeDash=alt.StrokeDash("direction:N"),
        tooltip=["listing:N", "direction:N", "valid_from:T", "usd_per_mtok:Q"],
    )


def openness_stack(frame: pl.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("models:Q", title="models in the top 10", stack="zero"),
        color=alt.Color("openness:N"),
        tooltip=["date:T", "openness:N", "models:Q"],
    )


def monthly_cost(frame: pl.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("monthly_usd:Q", title="$ per month"),
        y=alt.Y("option:N", sort="x", title=None),
        tooltip=["option:N", "monthly_usd:Q"],
    )
