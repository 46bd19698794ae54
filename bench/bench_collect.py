"""Benchmark: `gapwatch collect` of every recorded source against the slowest single source.

    .venv/bin/python bench/bench_collect.py [--repeat R]

A replay server on 127.0.0.1 serves `demo/recordings/` (each source's newest recording), as the demo does, from a
process of its own: an upstream is another machine, and a server thread inside the collector's process would
take the collector's GIL for every request it serves (measured: 0.4 s of a 2.3 s collection).
Each source is collected alone into a fresh warehouse, then all of them together into another one, through
`Pipeline.collect_all` (what `gapwatch collect [SOURCE…]` runs: concurrent fetches, one ingest at a time,
derive and publish once), R times each; medians. The last line is `collect all/slowest single: X.XXx`; the line
before it gives the same ratio in CPU time of the collecting process (user + system, its DuckDB threads included),
steadier than wall time on a shared, loaded machine.
`--one-by-one` collects all of them one after another instead, each derived and published (the former way).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors import registry  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from jobs.demo.replay import Recordings, ReplayServer  # noqa: E402
from jobs.pipeline import make_pipeline  # noqa: E402

RECORDINGS = Path(__file__).resolve().parents[1] / "demo" / "recordings"


SERVE = """
import sys, time
from pathlib import Path
from jobs.demo.replay import ReplayServer
with ReplayServer(Path(sys.argv[1])) as server:
    print(server.url, flush=True)
    time.sleep(24 * 3600)
"""


class Upstream:
    """The replay server in a child process, for as long as the `with` block lasts."""

    def __init__(self, root: Path) -> None:
        self.recordings = Recordings(root)
        self._proc = subprocess.Popen([sys.executable, "-c", SERVE, str(root)], stdout=subprocess.PIPE, text=True,
                                      cwd=Path(__file__).resolve().parents[1])
        assert self._proc.stdout is not None
        self.url = self._proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"the replay server did not start (printed {self.url!r})")

    def base_url(self, source: str) -> str:
        return f"{self.url}/{source}"

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait()

    def __enter__(self) -> Upstream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cpu_time() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process; the upstream is another one
    return usage.ru_utime + usage.ru_stime


def timed_collect(root: Path, server: Upstream | ReplayServer, sources: list, one_by_one: bool = False
                  ) -> tuple[float, float, list[str]]:
    """Wall and CPU seconds of the collection, and its outcomes."""
    settings = Settings(_env_file=None, data_dir=root, host_min_interval_s=0,
                        base_urls={s.id: server.base_url(s.id) for s in sources})
    with make_pipeline(settings) as pipe:
        started, cpu = time.perf_counter(), cpu_time()
        # One by one is the former `gapwatch collect`: each source fetched, ingested, derived and published in turn.
        outcomes = [pipe.collect(s) for s in sources] if one_by_one else pipe.collect_all(sources)
        return time.perf_counter() - started, cpu_time() - cpu, [o.summary() for o in outcomes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one-by-one", action="store_true",
                        help="collect the sources one after another, each derived and published (for comparison)")
    args = parser.parse_args()
    with Upstream(RECORDINGS) as server, tempfile.TemporaryDirectory() as tmp:
        recorded = set(server.recordings.sources())
        sources = [s for s in registry.SOURCES if s.id in recorded]
        single: dict[str, list[float]] = {s.id: [] for s in sources}
        single_cpu: dict[str, list[float]] = {s.id: [] for s in sources}
        together: list[float] = []
        together_cpu: list[float] = []
        run = 0
        for _ in range(args.repeat):
            for source in sources:
                run += 1
                took, cpu, _ = timed_collect(Path(tmp) / str(run), server, [source])
                single[source.id].append(took)
                single_cpu[source.id].append(cpu)
            run += 1
            took, cpu, summaries = timed_collect(Path(tmp) / str(run), server, sources, args.one_by_one)
            together.append(took)
            together_cpu.append(cpu)
    medians = {sid: statistics.median(t) for sid, t in single.items()}
    cpu_medians = {sid: statistics.median(t) for sid, t in single_cpu.items()}
    slowest = max(medians, key=medians.get)
    costliest = max(cpu_medians, key=cpu_medians.get)
    for sid, m in sorted(medians.items(), key=lambda kv: -kv[1]):
        print(f"{sid:>22}: {m:.3f} s alone")
    print("together: " + "; ".join(summaries))
    print(f"{len(sources)} sources together: median {statistics.median(together):.3f} s; slowest alone: {slowest} "
          f"{medians[slowest]:.3f} s; sum alone {sum(medians.values()):.3f} s; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    # The ratio splits into what every collection pays once (identity, derive, publish: `fixed`, estimated from
    # the n collections alone against the one together, which pays it once) and each source's own work.
    n, all_together = len(sources), statistics.median(together)
    fixed = (sum(medians.values()) - all_together) / (n - 1) if n > 1 else float("nan")
    print(f"split: a collection's fixed cost ≈ {fixed:.3f} s ((sum alone − together) / {n - 1}); {slowest}'s own "
          f"work ≈ {medians[slowest] - fixed:.3f} s; each of the {n - 1} others adds "
          f"{(all_together - medians[slowest]) / max(n - 1, 1) * 1000:.0f} ms to the together run")
    print(f"CPU time: together median {statistics.median(together_cpu):.3f} s; costliest alone: {costliest} "
          f"{cpu_medians[costliest]:.3f} s; ratio {statistics.median(together_cpu) / cpu_medians[costliest]:.2f}x")
    print(f"collect all{' one by one' if args.one_by_one else ''}/slowest single: "
          f"{statistics.median(together) / medians[slowest]:.2f}x")


if __name__ == "__main__":
    main()
