"""Start the app server warm: `python -m app.server [streamlit options]` is `streamlit run app/main.py [options]`
with the first visit's set-up paid at start instead.

A first render in a fresh server process spent most of its time on what any page pays once per process: importing
the app's modules and their libraries (Streamlit's elements, polars, pyarrow, Altair), Altair loading its
Vega-Lite schema on the first chart it validates, and opening the published snapshot. `warm` does that before the
server listens, in the server's own process (pages run in its threads and share its modules and the
`st.cache_resource` connection), so the first visitor after a start pays only for the page's queries.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from pathlib import Path

MAIN = Path(__file__).with_name("main.py")
# The modules the pages import (each page script is run by Streamlit, not imported): the app's own, which pull in
# every library a page uses.
APP_MODULES = ("app.charts", "app.cost_options", "app.data", "app.decision", "app.filters", "app.format",
               "app.links", "app.readonly_sql", "app.sentences", "app.ui", "warehouse.transforms.tco")

log = logging.getLogger(__name__)


def warm() -> float:
    """Import what the pages use, validate one chart and open the published snapshot (if there is one).
    Returns the seconds it took."""
    started = time.perf_counter()
    for name in APP_MODULES:
        importlib.import_module(name)
    import altair as alt
    import polars as pl

    from app import data

    # The first validation of a chart loads the Vega-Lite JSON schema: hundreds of milliseconds, once.
    alt.Chart(pl.DataFrame({"x": [0], "y": [0]})).mark_line().encode(x="x:Q", y="y:Q").to_dict()
    snap = data.snapshot()
    if snap is not None:
        data.has(snap, "snapshot_info")  # opens the shared connection every session's queries use
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    took = warm()
    log.info("app warmed in %.2f s", took)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(MAIN), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
