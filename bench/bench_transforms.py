"""Benchmark: the full transform set on a generated warehouse of 5 years × 5,000 models (target < 1 s).

Run `python bench/bench_transforms.py` (options: --models, --years, --repeat, --daily). A child process
generates the warehouse into a temporary DuckDB file, so this process's peak RSS is that of reading the views,
computing every transform and writing the result tables (what the ingest hook does), not of the generator.
`--daily` also times the pure transforms on the same facts stored as one row per day, to show what the
interval storage saves.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from transforms_warehouse import Shape, daily, daily_rows, generate  # noqa: E402

from gapwatch.settings import Settings  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse.db import transaction  # noqa: E402
from warehouse.transforms import inputs  # noqa: E402
from warehouse.transforms.refresh import compute, write  # noqa: E402


def build(path: Path, shape: Shape) -> None:
    """Every migration, then the generated facts as tables standing in for the views the transforms read."""
    gen = generate(shape)
    con = duckdb.connect(str(path))
    db.migrate(con)  # the transform tables, whatever migration added them
    for name, frame in (("v_capability_scores", gen.scores), ("v_model_names", gen.names),
                        ("v_price_history", gen.prices)):
        con.execute(f"DROP VIEW IF EXISTS {name}")
        con.register("_frame", frame.to_arrow())
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    con.execute("CREATE TABLE bench_info AS SELECT ?::DATE AS as_of, ?::BIGINT AS score_days, ?::BIGINT AS price_days",
                [gen.as_of, daily_rows(gen.scores, gen.as_of), daily_rows(gen.prices, gen.as_of)])
    con.close()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int) -> tuple[list[tuple[float, float]], object]:
    """(wall, CPU) seconds of each run. On a shared machine wall time stretches with the load; the process's
    CPU time (all its threads) shows the work itself."""
    times, result = [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--daily", action="store_true", help="also time the transforms on daily rows")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    shape = Shape(models=args.models, years=args.years)
    if args.build:
        build(args.build, shape)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(path), "--models", str(args.models),
                        "--years", str(args.years)], check=True)
        print(f"generated {args.models:,} models × {args.years} years in {time.perf_counter() - t0:.1f} s "
              f"(load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
        base = rss_mib()
        con = duckdb.connect(str(path))
        as_of, score_days, price_days = con.execute("SELECT * FROM bench_info").fetchall()[0]
        settings = Settings(_env_file=None)

        read_t, (scores, prices) = timed(lambda: (inputs.scores(con), inputs.prices(con)), args.repeat)
        compute_t, tables = timed(lambda: compute(scores, prices, as_of, settings), args.repeat)

        def rewrite() -> None:
            with transaction(con):
                write(con, tables)

        write_t, _ = timed(rewrite, args.repeat)
        peak = rss_mib()
        print(f"input: {scores.height:,} score intervals (= {score_days:,} daily rows, "
              f"{score_days / scores.height:.0f}×), {prices.height:,} price intervals (= {price_days:,} daily rows, "
              f"{price_days / prices.height:.0f}×)")
        print("output: " + ", ".join(f"{name} {frame.height:,}" for name, frame in tables.items()))
        for label, times in (("read views", read_t), ("compute (pure transforms)", compute_t),
                             ("write tables", write_t)):
            walls, cpus = [w for w, _ in times], [c for _, c in times]
            print(f"{label:>28}: wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
                  f"CPU best {min(cpus):.3f} s")
        wall = sum(min(w for w, _ in t) for t in (read_t, compute_t, write_t))
        cpu = sum(min(c for _, c in t) for t in (read_t, compute_t, write_t))
        print(f"{'refresh (read+compute+write)':>28}: wall {wall:.3f} s, CPU {cpu:.3f} s (best of {args.repeat} each; "
              f"load average now {os.getloadavg()[0]:.2f})")
        print(f"peak RSS {peak:.0f} MiB (interpreter and libraries {base:.0f} MiB before reading)")
        con.close()

        if args.daily:
            as_daily = daily(scores, as_of)
            daily_t, from_daily = timed(lambda: compute(as_daily, prices, as_of, settings), 1)
            same = all(from_daily[name].equals(tables[name]) for name in ("gap_by_capability", "gap_over_time"))
            print(f"daily rows: {as_daily.height:,} score rows, compute wall {daily_t[0][0]:.3f} s, "
                  f"CPU {daily_t[0][1]:.3f} s, "
                  f"peak RSS {rss_mib():.0f} MiB, same gap tables as from intervals: {same}")


if __name__ == "__main__":
    main()
