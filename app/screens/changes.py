"""Changes: the event feed (new leaders, overtakes, price moves, new models, licence changes, source health)."""

from __future__ import annotations

import streamlit as st

from app import data, filters, links, ui

st.title("Changes")
snap = ui.snapshot_or_stop()

kinds = data.change_kinds(snap)
if not kinds:
    ui.no_data("change events (v_changes)")
    st.stop()

left, right = st.columns([2, 1])
with left:
    chosen = filters.choose_many("Kinds", kinds, "change_kinds")
with right:
    limit = st.number_input("Show at most", min_value=10, max_value=5000, value=200, step=50, key="change_limit")
feed = data.changes(snap, tuple(chosen), int(limit))
if not data.present(feed):
    ui.no_data("events of the chosen kinds")
    st.stop()

feed = feed.with_columns(links.entity_links(feed))
ui.table(
    feed.select("observed_at", "kind", "entity", "open", "source", "magnitude", "backfill", "before", "after",
                "evidence"),
    column_config={"open": st.column_config.LinkColumn("open", display_text="open page")},
    key="change_feed",
)
st.caption("`open` leads to the page about the event's entity (a price's model history, a licence's evidence, "
           "the gap trends, a source's health). Backfilled events were reconstructed from past documents.")
