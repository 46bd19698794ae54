"""Your evaluations: per own board (imported with `gapwatch evals import`), best open vs best closed and the gap,
the public headline of the capability it is mapped to beside it, what each side costs at your volume, and what
the newest import changed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import cost_options, data, filters, format, ui
from gapwatch.settings import get_settings
from warehouse.transforms import tco

st.title("Your evaluations")
snap = ui.snapshot_or_stop()
gaps = data.own_gap(snap)
if not data.present(gaps):
    st.info("No data yet: no evaluations of your own in this snapshot. Import Every Eval Ever records, Inspect AI "
            "logs or lm-eval results with `gapwatch evals import PATH…`, or set `evals_dir` for the service to "
            "watch (docs/evals.md).")
    st.stop()
assert gaps is not None
st.caption("Open = weights published (any open-* class). A model of unknown openness is on neither side: declare "
           "it in your aliases file (`[[model]] openness`).")

defaults = get_settings()
col1, col2 = st.columns(2)
daily_mtok = col1.number_input(
    "Your volume: tokens per day (millions)", min_value=0.0, step=5.0, key="own_daily_mtok",
    value=defaults.tco_monthly_tokens / tco.MTOK / cost_options.DAYS_PER_MONTH)
input_share = col2.slider("Share of input tokens", 0.0, 1.0, defaults.tco_input_share, 0.05, key="own_input_share")
monthly_mtok = daily_mtok * cost_options.DAYS_PER_MONTH

prices = data.model_prices(snap)


def monthly_cost(model: str | None) -> str:
    """What `model` costs at the volume above, at the price a buyer pays (`data.model_prices`: the maker's list
    price, else the cheapest host's; never a reseller's or a grey market's)."""
    if model is None or not data.present(prices):
        return "—"
    assert prices is not None
    rows = prices.filter(pl.col("model_id") == model)
    if rows.is_empty() or rows["input_per_mtok"][0] is None or rows["output_per_mtok"][0] is None:
        return "no live price"
    r = rows.row(0, named=True)
    per_mtok = r["input_per_mtok"] * input_share + r["output_per_mtok"] * (1 - input_share)
    return f"{format.usd(per_mtok * monthly_mtok, cents=False)}/month ({r['kind']}, {r['provider']})"


def score(value: float | None, signed: bool = False) -> str:
    """Own metrics are mostly proportions (accuracy 0.333): three decimals, where the public boards' Elo needs one."""
    return format.num(value, 3, signed=signed)


headline = data.gap_headline(snap, filters.DEFAULT_DEFINITION)
public = ({r["capability"]: r for r in headline.iter_rows(named=True)} if data.present(headline) else {})
rows = []
for r in gaps.iter_rows(named=True):
    mapped = public.get(r["capability"] or "")
    rows.append({
        "board": r["board"], "metric": r["category"],
        "best open": r["best_open_model"], "open score": score(r["best_open_score"]),
        "best closed": r["best_closed_model"], "closed score": score(r["best_closed_score"]),
        "gap": score(r["gap_abs"], signed=True), "as of": r["as_of"],
        "open side cost": monthly_cost(r["best_open_model"]),
        "closed side cost": monthly_cost(r["best_closed_model"]),
        "capability": r["capability"] or "not mapped",
        "public headline": (f"{mapped['best_open_model']} vs {mapped['best_closed_model']} "
                            f"(gap {format.num(mapped['gap_abs'])} on {mapped['board']})"
                            if mapped and mapped.get("board") else "—"),
        "openness unknown": ", ".join(r["unknown_models"] or []) or "—",
    })
ui.text_table(pl.DataFrame(rows))

st.subheader("What the newest import changed")
changed = data.own_changes(snap)
if data.present(changed):
    assert changed is not None
    ui.table(changed.with_columns(pl.col("before").map_elements(score, return_dtype=pl.Utf8),
                                  pl.col("after").map_elements(score, return_dtype=pl.Utf8)))
else:
    ui.no_data("own evaluation scores")
