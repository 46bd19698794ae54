"""Cost calculator: what a workload costs on closed APIs vs open models, next to the seed's decision factors."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import data, decision, filters, ui

st.title("Cost calculator")
snap = ui.snapshot_or_stop()

st.subheader("Your workload")
col1, col2 = st.columns(2)
input_mtok = col1.number_input("Input tokens per month (millions)", min_value=0.0, value=300.0, step=50.0,
                               key="tco_input_mtok")
output_mtok = col2.number_input("Output tokens per month (millions)", min_value=0.0, value=100.0, step=25.0,
                                key="tco_output_mtok")

st.subheader("Decision factors")
f1, f2, f3, f4 = st.columns(4)
sensitivity = f1.selectbox("Data sensitivity", decision.SENSITIVITY, key="tco_sensitivity")
team = f2.selectbox("Team", decision.TEAM, key="tco_team")
performance = f3.selectbox("Performance need", decision.PERFORMANCE, index=1, key="tco_performance")
vendor_risk = f4.selectbox("Vendor risk", decision.VENDOR_RISK, index=1, key="tco_vendor_risk")

definition = filters.definition()
gap = data.gap_table(snap, definition)
general = gap.filter(pl.col("capability") == "general") if data.present(gap) else None
gap_note = None
if data.present(general):
    row = general.row(0, named=True)
    gap_note = (f"today on {row['board']}: best closed {row['best_closed_score']:,.1f} vs best open "
                f"{row['best_open_score']:,.1f}, gap {row['gap_abs']:,.1f}")
factors = decision.assess(sensitivity, input_mtok + output_mtok, team, performance, vendor_risk, gap_note)
ui.table(pl.DataFrame([f.__dict__ for f in factors]), key="tco_factors")

st.subheader("Live prices of the options")
prices = data.prices_current(snap)
if data.present(prices):
    options = filters.choose_many("Models to compare", prices["model"].unique(maintain_order=True).to_list(),
                                  "tco_models")
    shown = prices.filter(pl.col("model").is_in(options)) if options else prices
    ui.table(shown, key="tco_prices")
else:
    ui.no_data("current prices (v_prices_current)")

st.subheader("Default scenario")
scenarios = data.tco_scenarios(snap)
if data.present(scenarios):
    ui.table(scenarios, key="tco_scenarios")
else:
    ui.no_data("the default cost scenario (v_tco_scenarios)")
