"""Sources: is each collector healthy, and which collected model names are not matched to a model yet."""

from __future__ import annotations

import streamlit as st

from app import data, sentences, ui

st.title("Sources")
snap = ui.snapshot_or_stop()
ui.loading_notice(snap)

st.subheader("Health per source")
health = data.source_health(snap)
if data.present(health):
    if health["last_run"].is_null().all():
        ui.no_data("no collection has run yet")
    failing = health.filter(health["failures_in_a_row"] > 0).height
    never = health.filter(health["last_success"].is_null()).height
    c1, c2, c3 = st.columns(3)
    ui.metric("Sources", health.height, where=c1)
    ui.metric("Failing now", failing, where=c2)
    ui.metric("Never succeeded", never, where=c3)
    # What was held back and why a source is retired are sentences, each said in full under the table: in it
    # they pushed the Stale column off the page and stretched their rows to ten lines.
    ui.table(health.drop("held_back", "retired"), key="source_health")
    for row in health.filter(health["held_back"].is_not_null()).iter_rows(named=True):
        # Entries that failed validation: shown as text (they quote upstream values), never as Markdown.
        st.text(f"⚠ {row['source']}: {row['held_back']}")
    if notice := sentences.stale_notice(health):  # one notice, however many: sixteen boxes buried the page
        st.warning(notice)
    for row in health.filter(health["retired"].is_not_null()).iter_rows(named=True):
        st.caption(f"**{row['source']}** is retired (not scheduled; its history is kept): {row['retired']}")
else:
    ui.no_data("collection runs")

st.subheader("Unmatched model names")
unmatched = data.unmatched_names(snap)
if data.present(unmatched):
    ui.metric("Unmatched names", unmatched.height)
    ui.table(unmatched, key="unmatched")
    st.caption("Names a source uses that identity resolution could not map to a canonical model; "
               "add a manual alias to match them.")
elif unmatched is not None and data.names_seen(snap):
    st.success("Every collected model name is matched to a canonical model.")
else:
    ui.no_data("model names resolved by identity resolution (v_unmatched_names)")
