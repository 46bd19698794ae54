"""Benchmark: the derive after a catalogue moves release dates, on a long generated history.

    .venv/bin/python bench/bench_release_dates.py [--models 20000 --years 5 --runs 3 --moved 10 --dir DIR
                                                   --code CHECKOUT]

Builds the warehouse `bench_live_ingest.py` builds (`build`: score intervals on nine board categories, prices,
every name matched to a model), loads the capability map, records a collection and derives every table once.
Then each run, in a fresh process (so that its peak resident set is the derive's, not the build's): `--moved`
scored models gain or move a catalogue release date (`source_model.released` of their OpenRouter name, as a
models.dev or OpenRouter ingest writes it; a random date up to 120 days before or 60 after their first score), and
`incremental.refresh` derives, timed. Each run prints the derive's kind ("full" or "partial"), its wall time, and
the process's resident set before it and its peak. `--dir` keeps the warehouse (built when absent) for another
invocation; `--code` derives with the transforms of another checkout (e.g. the main branch, for a before/after
on the same warehouse).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def derive(path: Path, run: int, moved: int) -> None:
    """One run, in this process: move the release dates, then derive."""
    from gapwatch.settings import Settings
    from warehouse import db
    from warehouse.transforms import incremental

    con = db.connect(path)
    firsts = dict(con.execute(  # scored models with an OpenRouter name, a different sample each run
        "SELECT a.source_model, min(m.first) FROM transform_score_model m JOIN model_alias a "
        "ON a.model_id = m.model AND a.source = 'openrouter' GROUP BY a.source_model ORDER BY hash(a.source_model, ?) "
        "LIMIT ?", [run, moved]).fetchall())
    rss = _status("VmRSS")
    con.execute("BEGIN")
    for model, first in firsts.items():  # a new date each time (a date already there would change nothing)
        released = first + timedelta(days=random.randint(-120, 60))
        con.execute("DELETE FROM source_model WHERE source = 'openrouter' AND model = ?", [model])
        con.execute("INSERT INTO source_model (source, model, released, valid_from) VALUES ('openrouter', ?, ?, ?)",
                    [model, released, datetime.now()])
    t0 = time.perf_counter()
    done = incremental.refresh(con, Settings(_env_file=None))
    elapsed = time.perf_counter() - t0
    con.execute("COMMIT")
    print(f"run {run}: {moved} release dates moved, derive {done} in {elapsed:.2f} s; RSS before "
          f"{rss:,.0f} MiB, peak {_status('VmHWM'):,.0f} MiB", flush=True)


def prepare(path: Path, models: int, years: int) -> None:
    """The generated warehouse with the capability map loaded, a collection recorded and every table derived."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_live_ingest import bench_map, build, generate_as_of
    from transforms_warehouse import Shape

    from gapwatch.settings import Settings
    from warehouse import capabilities, db
    from warehouse.transforms import incremental

    shape = Shape(models=models, years=years)
    build(path, shape)
    con = db.connect(path)
    day = datetime.combine(generate_as_of(shape), datetime.min.time()) + timedelta(hours=13)
    con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status, added) "
                "VALUES ('bench', ?, ?, ?, 'ok', 1)", [day, day, day])
    capabilities.ingest_hook(bench_map(path.parent / "capability_map.toml"))(con, None, None)
    t0 = time.perf_counter()
    print(f"first derive: {incremental.refresh(con, Settings(_env_file=None))} in {time.perf_counter() - t0:.1f} s")
    con.close()


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--moved", type=int, default=10)
    parser.add_argument("--dir", type=Path, default=None, help="keep the warehouse here (built when absent)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose transforms derive")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.dir or Path(tmp)) / "gapwatch.duckdb"
        if args.run == -1:
            prepare(path, args.models, args.years)
            return
        if args.run is not None:
            derive(path, args.run, args.moved)
            return
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--models", str(args.models), "--years", str(args.years),
                            "--dir", str(path.parent), "--code", str(args.code), "--run", "-1"], check=True)
            print(f"built and derived {args.models:,} models × {args.years} years in {time.perf_counter() - t0:.1f} s")
        print(f"transforms of {args.code.resolve()}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        for run in range(args.runs):
            subprocess.run([sys.executable, __file__, "--dir", str(path.parent), "--code", str(args.code),
                            "--moved", str(args.moved), "--run", str(run)], check=True)


if __name__ == "__main__":
    main()
