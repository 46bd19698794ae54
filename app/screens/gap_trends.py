"""Gap trends: how far behind the best open model has been, over time, per capability and board."""

from __future__ import annotations

import streamlit as st

from app import charts, data, filters, ui

st.title("Gap trends")
snap = ui.snapshot_or_stop()
definition = filters.definition()

boards = data.gap_boards(snap, definition)
if not data.present(boards):
    ui.no_data(f"gap history for the {definition} definition (v_gap_over_time)")
else:
    left, right = st.columns(2)
    with left:
        capability = filters.choose("Capability", boards["capability"].unique(maintain_order=True).to_list(),
                                    "capability", default="general", from_query="capability")
    with right:
        board = filters.choose("Board", boards.filter(boards["capability"] == capability)["board"].to_list(),
                               "board", from_query="board")
    series = data.gap_over_time(snap, definition, capability, board)
    if data.present(series):
        st.altair_chart(charts.gap_over_time(series), width="stretch")
        ui.table(series, key="gap_series")
    else:
        ui.no_data(f"gap history for {capability} on {board}")

st.subheader("How many months open models trail")
summary = data.months_behind_summary(snap, definition)
if data.present(summary):
    ui.table(summary, key="months_summary")
    st.caption("For each closed state of the art: months until an open model matched its score "
               "(matched); unmatched = not matched yet.")
    detail_capability = filters.choose("Details for", summary["capability"].to_list(), "months_capability")
    detail = data.months_behind(snap, definition, detail_capability)
    if data.present(detail):
        ui.table(detail, key="months_detail")
else:
    ui.no_data("months-behind figures (v_months_behind_summary)")
