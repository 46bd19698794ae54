"""Prices: open vs closed price trends, the biggest cuts, price against quality, and one model's history."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, data, filters, format, ui

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
    shown = index.filter(pl.col("quality_tier") == tier)
    st.altair_chart(charts.price_index(shown), width="stretch")
    sides = set(shown["openness_group"])
    missing = [s for s in ("open", "closed") if s not in sides]
    note = (f" No {missing[0]} model of this tier has a price yet, so only one line is drawn." if len(missing) == 1
            else "")
    st.caption("Median blended price (3 input : 1 output tokens) of the cheapest listing of each model in the "
               f"tier, in $ per 1M tokens, sampled weekly.{note}")
else:
    ui.no_data("the price index (v_price_index)")

st.subheader("Biggest price cuts")
moves = data.price_moves(snap)
if data.present(moves):
    ui.table(moves.drop("source", "tier"), key="price_moves")
else:
    ui.no_data("price moves (v_price_moves)")

st.subheader("Price against quality")
dates = data.frontier_dates(snap)
if dates:
    on = st.select_slider("Date", options=dates, value=dates[-1], key="frontier_date",
                          format_func=format.when) if len(dates) > 1 else dates[0]
    frontier = data.price_frontier(snap, on)
    if data.present(frontier):
        st.altair_chart(charts.price_frontier(frontier), width="stretch")
        with st.expander("The models in the chart"):
            ui.table(frontier, key="frontier_table")
else:
    ui.no_data("the price–quality frontier (v_price_frontier)")

st.subheader("One model's price history")
models = data.priced_models(snap)
if models:
    # A model with history by default: the one whose price changed most often.
    model = filters.choose("Model", models, "model", default=data.most_repriced_model(snap), from_query="model")
    history = data.price_history(snap, model)
    if data.present(history):
        st.altair_chart(charts.price_history(history, data.as_of(snap)), width="stretch")
        st.caption(f"{model}: each provider's price as each source lists it, solid = input, dashed = output.")
        ui.table(history, key="price_history")
else:
    ui.no_data("prices (v_price_history)")
