"""Licences: how open the top models are over time, which licences changed (with the text diff), and why each
model has the openness class it has."""

from __future__ import annotations

import streamlit as st

from app import charts, data, diffs, filters, ui

st.title("Licences")
snap = ui.snapshot_or_stop()

st.subheader(f"Openness of the top {data.TOP_N} over time")
stack = data.openness_of_top_over_time(snap)
if data.present(stack):
    st.altair_chart(charts.openness_stack(stack), width="stretch")
    st.caption("Each model is shown with its current openness class.")
else:
    ui.no_data("scores mapped to capabilities with openness (v_capability_scores, v_model_names)")

st.subheader("Licence changes")
changed = data.license_changes(snap)
if data.present(changed):
    ui.table(changed.select("observed_at", "entity", "source"), key="license_changes")
    labels = [f"{row['observed_at']} · {row['entity']}" for row in changed.iter_rows(named=True)]
    picked = st.selectbox("Show the diff of", range(len(labels)), format_func=labels.__getitem__,
                          key="license_change_pick")
    row = changed.row(picked, named=True)
    # The diff holds collected licence text: st.code shows it verbatim, never as Markdown or HTML.
    st.code(diffs.unified(row["before"], row["after"]) or "(no textual difference)", language="diff")
else:
    ui.no_data("licence changes (v_changes, kind license_change)")

st.subheader("Current licences")
current = data.license_current(snap)
if data.present(current):
    ui.table(current, key="license_current")
else:
    ui.no_data("licences (v_license_current)")

st.subheader("Per-model evidence")
openness = data.model_openness(snap)
if data.present(openness):
    model = filters.choose("Model", openness["model_id"].to_list(), "openness_model", from_query="model_id")
    row = openness.filter(openness["model_id"] == model).row(0, named=True)
    ui.table(openness.filter(openness["model_id"] == model).drop("evidence"), key="openness_row")
    st.code(diffs.pretty(row["evidence"]), language="json")
    with st.expander("All models"):
        ui.table(openness.drop("evidence"), key="openness_all")
else:
    ui.no_data("openness classes (v_model_openness)")
