"""Cost calculator: a workload's monthly cost on a closed API, a hosted open model and self-hosted open weights,
the volume where self-hosting wins, and the seed's decision factors next to the money."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, data, decision, filters, ui
from gapwatch.settings import get_settings
from gapwatch.vocabulary import is_open
from warehouse.transforms import tco

st.title("Cost calculator")
snap = ui.snapshot_or_stop()
defaults = get_settings()

st.subheader("Your workload")
col1, col2 = st.columns(2)
monthly_mtok = col1.number_input("Tokens per month (millions, input + output)", min_value=0.0,
                                 value=defaults.tco_monthly_tokens / tco.MTOK, step=100.0, key="tco_mtok")
input_share = col2.slider("Share of input tokens", 0.0, 1.0, defaults.tco_input_share, 0.05, key="tco_input_share")
workload = tco.Workload(monthly_tokens=monthly_mtok * tco.MTOK, input_share=input_share)

st.subheader("Decision factors")
f1, f2, f3, f4 = st.columns(4)
sensitivity = f1.selectbox("Data sensitivity", decision.SENSITIVITY, key="tco_sensitivity")
team = f2.selectbox("Team", decision.TEAM, key="tco_team")
performance = f3.selectbox("Performance need", decision.PERFORMANCE, index=1, key="tco_performance")
vendor_risk = f4.selectbox("Vendor risk", decision.VENDOR_RISK, index=1, key="tco_vendor_risk")
definition = filters.definition()

gap = data.gap_table(snap, definition)
headline = gap.filter((pl.col("capability") == "general") & pl.col("gap_abs").is_not_null()) \
    if data.present(gap) else None
gap_note = None
if data.present(headline):
    row = headline.row(0, named=True)
    gap_note = (f"general capability on {row['board']}: best closed {row['best_closed_score']:,.1f}, best open "
                f"{row['best_open_score']:,.1f}, gap {row['gap_abs']:,.1f}")
factors = decision.assess(sensitivity, monthly_mtok, team, performance, vendor_risk, gap_note)
ui.table(pl.DataFrame([f.__dict__ for f in factors]), key="tco_factors")

st.subheader("Monthly cost")
prices = data.tco_prices(snap)
if not data.present(prices):
    ui.no_data("current prices of matched models (v_price_blended)")
else:
    scenario = data.tco_scenarios(snap)
    picked = dict(zip(scenario["option"], scenario["model"], strict=True)) if data.present(scenario) else {}
    open_rows = prices["openness"].map_elements(lambda o: is_open(o, definition), return_dtype=pl.Boolean)
    closed_models = prices.filter(pl.col("openness") == "closed")["model_id"].unique(maintain_order=True).to_list()
    open_models = prices.filter(open_rows)["model_id"].unique(maintain_order=True).to_list()
    if not closed_models:
        ui.no_data("a priced model classed `closed` (unmatched or unclassified models are left out)")
    if not open_models:
        ui.no_data(f"a priced model that is open under the {definition} definition")
    m1, m2 = st.columns(2)
    with m1:
        closed = filters.choose("Closed API model", closed_models, "tco_closed", default=picked.get("closed_api"))
    with m2:
        open_model = filters.choose(f"Open model ({definition})", open_models, "tco_open",
                                    default=picked.get("hosted_open"))
    with st.expander("Self-hosting assumptions"):
        h1, h2, h3 = st.columns(3)
        hosting = tco.SelfHosting(
            gpu_hourly_usd=h1.number_input("GPU rent ($/hour)", 0.0, value=defaults.tco_gpu_hourly_usd,
                                           key="tco_gpu_usd"),
            gpus_per_replica=int(h1.number_input("GPUs per replica", 1, value=defaults.tco_gpus_per_replica,
                                                 key="tco_gpus")),
            replica_tokens_per_s=h2.number_input("Tokens/s per replica", 1.0,
                                                 value=defaults.tco_replica_tokens_per_s, key="tco_tps"),
            utilisation=h2.slider("Utilisation", 0.05, 1.0, defaults.tco_utilisation, 0.05, key="tco_util"),
            ops_usd_per_month=h3.number_input("Operations ($/month)", 0.0, value=defaults.tco_ops_usd_per_month,
                                              key="tco_ops"),
            min_replicas=int(h3.number_input("Minimum replicas", 1, value=defaults.tco_min_replicas,
                                             key="tco_min_replicas")),
        )

    def api_prices(model_id: str | None) -> list[tco.ApiPrice]:
        if model_id is None:
            return []
        rows = prices.filter(pl.col("model_id") == model_id).iter_rows(named=True)
        return [tco.ApiPrice(r["provider"], r["input_per_mtok"], r["output_per_mtok"]) for r in rows]

    costs = tco.cost_table(
        workload, {"closed_api": (closed, api_prices(closed)), "hosted_open": (open_model, api_prices(open_model))},
        hosting, open_model,
    ).drop("assumptions", "monthly_tokens", "input_share")
    ui.table(costs, key="tco_costs")
    bars = costs.select("option", pl.col("monthly_cost_low").alias("monthly_usd")).drop_nulls()
    if bars.height:
        st.altair_chart(charts.monthly_cost(bars), width="stretch")
    st.caption("monthly_cost_low/high span the providers of a model; crossover_tokens_per_month is the volume "
               "from which self-hosting costs no more than that option's cheapest provider.")

st.subheader("Default scenario (v_tco_scenarios)")
scenarios = data.tco_scenarios(snap)
ui.table_or_empty(scenarios, "the default cost scenario (v_tco_scenarios)", key="tco_scenarios")
