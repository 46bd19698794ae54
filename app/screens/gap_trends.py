"""Gap trends: how far behind the best open model has been, over time, per capability and board (in the style
of Epoch's open-vs-closed charts), and how many months open models trail."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, data, filters, format, ui

st.title("Gap trends")
snap = ui.snapshot_or_stop()
ui.loading_notice(snap)
definition = filters.definition()

boards = data.gap_boards(snap, definition)
headline = data.gap_headline(snap, definition)
summary = data.months_behind_summary(snap, definition)
if not data.present(boards):
    ui.no_data(f"gap history for the {definition} definition (v_gap_over_time)")
else:
    main = ({r["capability"]: r["board"] for r in headline.iter_rows(named=True) if r["board"]}
            if data.present(headline) else {})
    left, right = st.columns(2)
    with left:
        capability = filters.choose("Capability", boards["capability"].unique(maintain_order=True).to_list(),
                                    "capability", default="general", from_query="capability",
                                    label_of=lambda c: c.replace("_", " ").capitalize())
    with right:
        # The capability's headline board first: the one the Landscape and the alerts speak of.
        options = boards.filter(pl.col("capability") == capability)["board"].to_list()
        options.sort(key=lambda b: (b != main.get(capability), b))
        board = filters.choose("Board", options, f"board:{capability}", default=main.get(capability),
                               from_query="board")
    series = data.gap_over_time(snap, definition, capability, board)
    if data.present(series):
        behind = None
        if data.present(summary):
            row = summary.filter(pl.col("capability") == capability)
            behind = row["median_months"][0] if row.height else None
        as_of = data.as_of(snap)
        ui.chart(charts.gap_over_time(series, board, as_of, behind))
        last = series.tail(1).row(0, named=True)
        st.caption(f"{format.when(series['date'][0])} to {format.when(as_of)} on {board} "
                   f"({charts.unit_of(board)}). Now: best closed {last['best_closed_model']} "
                   f"{format.num(last['best_closed_score'])}, best open {last['best_open_model']} "
                   f"{format.num(last['best_open_score'])}; the shaded band is the gap. Open = {definition}.")
        with (box := ui.folded("Every change of the leaders", "gap_series_open")):
            if box.open:
                ui.table(series.sort("date", descending=True), key="gap_series")
    else:
        ui.no_data(f"gap history for {capability} on {board}")

st.subheader("How many months open models trail")
if data.present(summary):
    ui.table(summary, key="months_summary")
    st.caption("For each closed state of the art: the months until an open model matched its score. Matched: "
               "how many were matched; not matched yet: closed results no open model has reached.")
    detail_capability = filters.choose("Details for", summary["capability"].to_list(), "months_capability",
                                       label_of=lambda c: c.replace("_", " ").capitalize())
    detail = data.months_behind(snap, definition, detail_capability)
    if data.present(detail):
        ui.table(detail, key="months_detail")
else:
    ui.no_data("months-behind figures (v_months_behind_summary)")
