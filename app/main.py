"""gapwatch app entry point: `streamlit run app/main.py`. The router and the frame around every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import data, filters

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="gapwatch", layout="wide")

page = st.navigation(
    [
        st.Page(PAGES / "landscape.py", title="Landscape", url_path="landscape", default=True),
        st.Page(PAGES / "gap_trends.py", title="Gap trends", url_path="gap_trends"),
        st.Page(PAGES / "prices.py", title="Prices", url_path="prices"),
        st.Page(PAGES / "licences.py", title="Licences", url_path="licences"),
        st.Page(PAGES / "changes.py", title="Changes", url_path="changes"),
        st.Page(PAGES / "cost.py", title="Cost calculator", url_path="cost"),
        st.Page(PAGES / "sources.py", title="Sources", url_path="sources"),
        st.Page(PAGES / "sql.py", title="SQL", url_path="sql"),
    ]
)

filters.definition_picker()
snap = data.snapshot()
if snap is None:
    st.sidebar.caption("No snapshot published yet.")
else:
    published = snap.published_at.strftime("%Y-%m-%d %H:%M UTC") if snap.published_at else "unknown time"
    st.sidebar.caption(f"Snapshot v{snap.version} · {published}")
page.run()
