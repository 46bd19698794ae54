"""Benchmark: the peak memory of a real `gapwatch serve` through one cycle of every source, at 5,000 and 20,000 models.

    .venv/bin/python bench/bench_serve_memory.py [--models 5000 20000] [--years 5] [--first-start-only]

For each size a warehouse is built from the generated history of `transforms_warehouse` (score intervals on nine
board categories, the general board as LMArena's text board with each model's licence term, prices at 1–5
providers, every name matched to a model with its openness) written into the real fact and identity tables, as
`bench_live_ingest.py` builds it. A replay server of `demo/recordings/` on 127.0.0.1, in a process of its own
(`bench_collect.Upstream`), stands in for every upstream. Then `python -m jobs.cli serve` runs, configured through
GAPWATCH_* variables with every recorded source enabled, until each has logged the outcome of its first run and
the process has gone idle (its last publish done); its peak resident set (`VmHWM` in /proc/<pid>/status, which
the kernel keeps for the process's whole life) is read before it is stopped.

Two starts per size:
- `first start`: the warehouse was never derived, so the first accepted collection derives every table from
  the whole history (what a new install after a backfill, or a warehouse migrated to new derived tables, does);
- `derived`: the tables were derived when the warehouse was built (in the build process, not measured), so the
  cycle is what a running service does each day: every source collected on a new day, derive, publish.
The last line is `serve peak RSS at 20,000 models: N MiB` (the worst of the two starts at the largest size).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_live_ingest  # noqa: E402
from bench_collect import RECORDINGS, Upstream  # noqa: E402
from bench_live_ingest import ROOT, bench_map, generate_as_of  # noqa: E402
from transforms_warehouse import Shape  # noqa: E402

from collectors import registry  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from warehouse import capabilities, db  # noqa: E402
from warehouse.transforms.refresh import refresh_transforms  # noqa: E402

OUTCOME = re.compile(r" ([a-z0-9_]+): (ok|unchanged|failed|rejected|cancelled)\b| ([a-z0-9_]+): collection crashed")
IDLE_S = 3.0  # no CPU used for this long after the last outcome: the last publish is done
TIMEOUT_S = 1800


def build(path: Path, shape: Shape, cap_map: Path, derived: bool) -> None:
    """The live-ingest bench's warehouse (`bench_live_ingest.build`); `derived`: then derive every table once,
    as a service that has run before has them."""
    bench_live_ingest.build(path, shape)
    if derived:
        con = db.connect(path)
        with db.transaction(con):
            capabilities.store_map(con, capabilities.load_map(cap_map))
            capabilities.store_headline(con, capabilities.load_headline(cap_map))
            refresh_transforms(con, Settings(_env_file=None, data_dir=path.parent, capability_map_path=cap_map),
                               as_of=generate_as_of(shape))
        con.execute("CHECKPOINT")
        con.close()


def status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS of `pid` in KiB, and its CPU ticks (utime + stime)."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            out[name] = int(value.split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    out["ticks"] = int(fields[11]) + int(fields[12])
    return out


def serve_cycle(data: Path, server: Upstream, sources: list[str], cap_map: Path) -> tuple[int, float, list[str]]:
    """Run `gapwatch serve` until every source ran once and the process went idle: its peak RSS in KiB, the
    seconds that took, and each source's logged outcome."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")}
    env |= {
        "GAPWATCH_CONFIG": str(data.parent / "none.toml"),
        "GAPWATCH_DATA_DIR": str(data),
        "GAPWATCH_ENABLED_SOURCES": "[" + ", ".join(f'"{s}"' for s in sources) + "]",
        "GAPWATCH_HOST_MIN_INTERVAL_S": "0",
        "GAPWATCH_CAPABILITY_MAP_PATH": str(cap_map),
        **{f"GAPWATCH_BASE_URLS__{s.upper()}": server.base_url(s) for s in sources},
    }
    log = data.parent / f"serve-{data.name}.log"
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jobs.cli", "serve"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        seen: dict[str, str] = {}
        ticks, idle_since, peak = -1, time.monotonic(), 0
        while time.perf_counter() - started < TIMEOUT_S:
            if proc.poll() is not None:
                raise SystemExit(f"serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            now = status(proc.pid)
            peak = max(peak, now["VmHWM"])
            for m in OUTCOME.finditer(log.read_text()):
                sid = m.group(1) or m.group(3)
                if sid in sources and sid not in seen:
                    seen[sid] = m.group(0).strip()
            if now["ticks"] != ticks:
                ticks, idle_since = now["ticks"], time.monotonic()
            if len(seen) == len(sources) and time.monotonic() - idle_since >= IDLE_S:
                took = time.perf_counter() - started - IDLE_S
                return peak, took, [seen[s] for s in sources]
            time.sleep(0.2)
        raise SystemExit(f"serve did not run every source within {TIMEOUT_S} s (saw {sorted(seen)}); see {log}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[5_000, 20_000])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--first-start-only", action="store_true", help="skip the start on a derived warehouse")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--derived", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--map", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, Shape(models=args.models[0], years=args.years), args.map, args.derived)
        return
    starts = ("first start",) if args.first_start_only else ("first start", "derived")
    peaks: dict[int, int] = {}
    with Upstream(RECORDINGS) as server, tempfile.TemporaryDirectory() as tmp:
        recorded = set(server.recordings.sources())
        sources = [s.id for s in registry.SOURCES if s.id in recorded and not s.retired]
        cap_map = bench_map(Path(tmp) / "capability_map.toml")
        for models in args.models:
            for start in starts:
                data = Path(tmp) / f"{models}-{start.replace(' ', '-')}"
                t0 = time.perf_counter()
                # Built in a process of its own: the build's memory is not the service's.
                subprocess.run([sys.executable, __file__, "--build", str(data / "gapwatch.duckdb"), "--models",
                                str(models), "--years", str(args.years), "--map", str(cap_map),
                                *(["--derived"] if start == "derived" else [])], check=True)
                size = (data / "gapwatch.duckdb").stat().st_size / 2**20
                built = time.perf_counter() - t0
                peak, took, outcomes = serve_cycle(data, server, sources, cap_map)
                peaks[models] = max(peaks.get(models, 0), peak)
                print(f"{models:,} models, {start}: built in {built:.0f} s ({size:.0f} MiB); serve ran "
                      f"{len(sources)} sources in {took:.1f} s, peak RSS {peak / 1024:.0f} MiB; load average "
                      f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
                print("  " + "; ".join(outcomes), flush=True)
    for models in sorted(peaks):
        print(f"serve peak RSS at {models:,} models: {peaks[models] / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
