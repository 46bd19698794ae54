"""Benchmark: every app page's first render after a server start, in a fresh process and in headless Chromium
(target < 1 s each), on a published snapshot of 5 years × 5,000 models or on one you name.

Run `python bench/bench_pages.py` (options: --models, --years, --repeat), or `--snapshot PATH` to time a published
snapshot already there (the demo's: `make demo`, then `--snapshot data/demo/published/gapwatch.duckdb`). Without
`--snapshot`, a child process builds a migrated warehouse whose score, name and price views are replaced by the
generated facts of `transforms_warehouse` (as bench_transforms reads them), runs the transforms into their tables
and publishes it; no realdata document is read.

Each page is timed four ways, each the median of --repeat runs with the load average beside it:

- **every cache cleared**: rendered by Streamlit's AppTest in a process that has imported everything, with every
  cache and the shared connection cleared first: opening the snapshot and every query the page runs;
- **fresh process**: the page's first render in a new Python process (Streamlit imported, as a server has it),
  without and with `app.server.warm` (what `python -m app.server`, the way `gapwatch up` starts the app, does
  before it listens: every page rendered once, so the first visitor's render runs no query);
- **headless Chromium** (when /usr/bin/chromium, chromium-driver and selenium are here): the app started as
  `gapwatch up` starts it, then the page opened in a new browser (nothing cached: Streamlit's own scripts are
  fetched and compiled too), then opened again (a returning visitor: scripts cached, a new session). A page
  counts as rendered when its title is drawn, its script run is over, every chart has drawn its marks (a Vega
  chart's, or the SVG a chart drawn on the server arrives as) and the page has not changed for a second; the
  time is that of its last change, from the navigation's start. The Prices page's timeline is printed: title,
  each chart's marks, last change.

The Licences page's former query (ranking every model at every change date) is timed beside the generated
snapshot, for the record.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

TITLES = {"landscape": "Landscape", "gap_trends": "Gap trends", "prices": "Prices", "licences": "Licences",
          "changes": "Changes", "cost": "Cost calculator", "evals": "Your evaluations", "sources": "Sources",
          "sql": "SQL"}
PAGES = tuple(TITLES)
LIMIT_S = 1.0
# What the Licences page ran before its series was precomputed (for comparison only).
FORMER_LICENCES_SQL = (
    "WITH s AS (SELECT * FROM v_capability_scores WHERE capability = 'general'), "
    "main_board AS (SELECT board FROM s WHERE valid_to IS NULL GROUP BY board ORDER BY count(*) DESC, board LIMIT 1), "
    "dates AS (SELECT DISTINCT valid_from AS at FROM s JOIN main_board USING (board)), "
    "ranked AS (SELECT d.at, s.source, s.model, row_number() OVER (PARTITION BY d.at ORDER BY s.score DESC, "
    "  s.model) AS pos FROM dates d JOIN s ON s.valid_from <= d.at AND (s.valid_to IS NULL OR s.valid_to > d.at) "
    "  JOIN main_board USING (board)) "
    "SELECT r.at AS date, coalesce(n.openness, 'unknown') AS openness, count(*) AS models FROM ranked r "
    "LEFT JOIN v_model_names n ON n.source = r.source AND n.source_model = r.model WHERE r.pos <= 10 "
    "GROUP BY ALL ORDER BY date, openness"
)


def build(data_dir: Path, models: int, years: int) -> None:
    import polars as pl
    from transforms_warehouse import Shape, generate

    from gapwatch.settings import Settings
    from warehouse import db
    from warehouse.publish import publish
    from warehouse.transforms import inputs
    from warehouse.transforms.refresh import compute, write

    gen = generate(Shape(models=models, years=years))
    # The columns of v_price_history the generator leaves out: what the Prices page shows beside the prices, and
    # the modality the transforms read (every generated model is a text model).
    prices = gen.prices.with_columns(pl.lit(None, pl.Float64).alias("cache_read_per_mtok"),
                                     pl.lit("USD").alias("currency"), pl.lit("text").alias("modality"))
    con = db.connect(data_dir / "gapwatch.duckdb")
    # Views are bound by name when queried: the generated facts stand in for the views the app and transforms read.
    for name, frame in (("v_capability_scores", gen.scores), ("v_model_names", gen.names),
                        ("v_price_history", prices)):
        con.execute(f"DROP VIEW IF EXISTS {name}")
        con.register("_frame", frame.to_arrow())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    # Who sells what (warehouse/price_roles.py): a price counts only as a maker's list price or a host's market
    # price. The generated providers host-0..host-5 are taken as every model's maker's own API (host-0) and known
    # hosts (the others), so the price index, frontier and model prices have the generated prices to read.
    con.execute("DROP VIEW IF EXISTS v_model_maker")
    con.execute("CREATE TABLE v_model_maker AS SELECT DISTINCT model_id, 'generated' AS maker FROM v_model_names "
                "WHERE model_id IS NOT NULL")
    con.execute("INSERT INTO price_maker_provider VALUES ('generated', 'host-0')")
    con.execute("INSERT INTO price_provider_role SELECT 'host-' || i, 'host' FROM range(1, 6) t(i)")
    t0 = time.perf_counter()
    with db.transaction(con):
        write(con, compute(inputs.scores(con), inputs.prices(con), gen.as_of, Settings(_env_file=None),
                           inputs.headline_preferences(con)))
    print(f"transforms on the generated facts: {time.perf_counter() - t0:.2f} s")
    publish(con, data_dir / "published" / "gapwatch.duckdb")
    con.close()


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshot", type=Path, help="time this published snapshot instead of a generated one")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.models, args.years)
        return
    print(f"{os.cpu_count()} CPUs; {load()} at the start")
    if args.snapshot:
        snapshot = args.snapshot.resolve()
        if not snapshot.exists():
            raise SystemExit(f"{snapshot}: no published snapshot there (`make demo` publishes data/demo/published/)")
        print(f"snapshot: {snapshot}")
        run(snapshot, snapshot.parents[1], args.repeat, generated=False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(data_dir), "--models", str(args.models),
                        "--years", str(args.years)], check=True)
        print(f"built and published {args.models:,} models × {args.years} years of generated data in "
              f"{time.perf_counter() - t0:.1f} s; {load()}")
        run(data_dir / "published" / "gapwatch.duckdb", data_dir, args.repeat, generated=True)


def run(snapshot: Path, data_dir: Path, repeat: int, *, generated: bool) -> None:
    os.environ["GAPWATCH_PUBLISHED_PATH"] = str(snapshot)
    os.environ["GAPWATCH_DATA_DIR"] = str(data_dir)
    table: dict[str, dict[str, str]] = {page: {} for page in PAGES}
    slow: list[str] = []

    cleared = cache_cleared_renders(repeat)
    for page, (wall, problems) in cleared.items():
        table[page]["every cache cleared"] = f"{wall:.2f}"
        if problems:
            slow.append(f"{page} raised {problems}")
    if generated:
        import duckdb

        with duckdb.connect(str(snapshot), read_only=True) as con:
            t0 = time.perf_counter()
            con.execute(FORMER_LICENCES_SQL).fetchall()
            print(f"Licences' former query alone (before v_openness_top): {time.perf_counter() - t0:.3f} s; {load()}")

    for warmed in (False, True):
        column = "fresh process, warmed" if warmed else "fresh process, not warmed"
        for page in PAGES:
            runs = [fresh_first_render(page, warmed) for _ in range(repeat)]
            render = median([r["render"] for r in runs])
            table[page][column] = f"{render:.2f}"
            print(f"{page:>12}: first render in a fresh process, {column.split(', ')[1]}: {render:.3f} s (median of "
                  f"{repeat}" + (f"; warm-up before it {median([r['warm'] for r in runs]):.2f} s" if warmed else "")
                  + f"); {load()}", flush=True)
            if warmed and render >= LIMIT_S:
                slow.append(f"{page} (first render in a fresh process)")

    browser = browser_first_renders(repeat)
    floor = browser.pop("streamlit alone", None)
    for page, (first, again) in browser.items():
        table[page]["Chromium, first visit"] = f"{first:.2f}"
        table[page]["Chromium, again"] = f"{again:.2f}"
        if first >= LIMIT_S:
            slow.append(f"{page} (Chromium, first visit)")

    columns = list(dict.fromkeys(c for row in table.values() for c in row))
    print(f"\nseconds, median of {repeat}; {load()}"
          + (f"; Streamlit alone (a title) in Chromium: first visit {floor[0]:.2f}, again {floor[1]:.2f}"
             if floor else ""))
    print("| page | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for page in PAGES:
        print(f"| {TITLES[page]} | " + " | ".join(table[page].get(c, "—") for c in columns) + " |")
    print("every page's first render under 1 s" if not slow else f"over {LIMIT_S} s or failing: {'; '.join(slow)}")
    if slow:
        sys.exit(1)


def cache_cleared_renders(repeat: int) -> dict[str, tuple[float, list[str]]]:
    """Each page rendered with every cache and the shared connection cleared: (median wall s, problems)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from app.server import quiet_streamlit

    main_py = str(REPO / "app" / "main.py")
    with quiet_streamlit():  # outside a server every render warns "missing ScriptRunContext": expected here
        AppTest.from_file(main_py, default_timeout=120).run()  # imports and Streamlit's own start-up, once

    def cold(page: str) -> tuple[float, float, list[str]]:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(main_py, default_timeout=120)
        at.switch_page(f"screens/{page}.py")  # open the page directly, as a browser on its URL does
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        problems = [e.message for e in at.exception]
        if [t.value for t in at.title] != [TITLES[page]]:
            problems.append(f"rendered {[t.value for t in at.title]}, not {TITLES[page]}")
        return took, cpu, problems

    results = {}
    for page in PAGES:
        with quiet_streamlit():
            runs = [cold(page) for _ in range(repeat)]
        wall, cpu = median([r[0] for r in runs]), median([r[1] for r in runs])
        print(f"{page:>12}: {wall:.3f} s with every cache cleared (median of {repeat}; CPU {cpu:.3f} s); {load()}"
              f"{'  EXCEPTION ' + str(runs[-1][2]) if runs[-1][2] else ''}", flush=True)
        results[page] = (wall, runs[-1][2])
    return results


