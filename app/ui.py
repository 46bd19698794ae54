"""Small pieces every page shares: the empty state, tables, and scraped text shown strictly as text."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import data


def no_data(what: str) -> None:
    """The empty state. Our own words only: this goes through Markdown."""
    st.info(f"No data yet: {what}. It appears after a collection publishes a snapshot that contains it "
            "(`gapwatch collect`, or `make demo` for recorded data).")


def table(frame: pl.DataFrame, **kwargs: object) -> None:
    """A dataframe cell is plain text, so collected strings are safe here."""
    st.dataframe(frame, hide_index=True, **kwargs)


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


def fmt_num(value: float | int | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"
