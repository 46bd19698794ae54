"""Benchmark: every app page's cold render time on a published snapshot of 5 years × 5,000 models (target < 1 s).

Run `python bench/bench_pages.py` (options: --models, --years). A child process builds a migrated warehouse whose
score, name and price views are replaced by the generated facts of `transforms_warehouse` (as bench_transforms
reads them), runs the transforms into their tables, and publishes it. Each page is then rendered by Streamlit's
AppTest with every cache and the shared connection cleared first, so each time includes opening the snapshot
and every query the page runs. The Licences page's former query (ranking every model at every change date) is
timed beside it, for the record.

Those renders run in a process that has imported everything already. What a visitor meets first after a server
start is timed too:

- **fresh process**: each page's first render in a new Python process (Streamlit imported, as a server has it),
  without and with `app.server.warm` (what `python -m app.server`, the way `gapwatch up` starts the app, does
  before it listens);
- **headless Chromium** (when /usr/bin/chromium, chromium-driver and selenium are here): the app started as
  `gapwatch up` starts it, then the first page after the start, the Prices page opened next, and the Prices
  page again (its queries cached), each until its script run has finished.

The snapshot is built from generated data (no realdata document is read).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

TITLES = {"landscape": "Landscape", "gap_trends": "Gap trends", "prices": "Prices", "licences": "Licences",
          "changes": "Changes", "cost": "Cost calculator", "sources": "Sources", "sql": "SQL"}
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
    # The columns of v_price_history the transforms do not read but the Prices page shows.
    prices = gen.prices.with_columns(pl.lit(None, pl.Float64).alias("cache_read_per_mtok"),
                                     pl.lit("USD").alias("currency"))
    con = db.connect(data_dir / "gapwatch.duckdb")
    # Views are bound by name when queried: the generated facts stand in for the views the app and transforms read.
    for name, frame in (("v_capability_scores", gen.scores), ("v_model_names", gen.names),
                        ("v_price_history", prices)):
        con.execute(f"DROP VIEW IF EXISTS {name}")
        con.register("_frame", frame.to_arrow())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    t0 = time.perf_counter()
    with db.transaction(con):
        write(con, compute(inputs.scores(con), inputs.prices(con), gen.as_of, Settings(_env_file=None),
                           inputs.headline_preferences(con)))
    print(f"transforms on the generated facts: {time.perf_counter() - t0:.2f} s")
    publish(con, data_dir / "published" / "gapwatch.duckdb")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.models, args.years)
        return

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(data_dir), "--models", str(args.models),
                        "--years", str(args.years)], check=True)
        print(f"built and published {args.models:,} models × {args.years} years in {time.perf_counter() - t0:.1f} s "
              f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
        snapshot = data_dir / "published" / "gapwatch.duckdb"
        os.environ["GAPWATCH_PUBLISHED_PATH"] = str(snapshot)
        os.environ["GAPWATCH_DATA_DIR"] = str(data_dir)

        import duckdb
        import streamlit as st
        from streamlit.testing.v1 import AppTest

        with duckdb.connect(str(snapshot), read_only=True) as con:
            t0 = time.perf_counter()
            con.execute(FORMER_LICENCES_SQL).fetchall()
            former = time.perf_counter() - t0

        main_py = str(REPO / "app" / "main.py")
        AppTest.from_file(main_py, default_timeout=120).run()  # imports and Streamlit's own start-up, once
        def cold(page: str) -> tuple[float, float, list[str]]:
            """One render of `page` with nothing cached: (wall s, CPU s of this process, exceptions)."""
            st.cache_data.clear()
            st.cache_resource.clear()
            at = AppTest.from_file(main_py, default_timeout=120)
            if page != "landscape":
                at.switch_page(f"screens/{page}.py")  # open the page directly, as a browser on its URL does
            t0, c0 = time.perf_counter(), time.process_time()
            at.run()
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            problems = [e.message for e in at.exception]
            if [t.value for t in at.title] != [TITLES[page]]:
                problems.append(f"rendered {[t.value for t in at.title]}, not {TITLES[page]}")
            return took, cpu, problems

        slow = []
        for page in PAGES:
            runs = [cold(page) for _ in range(args.repeat)]
            wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
            failed = runs[-1][2]
            # Wall time stretches with the load of a shared machine; the best of a few cold runs is the page's own.
            print(f"{page:>12}: {wall:.3f} s cold (best of {args.repeat}; CPU {cpu:.3f} s)"
                  f"{'  EXCEPTION ' + str(failed) if failed else ''}")
            if wall >= LIMIT_S or failed:
                slow.append(page)
        print(f"Licences' former query alone (before v_openness_top): {former:.3f} s")
        for warmed in (False, True):
            for page in PAGES:
                first = fresh_first_render(page, warmed)
                label = "warmed at start" if warmed else "not warmed"
                print(f"{page:>12}: first render in a fresh process, {label}: {first['render']:.3f} s"
                      + (f" (warm-up before it {first['warm']:.2f} s)" if warmed else "")
                      + f"; load {os.getloadavg()[0]:.2f}")
                if warmed and first["render"] >= LIMIT_S:
                    slow.append(f"{page} (first render after a start)")
        browser_first_renders(data_dir)
        print("every page under 1 s" if not slow else f"over {LIMIT_S} s or failing: {', '.join(slow)}")
        if slow:
            sys.exit(1)


FRESH = """
import json, sys, time
from streamlit.testing.v1 import AppTest  # the server has Streamlit imported before any visit
warm_s = 0.0
if {warmed}:
    from app.server import warm
    warm_s = warm()
at = AppTest.from_file({main!r}, default_timeout=120)
if {page!r} != "landscape":
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
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")


def browser_first_renders(data_dir: Path) -> None:
    """The app started as `gapwatch up` starts it; the first page after the start, then Prices, in Chromium."""
    try:
        from selenium import webdriver
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        print("headless Chromium: skipped (selenium is a dev dependency: pip install -e '.[dev]')")
        return
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        print(f"headless Chromium: skipped (needs {CHROMIUM} and {CHROMEDRIVER})")
        return
    from gapwatch.settings import Settings
    from jobs.up import streamlit_command

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = streamlit_command(Settings(_env_file=None, app_port=port))
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, "--window-size=1400,1100", f"--user-data-dir={data_dir / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
    try:
        import urllib.request

        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.read() == b"ok":
                        break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 120:
                    raise SystemExit("the app server did not start") from None
                time.sleep(0.2)
        print(f"headless Chromium: server up {time.perf_counter() - started:.2f} s after its start "
              f"(warm-up included)")

        def rendered(url: str, title: str) -> float:
            t0 = time.perf_counter()
            driver.get(url)

            def done(d: webdriver.Chrome) -> bool:
                if d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidgetRunningIcon"]'):
                    return False
                return any(h.text == title for h in d.find_elements(By.TAG_NAME, "h1"))

            WebDriverWait(driver, 60, poll_frequency=0.05).until(done)
            return time.perf_counter() - t0

        for label, url, title in (("first page after the start (Landscape)", f"{base}/", "Landscape"),
                                  ("Prices, next", f"{base}/prices", "Prices"),
                                  ("Prices again (queries cached)", f"{base}/prices", "Prices")):
            print(f"headless Chromium: {label}: {rendered(url, title):.3f} s; load {os.getloadavg()[0]:.2f}")
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