FRESH = """
import json, sys, time
from streamlit.testing.v1 import AppTest  # the server has Streamlit imported before any visit
warm_s = 0.0
if {warmed}:
    from app.server import warm
    warm_s = warm()
at = AppTest.from_file({main!r}, default_timeout=120)
at.switch_page("screens/{page}.py")
t0 = time.perf_counter()
at.run()
print(json.dumps({{"warm": warm_s, "render": time.perf_counter() - t0,
                  "exceptions": [e.message for e in at.exception]}}))
"""


def fresh_first_render(page: str, warmed: bool) -> dict:
    """The first render of `page` in a new process (its environment names the snapshot)."""
    code = FRESH.format(warmed=warmed, main=str(REPO / "app" / "main.py"), page=page)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["exceptions"]:
        raise SystemExit(f"{page} raised in a fresh process: {result['exceptions']}")
    return result


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--window-size=1400,1100")
# Installed in every document before its own scripts: when the title appeared, when each chart drew its marks,
# and the last change to the page (times from the navigation's start).
OBSERVER = """
window.__render = {title: null, marks: [], last: 0};
new MutationObserver(() => {
  const now = performance.now(), r = window.__render;
  r.last = now;
  if (r.title === null && document.querySelector('h1')) r.title = now;
  const drawn = document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks, '
                                          + '[data-testid="stVegaLiteChart"] canvas, .gw-chart svg').length;
  while (r.marks.length < drawn) r.marks.push(now);
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
STATE = """
const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"], .gw-chart').length;
const drawn = document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks, '
                                        + '[data-testid="stVegaLiteChart"] canvas, .gw-chart svg').length;
