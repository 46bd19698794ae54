"""Prices: open vs closed price trends, the biggest cuts, price against quality, and one model's history."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, data, filters, format, ui
from gapwatch.settings import get_settings
from warehouse.transforms.prices import MIN_INDEX_MODELS

st.title("Prices")
snap = ui.snapshot_or_stop()
ui.loading_notice(snap)

st.subheader("Price index, open vs closed")
index = data.price_index(snap)
if data.present(index):
    tiers = [t for t in ("top", "middle", "bottom") if t in set(index["quality_tier"])] or \
        index["quality_tier"].unique(maintain_order=True).to_list()
    tier = filters.choose("Quality tier", tiers, "quality_tier", default="top",
                          label_of=lambda t: f"{t} third by quality")
    shown, step = charts.coarsen_index(index.filter(pl.col("quality_tier") == tier),
                                       get_settings().price_index_grid_days)
    ui.chart(charts.price_index(shown, step))
    sides = set(shown["openness_group"])
    missing = [s for s in ("open", "closed") if s not in sides]
    note = (f" No day has {MIN_INDEX_MODELS} {missing[0]} models of this tier with a price yet, so only one line "
            "is drawn." if len(missing) == 1 else "")
    st.caption("Median blended price (3 input : 1 output tokens) of the models in the tier, each at its maker's "
               "or cheapest host's price (never a reseller's), in $ per 1M tokens on a log scale, sampled every "
               f"{step} days. A point needs {MIN_INDEX_MODELS} models of its side: a gap in a line is a day with "
               f"fewer.{note}")
else:
    ui.no_data("the price index (v_price_index)")

st.subheader("Biggest price cuts")
moves = data.price_moves(snap)
if data.present(moves):
    ui.table(moves, key="price_moves")
    st.caption("List and market prices only (a maker's or a host's listing), one row per provider, model and tier "
               "however many sources saw the move; a fix of a wrong price is not a cut.")
else:
    ui.no_data("price moves (v_price_moves)")

st.subheader("Price against quality")
dates = data.frontier_dates(snap)
if dates:
    # A selectbox, newest first: the model chooser below is one too, so the page loads one widget's scripts.
    on = st.selectbox("Date", dates[::-1], key="frontier_date", format_func=format.when) if len(dates) > 1 \
        else dates[0]
    frontier = data.price_frontier(snap, on)
    if data.present(frontier):
        drawn = charts.thin_cloud(frontier)
        top = data.top_models(snap)  # ranked on the board the frontier's quality is read from
        ui.chart(charts.price_frontier(drawn, top["board"][0] if data.present(top) else None))
        behind, shown = (f.filter(~pl.col("on_frontier")).height for f in (frontier, drawn))
        if shown < behind:
            st.caption(f"Every model on the frontier is drawn; of the {behind:,} behind it, the best-scoring one per "
                       f"price–quality cell and side ({shown:,}). The table below lists them all.")
        with (box := ui.folded("The models priced and scored on this date", "frontier_models")):
            if box.open:
                ui.table(frontier, key="frontier_table")
else:
    ui.no_data("the price–quality frontier (v_price_frontier)")

st.subheader("One model's price history")
models = data.priced_models(snap)
if models:
    linked = "model" in st.query_params  # a link (a price cut on Changes) came for this model's prices
    # A model with history by default: the one whose price changed most often.
    model = filters.choose("Model", models, "model", default=data.most_repriced_model(snap), from_query="model")
    history = data.price_history(snap, model)
    if data.present(history):
        ui.chart(charts.price_history(history, data.as_of(snap)))
        st.caption(f"{model}: each provider's price as each source lists it, solid = input, dashed = output.")
        if history.height <= ui.STATIC_ROWS or linked:
            ui.table(history, key="price_history")
        else:  # the chart above draws every price; a long table waits in a fold (the grid costs a first render)
            with (box := ui.folded(f"Every listed price of {model} ({history.height:,} rows)", "price_rows")):
                if box.open:
                    ui.table(history, key="price_history")
else:
    ui.no_data("prices (v_price_history)")
