"""gapwatch app entry point: `streamlit run app/main.py`. The router and the frame around every page."""

from __future__ import annotations

from pathlib import Path

import duckdb
import streamlit as st

from app import data
from warehouse.publish import SnapshotUnreadable

# Not `pages/`: Streamlit treats a `pages/` folder next to the entry script as the old file-based navigation and
# then serves /<page> URLs without running this script (no router, no frame).
SCREENS = Path(__file__).parent / "screens"

st.set_page_config(page_title="gapwatch", layout="wide")

landscape = st.Page(SCREENS / "landscape.py", title="Landscape", url_path="home", default=True)
PAGES = [
    landscape,
    st.Page(SCREENS / "gap_trends.py", title="Gap trends", url_path="gap_trends"),
    st.Page(SCREENS / "prices.py", title="Prices", url_path="prices"),
    st.Page(SCREENS / "licences.py", title="Licences", url_path="licences"),
    st.Page(SCREENS / "changes.py", title="Changes", url_path="changes"),
    st.Page(SCREENS / "cost.py", title="Cost calculator", url_path="cost"),
    st.Page(SCREENS / "evals.py", title="Your evaluations", url_path="evals"),
    st.Page(SCREENS / "sources.py", title="Sources", url_path="sources"),
    st.Page(SCREENS / "sql.py", title="SQL", url_path="sql"),
]
# The default page lives at `/`; `/landscape` (a link someone shares, the page's own name) is the same page
# under a second address. It is routed but not listed: the sidebar below lists each page once.
ALIAS = st.Page(SCREENS / "landscape.py", title="Landscape", url_path="landscape")

page = st.navigation([*PAGES, ALIAS], position="hidden")
with st.sidebar:
    for listed in PAGES:
        st.page_link(listed, label=listed.title)

# A damaged snapshot (truncated, overwritten) is said once, in words, on every page: no traceback, no server path.
try:
    snap = data.snapshot()
    if snap is None:
        st.sidebar.caption("No snapshot published yet.")
    else:
        published = snap.published_at.strftime("%Y-%m-%d %H:%M UTC") if snap.published_at else "unknown time"
        st.sidebar.caption(f"Data version {snap.version} · published {published}")
    page.run()
except SnapshotUnreadable as exc:
    st.error(str(exc))
except duckdb.IOException as exc:  # the header read but a data block is cut off
    st.error(str(SnapshotUnreadable(exc)))
