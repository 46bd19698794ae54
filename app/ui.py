"""Small pieces every page shares: the empty state, readable tables, the history-loading notice, and scraped
text shown strictly as text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

from app import data, format
from warehouse.progress import read_progress


def no_data(what: str) -> None:
    """The empty state. Our own words only: this goes through Markdown."""
    st.info(f"No data yet: {what}. It appears after a collection publishes a snapshot that contains it "
            "(`gapwatch collect`, or `make demo` for recorded data).")


# Rows up to which a table is drawn static (`text_table`) rather than in Streamlit's interactive grid: the grid's
# scripts and canvas cost a page's first render about 0.4 s in the browser (bench/bench_pages.py), worth paying
# for a table one scrolls or sorts, not for one read at a glance.
STATIC_ROWS = 25


def table(frame: pl.DataFrame, *, keep: tuple[str, ...] = (), **kwargs: object) -> None:
    """A table as a reader reads it (labels, $, %, dates, "—"; `app.format`): up to STATIC_ROWS rows drawn whole
    (`text_table`), a longer one in the interactive grid, whose cells are plain text, so collected strings are
    safe there. `keep` names columns left as values (links drawn by a column config, which is then keyed by the
    column's label): such a table is always the grid, as are the grid's own options (`kwargs`) for a long one."""
    if frame.height <= STATIC_ROWS and not keep:
        text_table(frame)
        return
    st.dataframe(format.readable(frame, keep=keep), hide_index=True, **kwargs)


def text_table(frame: pl.DataFrame, **kwargs: object) -> None:
    """A short table whose cells are sentences or names: drawn whole, text wrapped (a dataframe would cut it),
    the first column as the row header. `st.table` renders Markdown (and `$…$` as maths), so every cell, our
    words and collected names alike, is escaped to read literally."""
    shown = format.readable(frame)
    shown = shown.with_columns(pl.col(c).map_elements(format.literal, return_dtype=pl.Utf8) for c in shown.columns)
    table_ = shown.to_pandas()
    st.table(table_.set_index(table_.columns[0]), **kwargs)


def folded(label: str, key: str, *, expanded: bool = False) -> ExpanderContainer:
    """An expander whose content is built only while it is open (`with (box := folded(...)): if box.open: ...`):
    a long table kept folded costs a page's first render nothing, where a plain expander's content is sent and
    drawn, hidden, on every run. Opening it reruns the page with the content built."""
    return st.expander(label, expanded=expanded, key=key, on_change="rerun")


def table_or_empty(frame: pl.DataFrame | None, what: str, **kwargs: object) -> None:
    """The table when the view has rows, else the empty state naming what is missing."""
    if data.present(frame):
        table(frame, **kwargs)
    else:
        no_data(what)


def snapshot_or_stop() -> data.Snapshot:
    """The current snapshot; when none is published yet, say so and end this page's run."""
    snap = data.snapshot()
    if snap is None:
        no_data("nothing has been published")
        st.stop()
    return snap


def loading_notice(snap: data.Snapshot) -> None:
    """While a history build (the demo) is still running, say how far it is: trends are still filling in."""
    progress = read_progress(Path(snap.path))
    if progress is not None and progress.done < progress.total:
        st.warning(f"History loading ({progress.done:,} of {progress.total:,} {progress.what}): figures and "
                   "trends fill in as it goes; reload the page to see more.")
