"""Benchmark: every app page's cold render time on a published snapshot of 5 years × 5,000 models (target < 1 s).

Run `python bench/bench_pages.py` (options: --models, --years). A child process builds a migrated warehouse whose
score, name and price views are replaced by the generated facts of `transforms_warehouse` (as bench_transforms
reads them), runs the transforms into their tables, and publishes it. Each page is then rendered by Streamlit's
AppTest with every cache and the shared connection cleared first, so each time includes opening the snapshot
and every query the page runs. The Licences page's former query (ranking every model at every change date) is
timed beside it, for the record.
"""

from __future__ import annotations

import argparse
import os
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
        print("every page under 1 s" if not slow else f"over {LIMIT_S} s or failing: {', '.join(slow)}")
        if slow:
            sys.exit(1)


if __name__ == "__main__":
    main()
