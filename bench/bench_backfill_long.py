"""A long LiteLLM history: does backfill keep its pace as the warehouse fills up?

Builds a price list every N days (default 3) from 2023-09 to 2026-07 out of the realdata LiteLLM versions: each
day's document is the newest real version of that date with a few prices moved, as a real repository's daily
commits move a handful of entries. Writes them as dated files, backfills them through `backfill` (the path of
`gapwatch backfill litellm --dir`), and prints documents/s over the last tenth of the history against the
same documents backfilled into an empty warehouse (a per-snapshot cost that grew with history would show as a
ratio well below 1), the whole time and the ratio to parse-only time. Exits 0 with a message when the realdata
staging set is absent.

    .venv/bin/python bench/bench_backfill_long.py [--every-days 3]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors import registry  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from gapwatch.source import DocMeta  # noqa: E402
from jobs.backfill.backfill import Snapshot, backfill, dir_versions, snapshots  # noqa: E402
from jobs.backfill.dated_files import dated_files  # noqa: E402
from jobs.pipeline import make_pipeline  # noqa: E402
from warehouse.db import first  # noqa: E402

REALDATA = Path(os.environ.get("GAPWATCH_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"))
MOVES_PER_DAY = 6


def bases() -> list[tuple[datetime, dict]]:
    files = [f for d in ("litellm", "litellm_mirror_rocry") if (REALDATA / d).is_dir()
             for f in dated_files(REALDATA / d)[0]]
    return sorted((f.observed_at, json.loads(f.path.read_bytes())) for f in files)


def moved(base: dict, day: int) -> dict:
    """`base` with a few input prices moved, different ones each day (a copy: the base stays untouched)."""
    priced = [k for k, v in base.items() if isinstance(v, dict) and v.get("input_cost_per_token")]
    doc = dict(base)
    for i in range(MOVES_PER_DAY):
        name = priced[(day * 7919 + i * 104729) % len(priced)]
        entry = dict(doc[name])
        entry["input_cost_per_token"] = entry["input_cost_per_token"] * (0.9 if (day + i) % 2 else 1.05)
        doc[name] = entry
    return doc


def write_history(root: Path, every: timedelta) -> int:
    real = bases()
    day, last, n = real[0][0], real[-1][0], 0
    while day <= last:
        base = next(doc for at, doc in reversed(real) if at <= day)
        (root / f"model_prices_{day:%Y-%m-%d}.json").write_text(json.dumps(moved(base, n)), encoding="utf-8")
        day, n = day + every, n + 1
    return n


def rss_mib() -> float:
    """Resident memory now (Linux /proc; 0 elsewhere): sampled per snapshot, unlike the peak of the whole run."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def main() -> int:
    if not (REALDATA / "litellm").is_dir():
        print(f"skipped: realdata LiteLLM versions not found under {REALDATA} (set GAPWATCH_REALDATA)")
        return 0
    every = timedelta(days=int(sys.argv[sys.argv.index("--every-days") + 1]) if "--every-days" in sys.argv else 3)
    source = registry.get("litellm")
    with tempfile.TemporaryDirectory(prefix="gapwatch-bench-long-") as tmp:
        docs_dir, data_dir = Path(tmp) / "docs", Path(tmp) / "data"
        docs_dir.mkdir()
        count = write_history(docs_dir, every)
        snaps: list[Snapshot] = snapshots(source, dir_versions(dated_files(docs_dir)[0]))
        began = time.perf_counter()
        rows = sum(len(source.parse(v.read(), DocMeta(source.id, v.url, s.observed_at)).rows)
                   for s in snaps for v in s.versions)
        parse_s = time.perf_counter() - began
        marks: list[float] = []
        memory: list[float] = [rss_mib()]

        def mark(_snap: Snapshot, _outcome: object) -> None:
            marks.append(time.perf_counter())
            memory.append(rss_mib())

        with make_pipeline(Settings(data_dir=data_dir)) as pipe:
            report = backfill(pipe, source, snaps, on_snapshot=mark)
            facts = first(pipe.con.execute("SELECT count(*) FROM price WHERE source = 'litellm'").fetchall())[0]
            events = first(pipe.con.execute("SELECT count(*) FROM change_event").fetchall())[0]
        # The last tenth again, alone in an empty warehouse; its first snapshot (all facts new) is not timed.
        tenth = max(2, count // 10)
        alone: list[float] = []
        with make_pipeline(Settings(data_dir=Path(tmp) / "alone")) as pipe:
            backfill(pipe, source, snaps[-tenth - 1:], on_snapshot=lambda _s, _o: alone.append(time.perf_counter()))
    last = tenth / (marks[-1] - marks[-tenth - 1])
    fresh = tenth / (alone[-1] - alone[0])
    span = (snaps[-1].observed_at - snaps[0].observed_at).days / 365.25
    print(f"== litellm, one document every {every.days} days over {span:.1f} years: {count} documents, "
          f"{rows:,} rows parsed; load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"   parse only     {parse_s:7.1f} s   {count / parse_s:6.1f} documents/s")
    print(f"   backfill       {report.seconds:7.1f} s   {count / report.seconds:6.1f} documents/s   "
          f"ratio to parse-only {report.seconds / parse_s:.2f}x   ({report.summary().split(' — ')[1]})")
    print(f"   pace           last tenth {last:5.1f} documents/s after {span:.1f} years of history, "
          f"{fresh:5.1f} documents/s into an empty warehouse (ratio {last / fresh:.2f})")
    print(f"   warehouse      {facts:,} price intervals, {events:,} change events")
    tenth_in = len(memory) // 10
    print(f"   memory         {memory[0]:.0f} MiB before, {max(memory[1:tenth_in + 1]):.0f} MiB at most in the first "
          f"tenth, {max(memory[-tenth_in:]):.0f} MiB at most in the last tenth (resident, sampled per snapshot)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
