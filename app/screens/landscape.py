"""Landscape: where open models stand against closed ones right now, per capability, and what just changed."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import data, filters, ui

st.title("Landscape")
snap = ui.snapshot_or_stop()
definition = filters.definition()

top = data.top_models(snap)
share = data.open_share_top(top, definition)
tracked = data.models_tracked(snap)
cheapest = data.cheapest_at_frontier(snap)

col1, col2, col3 = st.columns(3)
col1.metric("Models tracked", "—" if tracked is None else f"{tracked:,}",
            help="Canonical models with an openness class (v_model_openness).")
col2.metric(f"Open share of the top {data.TOP_N}", "—" if share is None else f"{share:.0%}",
            help=f"Current top {data.TOP_N} on the main general-capability board; open = {definition}.")
if data.present(cheapest):
    col3.metric(f"Cheapest of the top {data.TOP_N} by quality", f"${cheapest['blended_price'][0]:,.2f} / 1M",
                help="Blended price on the latest date of v_price_frontier.")
    col3.text(f"{cheapest['model'][0]} ({cheapest['date'][0]})")
else:
    col3.metric(f"Cheapest of the top {data.TOP_N} by quality", "—")

st.subheader(f"The gap per capability ({definition})")
gap = data.gap_table(snap, definition)
if data.present(gap):
    columns = {
        "gap_rel": st.column_config.NumberColumn("gap_rel", format="percent"),
        "change_30d": st.column_config.NumberColumn("change_30d", help="Change of gap_abs over 30 days"),
        "change_90d": st.column_config.NumberColumn("change_90d", help="Change of gap_abs over 90 days"),
    }
    ui.table(gap.filter(pl.col("is_headline")).drop("is_headline"), column_config=columns, key="gap_table")
    st.caption("One headline board per capability. gap_abs = best closed score − best open score on that board; "
               "a negative change means open models are catching up.")
    with st.expander("Every board"):
        ui.table(gap.drop("is_headline"), column_config=columns, key="gap_all_boards")
else:
    ui.no_data("the per-capability gap (v_gap_by_capability)")

st.subheader("Latest changes")
recent = data.changes(snap, limit=10)
if data.present(recent):
    ui.table(recent.select("observed_at", "kind", "entity", "source", "magnitude"), key="recent_changes")
    st.page_link("screens/changes.py", label="All changes →")
else:
    ui.no_data("change events (v_changes)")