return {now: performance.now(), render: window.__render || null, charts: charts, drawn: drawn,
        titles: [...document.querySelectorAll('h1')].map(h => h.textContent),
        running: document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"]').length,
        exceptions: document.querySelectorAll('[data-testid="stException"]').length};
"""
QUIET_MS = 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser_first_renders(repeat: int) -> dict[str, tuple[float, float]]:
    """Per page, `repeat` times: the app started as `gapwatch up` starts it, the page opened in a browser with
    nothing cached, then opened again. Returns the medians (first visit, again)."""
    try:
        from selenium import webdriver
    except ImportError:
        print("headless Chromium: skipped (selenium is a dev dependency: pip install -e '.[dev]')")
        return {}
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        print(f"headless Chromium: skipped (needs {CHROMIUM} and {CHROMEDRIVER})")
        return {}
    from gapwatch.settings import Settings
    from jobs.up import streamlit_command

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)

    def command(port: int) -> list[str]:
        return streamlit_command(Settings(_env_file=None, app_port=port))

    # What Streamlit costs alone: a page with its title only, served with the same options (not warmed: nothing
    # to warm), for the floor under every figure below.
    floor = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "floor.py"
        script.write_text(f"import streamlit as st\nst.title({FLOOR_TITLE!r})\n")
        for _ in range(repeat):
            first, again, _up = visits(options, lambda port: streamlit_alone(command(port), script), "", FLOOR_TITLE)
            floor.append((first["at"], again["at"]))
    results = {"streamlit alone": (median([f for f, _ in floor]), median([a for _, a in floor]))}
    print(f"Streamlit alone (a title, nothing else): first visit {results['streamlit alone'][0]:.3f} s, again "
          f"{results['streamlit alone'][1]:.3f} s (medians); {load()}", flush=True)
    for page in PAGES:
        firsts, agains = [], []
        for _ in range(repeat):
            first, again, up = visits(options, command, "" if page == "landscape" else page, TITLES[page])
            firsts.append(first)
            agains.append(again)
            timeline = (f"; title {first['title']:.2f}, marks {[round(m, 2) for m in first['marks']]}"
                        if page == "prices" else "")
            print(f"{page:>12}: Chromium after a server start ({up:.1f} s to listen, warm-up included): first "
                  f"visit {first['at']:.3f} s{timeline}; again {again['at']:.3f} s; {load()}", flush=True)
        results[page] = (median([f["at"] for f in firsts]), median([a["at"] for a in agains]))
    return results


FLOOR_TITLE = "Streamlit alone"


def streamlit_alone(app_command: list[str], script: Path) -> list[str]:
    """`app_command` (python -m app.server, options) as a plain `streamlit run script` with the same options."""
    return [app_command[0], "-m", "streamlit", "run", str(script), *app_command[3:]]


def visits(options: Any, command: Callable[[int], list[str]], path: str, title: str) -> tuple[dict, dict, float]:
    """A server started by `command(port)`; `/path` opened in a new browser (nothing cached), then again.
    Returns both visits' times and the seconds the server took to listen."""
    from selenium import webdriver

    port = free_port()  # a new origin: nothing of an earlier server's scripts in the browser's cache
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command(port), cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVER})
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, server, started, log)
            up = time.perf_counter() - started
            first = rendered(driver, f"{base}/{path}", title)
            again = rendered(driver, f"{base}/{path}", title)
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=30)
    return first, again, up


