"""Start the app server warm: `python -m app.server [streamlit options]` is `streamlit run app/main.py [options]`
with the first visit's set-up paid at start instead.

A first render in a fresh server process spent most of its time on what any page pays once per process: importing
the app's modules and their libraries (Streamlit's elements, polars, pyarrow, Altair), Altair loading its Vega-Lite
schema on the first chart it validates, vl-convert starting its engine on the first chart it draws, opening the
published snapshot and running the page's queries. `warm` does all of it before the server listens, in the server's
own process, by running every page once as a first visitor opens it, without a browser (Streamlit's AppTest: each
element is built, nothing is sent). Pages run in the server's threads and share its modules, the `st.cache_resource`
connection and the `st.cache_data` query results (both caches are per process and keyed on the snapshot's identity;
one made before the server's runtime exists is kept in memory and used by it all the same), so the first visitor
after a start pays only for Streamlit's own round trip and the browser's drawing.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MAIN = Path(__file__).with_name("main.py")
SCREENS = Path(__file__).with_name("screens")

PAGE_TIMEOUT_S = 60.0

log = logging.getLogger(__name__)


def warm() -> float:
    """Validate one chart and render every page once in this process as a first visitor opens it (Streamlit's
    AppTest: the router, the page, its widgets at their defaults), so their imports, Streamlit's first-use set-up
    and each page's default queries are done; what a visitor's widgets change is queried when they change it.
    A page that fails here is logged and left to fail, or not, in front of its visitor: warming never stops a
    start. Returns the seconds it took."""
    started = time.perf_counter()
    import altair as alt
    import polars as pl
    from streamlit.testing.v1 import AppTest

    from app import charts

    # The first chart validated loads the Vega-Lite JSON schema, the first one drawn starts vl-convert's engine:
    # hundreds of milliseconds each, once (done here also when no page has a chart to draw yet). The pages open
    # the snapshot's shared connection.
    charts.svg(alt.Chart(pl.DataFrame({"x": [0], "y": [0]})).mark_line().encode(x="x:Q", y="y:Q"))
    for page in sorted(SCREENS.glob("*.py")):
        at = AppTest.from_file(str(MAIN), default_timeout=PAGE_TIMEOUT_S)
        at.switch_page(str(page.relative_to(MAIN.parent)))
        try:
            at.run()
        except Exception:  # a timeout
            log.warning("warming the app: the page %s did not render", page.name, exc_info=True)
            continue
        for failure in at.exception:
            log.warning("warming the app: the page %s failed: %s", page.name, failure.message)
    return time.perf_counter() - started


def load_config(argv: list[str]) -> None:
    """Streamlit's configuration as the server will read it, its flags parsed by `streamlit run`'s own parser:
    warming reads the configuration, and read without the flags first it would make the server's start warn that
    its [server] options changed."""
    from streamlit.web import bootstrap, cli

    params = cli.main_run.make_context("run", [str(MAIN), *argv]).params
    bootstrap.load_config_options({k: v for k, v in params.items() if k not in ("target", "args")})


@contextmanager
def quiet_streamlit() -> Iterator[None]:
    """Rendering pages outside a server, Streamlit warns "missing ScriptRunContext" for each: expected here."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
               if name.startswith("streamlit")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def main(argv: list[str]) -> None:
    load_config(argv)
    with quiet_streamlit():
        took = warm()
    print(f"gapwatch app: every page rendered once in {took:.1f} s; starting the server", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(MAIN), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
