"""Prices: open vs closed price trends, the biggest cuts, price against quality, and one model's history."""

from __future__ import annotations

import streamlit as st

from app import charts, data, filters, ui

st.title("Prices")
snap = ui.snapshot_or_stop()

st.subheader("Price index, open vs closed")
index = data.price_index(snap)
if data.present(index):
    tier = filters.choose("Quality tier", index["quality_tier"].unique(maintain_order=True).to_list(),
                          "quality_tier")
    st.altair_chart(charts.price_index(index.filter(index["quality_tier"] == tier)), width="stretch")
else:
    ui.no_data("the price index (v_price_index)")

st.subheader("Biggest price cuts")
moves = data.price_moves(snap)
if data.present(moves):
    ui.table(moves, column_config={"change_pct": st.column_config.NumberColumn("change_pct", format="%.1f %%")},
             key="price_moves")
else:
    ui.no_data("price moves (v_price_moves)")

st.subheader("Price against quality")
dates = data.frontier_dates(snap)
if dates:
    on = st.select_slider("Date", options=dates, value=dates[-1], key="frontier_date") if len(dates) > 1 else dates[0]
    frontier = data.price_frontier(snap, on)
    if data.present(frontier):
        st.altair_chart(charts.price_frontier(frontier), width="stretch")
        ui.table(frontier, key="frontier_table")
else:
    ui.no_data("the price–quality frontier (v_price_frontier)")

st.subheader("One model's price history")
models = data.priced_models(snap)
if models:
    model = filters.choose("Model", models, "model", from_query="model")
    history = data.price_history(snap, model)
    if data.present(history):
        st.altair_chart(charts.price_history(history), width="stretch")
        ui.table(history, key="price_history")
else:
    ui.no_data("prices (v_price_history)")
