"""Landscape: the seed's table first (best open vs best closed per capability, the gap and where it is heading),
then the headline figures of the same main board, the gap over time per capability, and what just changed."""

from __future__ import annotations

import streamlit as st

from app import charts, data, filters, format, sentences, ui
from warehouse.changes import KINDS

MARKET_KINDS = tuple(k for k in KINDS if not k.startswith("source_"))

st.title("Landscape")
snap = ui.snapshot_or_stop()
definition = filters.definition()
ui.loading_notice(snap)

headline = data.gap_headline(snap, definition)
if headline is not None:
    headline = data.with_side_prices(headline, data.model_prices(snap))
st.subheader("Open vs closed, per capability")
if headline is None:
    ui.no_data("the per-capability gap (v_gap_headline)")
else:
    ui.text_table(sentences.headline_table(headline))
    stale = [format.words(r["capability"]) for r in headline.iter_rows(named=True) if r.get("stale")]
    st.caption(f"Open = {definition}. Gap = best closed score − best open score on the capability's main board "
               "(Elo points for arena boards, % solved for benchmarks); ↓ the gap shrank over 90 days, ↑ it grew. "
               "$/1M: what each side's best model costs today, blended (3 input : 1 output tokens, $ per 1M, standard "
               "tier): its maker's list price, else the cheapest host's; — where no maker or host lists one. "
               "Each row answers from the freshest board that can; *Data of* is the day its board's data are of "
               f"and how much older than the newest data gapwatch holds ({format.day(data.as_of(snap))})."
               + (f" Stale (no fresher board can answer): {', '.join(stale)}." if stale else ""))
    notes = [(r["capability"], r["note"]) for r in headline.iter_rows(named=True)
             if r["note"] and not format.is_missing(r["gap_abs"])]
    if notes:
        with st.expander("How each capability's board was chosen"):
            # Notes name boards and models from the data: shown as plain text, never as Markdown.
            st.text("\n\n".join(f"{format.words(c)}: {n}" for c, n in notes))

top = data.top_models(snap)
share = data.open_share_top(top, definition)
tracked = data.models_tracked(snap)
cheapest = data.cheapest_of_top(snap)

board_name = top["board"][0] if data.present(top) else "the main general board"
col1, col2, col3 = st.columns(3)
ui.metric("Models tracked", "—" if tracked is None else f"{tracked:,}",
          help="Models with an openness class, from every source's names matched to one model.", where=col1)
ui.metric(f"Open share of the top {data.TOP_N}", "—" if share is None else format.pct(share, ratio=True),
          help=f"Current top {data.TOP_N} on {board_name}; open = {definition}.", where=col2)
if data.present(cheapest):
    ui.metric(f"Cheapest of the top {data.TOP_N} by quality", f"{format.usd(cheapest['price'][0])} / 1M",
              help=f"Of the same top {data.TOP_N} on {board_name}, the cheapest blended price (3 input : 1 output "
                   "tokens) a buyer pays: the maker's list price, else the cheapest host's market price; never a "
                   "reseller's or a grey market's.", where=col3)
    row = cheapest.row(0, named=True)
    col3.caption(f"{row['model']} (rank {row['rank']}): {row['kind']} price at {row['provider']} ({row['tier']}), "
                 f"since {format.day(row['since'])}")
else:
    ui.metric(f"Cheapest of the top {data.TOP_N} by quality", "—", where=col3)

if data.present(headline):
    pairs = tuple((r["capability"], r["board"]) for r in headline.iter_rows(named=True) if r["board"])
    series = data.headline_series(snap, definition, pairs)
    if data.present(series):
        # Only capabilities with a gap to draw; each line runs to its board's newest data, never past it: a board
        # that stopped in December is not carried to July and called "now".
        ends = {(r["capability"], r["board"]): r.get("data_date") or r["as_of"]
                for r in headline.iter_rows(named=True) if r["board"]}
        series = charts.extend_each(series.drop_nulls("gap_abs"), "date", ends, by=["capability", "board"])
    if data.present(series):
        st.subheader("The gap over time, per capability")
        ui.chart(charts.gap_small_multiples(series))
        st.caption("Best closed − best open score on each capability's main board, step by step to the day its "
                   "board's data are of. Below zero, an open model leads.")

st.subheader("Latest changes")
# The market's moves; a source's health (stale, failing, quarantined) is the Sources page's, where it cannot
# crowd out a new leader.
recent = data.changes(snap, MARKET_KINDS, limit=10)
if data.present(recent):
    ui.text_table(sentences.change_feed(recent).select("observed_at", "sentence"))
    st.page_link("screens/changes.py", label="All changes →")
else:
    ui.no_data("change events (v_changes)")
