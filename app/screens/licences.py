"""Licences: how open the top models are over time, how licence texts changed (the diff), and why each model
has the openness class it has."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from app import charts, data, filters, format, sentences, ui

st.title("Licences")
snap = ui.snapshot_or_stop()
ui.loading_notice(snap)

stack = data.openness_of_top_over_time(snap)
st.subheader(f"Openness of the top {data.TOP_N} over time")
if data.present(stack):
    ui.chart(charts.openness_stack(stack, data.TOP_N))
    st.caption(f"The {data.TOP_N} best models on {stack['board'][0]} each week, by their licence class today "
               "(a licence change re-labels a model's past too).")
else:
    ui.no_data("the top models' openness over time (v_openness_top)")

st.subheader("Licence text changes")
diffs = data.license_diffs(snap)
if data.present(diffs):
    ui.table(diffs.drop("diff", "from_sha256", "to_sha256"), key="license_diffs")
    licence = filters.choose("Licence", diffs["license_id"].unique(maintain_order=True).to_list(), "licence",
                             from_query="licence")
    chosen = diffs.filter(pl.col("license_id") == licence).row(0, named=True)
    ui.verbatim(chosen["diff"], diff=True)  # collected licence text: shown as typed, never as Markdown or HTML
    versions = data.license_text_versions(snap, licence)
    if data.present(versions):
        ui.table(versions.drop("text_sha256"), key="license_versions")
else:
    ui.no_data("licence text versions with a change (v_license_diffs)")

st.subheader("Licence change events")
events = data.license_changes(snap)
if data.present(events):
    said = sentences.change_feed(events.with_columns(kind=pl.lit("license_change"), magnitude=pl.lit(None)))
    ui.table(said.select("observed_at", "sentence", "source"), key="license_events")
else:
    ui.no_data("licence changes (v_changes, kind license_change)")

st.subheader("Current licences")
current = data.license_current(snap)
ui.table_or_empty(current, "licences (v_license_current)", key="license_current")

st.subheader("Per-model evidence")
openness = data.model_openness(snap)
if data.present(openness):
    top = data.top_models(snap)
    ranked = top["model"].to_list() if data.present(top) else []
    default = next((m for m in ranked if m in set(openness["model_id"])), None)
    model = filters.choose("Model", openness["model_id"].to_list(), "openness_model", default=default,
                           from_query="model_id")
    row = openness.filter(pl.col("model_id") == model)
    ui.table(row.drop("evidence"), key="openness_row")
    evidence = row["evidence"][0]
    try:
        items = json.loads(evidence) if evidence else []
    except ValueError:
        items = []
    if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
        ui.table(pl.DataFrame([{k: (v if isinstance(v, str | int | float | bool) or v is None else json.dumps(v))
                                for k, v in i.items()} for i in items], infer_schema_length=None).rename(
                     lambda c: "evidence_kind" if c == "kind" else c),
                 key="openness_evidence")
    else:
        ui.verbatim(evidence if evidence else "(no evidence recorded)")
    st.caption(f"Why {model} is {format.MISSING if row['openness'][0] is None else row['openness'][0]}: "
               "each source's statement about its weights and licence.")
    with (box := ui.folded("All models", "openness_all_open")):
        if box.open:
            ui.table(openness.drop("evidence"), key="openness_all")
else:
    ui.no_data("openness classes (v_model_openness)")
