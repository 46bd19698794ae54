"""Cost calculator: a workload's monthly cost on a closed API, a hosted open model and self-hosted open weights
(live prices as defaults, every price editable), the volume from which self-hosting wins, and the seed's
decision factors next to the money."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, cost_options, data, decision, filters, format, ui
from gapwatch.settings import get_settings
from gapwatch.vocabulary import open_classes
from warehouse.transforms import tco

st.title("Cost calculator")
snap = ui.snapshot_or_stop()
defaults = get_settings()
definition = filters.definition()

st.subheader("Your workload")
col1, col2, col3 = st.columns(3)
daily_mtok = col1.number_input(
    "Tokens per day (millions, input + output)", min_value=0.0, step=5.0, key="tco_daily_mtok",
    value=defaults.tco_monthly_tokens / tco.MTOK / cost_options.DAYS_PER_MONTH)
input_share = col2.slider("Share of input tokens", 0.0, 1.0, defaults.tco_input_share, 0.05, key="tco_input_share",
                          format="%.2f")
monthly_tokens = daily_mtok * tco.MTOK * cost_options.DAYS_PER_MONTH
ui.metric("Tokens per month", format.tokens(monthly_tokens), where=col3)
workload = tco.Workload(monthly_tokens=monthly_tokens, input_share=input_share)

prices = data.tco_prices(snap)
# Token models only (image and audio models are not priced per token here) and only models with a price a buyer
# can count on: a closed model's list price, an open model's maker or hosts.
if data.present(prices):
    scenario = data.tco_scenarios(snap)
    picked = dict(zip(scenario["option"], scenario["model"], strict=True)) if data.present(scenario) else {}
    open_rows = pl.col("openness").is_in(open_classes(definition)) & ~pl.col("reseller")
    closed_models = prices.filter((pl.col("openness") == "closed") & (pl.col("role") == "maker"))[
        "model_id"].unique(maintain_order=True).to_list()
    open_models = prices.filter(open_rows)["model_id"].unique(maintain_order=True).to_list()
else:
    prices, picked, closed_models, open_models = None, {}, [], []
    st.info("No live prices in this snapshot yet: enter prices below (they default to the seed's example).")

ROLE_LABELS = {"maker": "list price", "host": "host", "reseller": "reseller, not counted",
               "grey_market": "grey market, not counted"}
NO_LISTINGS = pl.DataFrame(schema={"provider": pl.String, "role": pl.String, "reseller": pl.Boolean,
                                   "tier": pl.String, "input_per_mtok": pl.Float64, "output_per_mtok": pl.Float64,
                                   "per_mtok": pl.Float64})


def listings(model_id: str | None) -> pl.DataFrame:
    if prices is None or model_id is None:
        return NO_LISTINGS
    return prices.filter(pl.col("model_id") == model_id).with_columns(
        per_mtok=pl.col("input_per_mtok") * input_share + pl.col("output_per_mtok") * (1 - input_share))


def providers_text(rows: pl.DataFrame) -> str:
    if rows.is_empty():
        return "no live price"
    named = [f"{r['provider']} ({ROLE_LABELS.get(r['role'], r['role'])}) {format.usd(r['per_mtok'])}"
             for r in rows.sort("per_mtok").iter_rows(named=True)]
    return ", ".join(named) + f" — {rows['tier'][0]} tier"


st.subheader("Options")
left, middle, right = st.columns(3)
with left:
    st.markdown("**Closed API**")
    closed = filters.choose("Model", closed_models, "tco_closed", default=picked.get("closed_api"))
    if closed is None:
        st.caption("No closed model with a live price in this snapshot: enter its prices.")
    closed_rows = listings(closed)
    # The maker's list price (resellers and grey markets below it are shown, flagged, never the default).
    first = closed_rows.filter(pl.col("role") == "maker").sort("per_mtok").head(1)
    live_in = float(first["input_per_mtok"][0]) if first.height else 1.0
    live_out = float(first["output_per_mtok"][0]) if first.height else 2.0
    closed_in = st.number_input("$ per 1M input tokens", 0.0, value=live_in, step=0.05, format="%.3f",
                                key=f"tco_closed_in:{closed}")
    closed_out = st.number_input("$ per 1M output tokens", 0.0, value=live_out, step=0.1, format="%.3f",
                                 key=f"tco_closed_out:{closed}")
    if closed_rows.height:
        st.caption(f"Live: {providers_text(closed_rows)} (blended per 1M)")
with middle:
    st.markdown("**Hosted open model**")
    open_model = filters.choose(f"Model ({definition})", open_models, "tco_open", default=picked.get("hosted_open"))
    open_rows = listings(open_model)
    span = open_rows.filter(~pl.col("reseller"))  # the maker's API and the hosts: the market
    live_low = float(span["per_mtok"].min()) if span.height else 0.8
    live_high = float(span["per_mtok"].max()) if span.height else 1.07
    hosted_low = st.number_input("$ per 1M tokens, cheapest provider", 0.0, value=live_low, step=0.05,
                                 format="%.3f", key=f"tco_open_low:{open_model}:{input_share}")
    hosted_high = st.number_input("$ per 1M tokens, dearest provider", 0.0, value=live_high, step=0.05,
                                  format="%.3f", key=f"tco_open_high:{open_model}:{input_share}")
    providers = span["provider"].n_unique() if span.height else 0
    if open_rows.height:
        st.caption(f"Live ({providers} provider{'s' if providers != 1 else ''}, resellers flagged, not counted): "
                   f"{providers_text(open_rows)}")
with right:
    st.markdown("**Self-hosted open weights**")
    h1, h2 = st.columns(2)
    gpus = int(h1.number_input("GPUs per replica", 1, value=defaults.tco_gpus_per_replica, key="tco_gpus"))
    min_replicas = int(h2.number_input("Replicas (at least)", 1, value=defaults.tco_min_replicas,
                                       key="tco_min_replicas"))
    rent_low = h1.number_input("$ per GPU-hour, low", 0.0, value=defaults.tco_gpu_hourly_usd, step=0.1,
                               key="tco_gpu_low")
    rent_high = h2.number_input("$ per GPU-hour, high", 0.0, value=defaults.tco_gpu_hourly_usd * 2, step=0.1,
                                key="tco_gpu_high")
    tps = h1.number_input("Tokens/s per replica", 1.0, value=defaults.tco_replica_tokens_per_s, key="tco_tps")
    utilisation = h2.slider("Utilisation", 0.05, 1.0, defaults.tco_utilisation, 0.05, key="tco_util")
    ops = st.number_input("Operations ($ per month: people, monitoring)", 0.0, value=defaults.tco_ops_usd_per_month,
                          step=100.0, key="tco_ops")
hosting = tco.SelfHosting(gpu_hourly_usd=rent_low, gpus_per_replica=gpus, replica_tokens_per_s=tps,
                          utilisation=utilisation, ops_usd_per_month=ops, min_replicas=min_replicas)
options = cost_options.estimates(workload, closed, closed_in, closed_out, open_model, hosted_low, hosted_high,
                                 hosting, rent_high)

st.subheader("Monthly cost")
cols = st.columns(3)
for col, est in zip(cols, options, strict=True):
    ui.metric(f"{est.option}, per month", format.usd_range(est.low, est.high, cents=False),
              help=f"{format.usd_range(est.per_mtok_low, est.per_mtok_high)} per 1M tokens", where=col)
    col.caption(" · ".join(x for x in (est.model or "", est.note) if x))
bars = pl.DataFrame({"option": [e.option for e in options], "low": [e.low for e in options],
                     "high": [e.high for e in options],
                     "label": [format.usd_range(e.low, e.high, cents=False) for e in options]})
ui.chart(charts.monthly_cost(bars))


def crossover(e: cost_options.Estimate, tokens: float | None) -> str:
    if e.option.startswith("Self"):
        return format.MISSING
    return "never (within 1,000 replicas)" if tokens is None else f"{format.tokens(tokens)} tokens"


ui.text_table(pl.DataFrame([{
    "option": e.option, "$ per 1M tokens": format.usd_range(e.per_mtok_low, e.per_mtok_high),
    "$ per month": format.usd_range(e.low, e.high, cents=False),
    "self-hosting wins from (per day)": crossover(e, e.crossover_per_day),
    "self-hosting wins from (per month)": crossover(e, e.crossover_per_month),
} for e in options]))
st.caption(f"A month is {cost_options.DAYS_PER_MONTH} days of your daily volume; API cost = tokens × (input share × "
           "input price + output share × output price). Self-hosting rents enough replicas for the volume at the "
           "utilisation you set, around the clock, plus operations; the crossover is the volume from which that "
           "(at the low GPU rent) costs no more than the API option.")

st.subheader("Decision factors")
f1, f2, f3, f4 = st.columns(4)
sensitivity = f1.selectbox("Data sensitivity", decision.SENSITIVITY, key="tco_sensitivity")
team = f2.selectbox("Team", decision.TEAM, key="tco_team")
performance = f3.selectbox("Performance need", decision.PERFORMANCE, index=1, key="tco_performance")
vendor_risk = f4.selectbox("Vendor risk", decision.VENDOR_RISK, index=1, key="tco_vendor_risk")
headline = data.gap_headline(snap, definition)
gap_note = None
if data.present(headline):
    row = headline.filter(pl.col("capability") == "general").row(0, named=True)
    if row["gap_abs"] is not None:
        gap_note = (f"general capability on {row['board']}: best closed {format.num(row['best_closed_score'])}, "
                    f"best open {format.num(row['best_open_score'])}, gap {format.num(row['gap_abs'])}")
own = data.own_gap(snap)
if data.present(own):  # your own results say more about your tasks than any public board
    assert own is not None
    both = own.filter(pl.col("gap_abs").is_not_null())
    if not both.is_empty():
        gap_note = "your evaluations: " + "; ".join(
            f"{r['board']}/{r['category']}: best closed {format.num(r['best_closed_score'], 3)}, best open "
            f"{format.num(r['best_open_score'], 3)}, gap {format.num(r['gap_abs'], 3, signed=True)}"
            for r in both.head(3).iter_rows(named=True)) + (f" — public: {gap_note}" if gap_note else "")
factors = decision.assess(sensitivity, monthly_tokens / tco.MTOK, team, performance, vendor_risk, gap_note)
ui.text_table(pl.DataFrame([f.__dict__ for f in factors]))

with st.expander("The warehouse's default scenario (from the settings)"):
    scenarios = data.tco_scenarios(snap)
    ui.table_or_empty(scenarios, "the default cost scenario (v_tco_scenarios)", key="tco_scenarios")