def wait_healthy(base: str, server: subprocess.Popen, started: float, log: IO[bytes]) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                if resp.read() == b"ok":
                    return
        except OSError:
            if server.poll() is not None or time.perf_counter() - started > 180:
                log.seek(0)
                raise SystemExit("the app server did not start:\n" + log.read().decode(errors="replace")[-3000:]) \
                    from None
            time.sleep(0.1)


def rendered(driver: Any, url: str, title: str) -> dict:
    """Open `url` and wait until the page is drawn: its title, its script run over, every chart's marks, and no
    change for QUIET_MS. Returns the times (s from the navigation's start) of the title, the marks, the last change."""
    driver.get(url)
    deadline = time.perf_counter() + 90
    while True:
        state = driver.execute_script(STATE)
        render = state["render"]
        if state["exceptions"]:
            raise SystemExit(f"{url}: the page shows an exception")
        if (render and title in state["titles"] and not state["running"] and state["drawn"] >= state["charts"]
                and state["now"] - render["last"] >= QUIET_MS):
            return {"at": render["last"] / 1000, "title": render["title"] / 1000,
                    "marks": [m / 1000 for m in render["marks"]]}
        if time.perf_counter() > deadline:
            raise SystemExit(f"{url}: not rendered within 90 s ({state})")
        time.sleep(0.05)


if __name__ == "__main__":
    main()
