"""Licences: how open the top models are over time, how licence texts changed (the diff), and why each model
has the openness class it has."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import charts, data, filters, ui

st.title("Licences")
snap = ui.snapshot_or_stop()

st.subheader(f"Openness of the top {data.TOP_N} over time")
stack = data.openness_of_top_over_time(snap)
if data.present(stack):
    st.altair_chart(charts.openness_stack(stack), width="stretch")
    st.caption("The top models of the main general-capability board at each change, with their current class.")
else:
    ui.no_data("scores mapped to capabilities with openness (v_capability_scores, v_model_names)")

st.subheader("Licence text changes")
diffs = data.license_diffs(snap)
if data.present(diffs):
    ui.table(diffs.drop("diff"), key="license_diffs")
    licence = filters.choose("Licence", diffs["license_id"].unique(maintain_order=True).to_list(), "licence",
                             from_query="licence")
    chosen = diffs.filter(pl.col("license_id") == licence).row(0, named=True)
    # Collected licence text: st.code shows it verbatim, never as Markdown or HTML.
    st.code(chosen["diff"], language="diff")
    versions = data.license_text_versions(snap, licence)
    if data.present(versions):
        ui.table(versions, key="license_versions")
else:
    ui.no_data("licence text versions with a change (v_license_diffs)")

st.subheader("Licence change events")
events = data.license_changes(snap)
ui.table_or_empty(events, "licence changes (v_changes, kind license_change)", key="license_events")

st.subheader("Current licences")
current = data.license_current(snap)
ui.table_or_empty(current, "licences (v_license_current)", key="license_current")

st.subheader("Per-model evidence")
openness = data.model_openness(snap)
if data.present(openness):
    model = filters.choose("Model", openness["model_id"].to_list(), "openness_model", from_query="model_id")
    row = openness.filter(pl.col("model_id") == model)
    ui.table(row.drop("evidence"), key="openness_row")
    evidence = row["evidence"][0]
    st.code(evidence if evidence else "(no evidence recorded)", language="json")
    with st.expander("All models"):
        ui.table(openness.drop("evidence"), key="openness_all")
else:
    ui.no_data("openness classes (v_model_openness)")
