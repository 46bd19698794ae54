"""Changes: the event feed (new leaders, overtakes, price moves, new models, licence changes, source health),
each as a sentence, filterable by kind, source and date, each linking to the page about its entity."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app import data, filters, links, sentences, ui

st.title("Changes")
snap = ui.snapshot_or_stop()
ui.loading_notice(snap)

kinds = data.change_kinds(snap)
if not kinds:
    ui.no_data("change events (v_changes)")
    st.stop()

span = data.change_span(snap)
c1, c2, c3 = st.columns([2, 2, 2])
with c1:
    chosen = filters.choose_many("Kinds", kinds, "change_kinds", label_of=lambda k: k.replace("_", " "))
with c2:
    labels = data.source_labels(snap)
    sources = filters.choose_many("Sources", data.change_sources(snap), "change_sources",
                                  label_of=lambda s: labels.get(s, s))
with c3:
    if span is not None:
        first, last = span
        picked = st.date_input("Between", value=(first, last), min_value=first, max_value=last, key="change_dates")
        since, until = (picked if isinstance(picked, tuple) and len(picked) == 2 else (first, last))
    else:
        since = until = None
limit = 500
feed = data.changes(snap, tuple(chosen), limit, sources=tuple(sources), since=since,
                    until=until + timedelta(days=1) if until else None)
if not data.present(feed):
    ui.no_data("events of the chosen kinds, sources and dates")
    st.stop()

feed = sentences.change_feed(feed.with_columns(links.entity_links(feed)))
ui.table(
    feed.select("observed_at", "kind", "sentence", "source", "open", "backfill"),
    links={"open": "open page"},
    key="change_feed",
)
st.caption(f"At most {limit} events, newest first. Details leads to the page about the event's entity (a "
           "price's model history, a licence's evidence, the gap trends, a source's health). Reconstructed events "
           "were derived from past documents (a backfill or the demo's history).")
