"""Backfill every shared realdata litellm (+ mirror) and lmarena version, and a long generated LiteLLM history,
into a temp warehouse; print the figures against the naive bulk loader.

Per history: documents/s, rows/s, the time spent in each ingest hook (identity and change detection run once,
over every snapshot, at the end), the history part alone, and the ratio to the naive bulk loader (parse the
same files, insert every row in one Arrow statement per table: target <= 2x); for the realdata histories also
the core path without hooks, the statement count and the same documents ingested one by one outside a batch.
The last line sums the ratios up. `--profile` adds the top functions by cumulative time. Exits 0 with a message
when the realdata staging set or a source is absent.

    .venv/bin/python bench/bench_backfill.py [--profile] [litellm] [lmarena] [long] [models_dev]
"""

from __future__ import annotations

import cProfile
import dataclasses
import hashlib
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collectors import registry  # noqa: E402
from gapwatch.settings import Settings  # noqa: E402
from gapwatch.source import DocMeta, Outcome, Source  # noqa: E402
from jobs.backfill.backfill import BackfillReport, Snapshot, backfill, dir_versions, snapshots  # noqa: E402
from jobs.backfill.dated_files import dated_files  # noqa: E402
from jobs.pipeline import (  # noqa: E402
    Document,
    Pipeline,
    make_pipeline,  # noqa: E402
)
from warehouse import db  # noqa: E402
from warehouse.facts import table_for  # noqa: E402
from warehouse.hooks import Hook  # noqa: E402

REALDATA = Path(os.environ.get("GAPWATCH_REALDATA", Path(__file__).resolve().parents[2] / "shared" / "realdata"))
SETS = {"litellm": ("litellm", "litellm_mirror_rocry"), "lmarena": ("lmarena",), "models_dev": ("models.dev",)}
DEFAULT = ("litellm", "lmarena", "long")  # models_dev (tree tarballs) takes minutes: name it to include it
LONG_EVERY_DAYS = 9  # the long history: 117 documents


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f} (1/5 min) on {os.cpu_count()} cores"


def history_of(source: Source, dirs: tuple[str, ...]) -> list[Snapshot]:
    files = [f for d in dirs if (REALDATA / d).is_dir() for f in dated_files(REALDATA / d)[0]]
    return snapshots(source, dir_versions(files, source.tree))


def parse_only(source: Source, snaps: list[Snapshot]) -> tuple[float, int]:
    """Read and parse every document, nothing else: the floor a backfill is compared with."""
    began, rows = time.perf_counter(), 0
    for snap in snaps:
        for v in snap.versions:
            body = v.read() if v.read else b""
            rows += len(source.parse(body, DocMeta(source.id, v.url, snap.observed_at)).rows)
    return time.perf_counter() - began, rows


def naive_bulk_load(source: Source, snaps: list[Snapshot]) -> float:
    """The floor the issue sets for a backfill: parse the same files and insert every row in one Arrow statement
    per fact table, in one process, into a fresh migrated warehouse (no history, identity or change events)."""
    with tempfile.TemporaryDirectory(prefix="gapwatch-naive-") as tmp:
        con = db.connect(Path(tmp) / "naive.duckdb")
        began = time.perf_counter()
        by_table: dict[str, list[dict]] = defaultdict(list)
        for snap in snaps:
            for v in snap.versions:
                body = v.read() if v.read else b""
                sha = hashlib.sha256(body).hexdigest()
                for row in source.parse(body, DocMeta(source.id, v.url, snap.observed_at)).rows:
                    record = dataclasses.asdict(row)
                    record.update(source=source.id, valid_from=snap.observed_at, evidence_sha256=sha)
                    by_table[table_for(row).name].append(record)
        for table, records in by_table.items():
            con.register("_rows", pa.Table.from_pylist(records))
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
            con.unregister("_rows")
        seconds = time.perf_counter() - began
        con.close()
        return seconds


class CountingConnection:
    """The writer's connection, counting the statements run through it (everything else passes through)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con, self.statements = con, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)

    def execute(self, *args: object) -> duckdb.DuckDBPyConnection:
        self.statements += 1
        return self._con.execute(*args)


def statement_floor(pipe: Pipeline, n: int = 300) -> float:
    """Median seconds of one small parameterised statement on this warehouse: the cost every statement pays."""
    times = []
    for _ in range(n):
        began = time.perf_counter()
        pipe.con.execute("SELECT min(observed_at) FROM collection_run WHERE source = ? AND observed_at > ?",
                         ["bench", datetime(2000, 1, 1)]).fetchall()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def counted(run: Callable[[Pipeline], float], counts: list[int], floors: list[float]) -> Callable[[Pipeline], float]:
    def wrapped(pipe: Pipeline) -> float:
        floors.append(statement_floor(pipe))
        pipe.con = CountingConnection(pipe.con)  # type: ignore[assignment]
        seconds = run(pipe)
        counts.append(pipe.con.statements)
        return seconds
    return wrapped


PUBLISH = "publish (once per backfill)"


def timed_hooks(pipe: Pipeline, spent: dict[str, float]) -> None:
    def timed(hook: Hook) -> Hook:
        name = hook.name + (" (once per batch)" if hook.derives else "")

        def run(con, source, outcome: Outcome) -> None:  # noqa: ANN001 - the HookFn signature
            began = time.perf_counter()
            hook(con, source, outcome)
            spent[name] += time.perf_counter() - began

        over = hook.over_batch
        if over is None:
            return dataclasses.replace(hook, fn=run)

        def over_batch(con, items) -> None:  # noqa: ANN001 - the BatchFn signature
            # A backfill runs identity and change detection this way, once, at its end.
            began = time.perf_counter()
            over(con, items)
            spent[name + " (deferred, once)"] += time.perf_counter() - began
        return dataclasses.replace(hook, fn=run, over_batch=over_batch)
    pipe.hooks = [timed(h) for h in pipe.hooks]
    publish = pipe.publish

    def timed_publish() -> int:
        began = time.perf_counter()
        version = publish()
        spent[PUBLISH] += time.perf_counter() - began
        return version
    pipe.publish = timed_publish  # type: ignore[method-assign]


def in_temp_warehouse(run: Callable[[Pipeline], float], hook_times: dict[str, float] | None = None,
                      hooks: bool = True) -> float:
    """`run` against a fresh warehouse, with the default ingest hooks (or none, to isolate the core path)."""
    with tempfile.TemporaryDirectory(prefix="gapwatch-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        with make_pipeline(settings) if hooks else Pipeline(settings) as pipe:
            if hook_times is not None:
                timed_hooks(pipe, hook_times)
            return run(pipe)


def publish_every_document(source: Source, snaps: list[Snapshot]) -> Callable[[Pipeline], float]:
    """The same ingest outside a batch (every hook, then a publish, after each document), for comparison."""
    def run(pipe: Pipeline) -> float:
        began = time.perf_counter()
        for snap in snaps:
            docs = []
            for v in snap.versions:
                body = v.read() if v.read else b""
                docs.append(Document(v.url, body, hashlib.sha256(body).hexdigest()))
            pipe.ingest_documents(source, docs, snap.observed_at, trigger="backfill")
        return time.perf_counter() - began
    return run


def bench(source: Source, snaps: list[Snapshot], profile: bool, light: bool = False) -> None:
    """Every figure for one history; `light` leaves out the variants that only explain (core path, statement
    counts, one by one), for the long history."""
    docs = sum(len(s.versions) for s in snaps)
    # Warm-up: the first ingest in a process pays one-time imports (pandas via pyarrow, polars, the hooks'
    # modules) that would otherwise be charged to whichever variant runs first.
    in_temp_warehouse(lambda pipe: backfill(pipe, source, snaps[:1]).seconds)
    parse_s, rows = parse_only(source, snaps)
    hooks: dict[str, float] = defaultdict(float)
    reports: list[BackfillReport] = []

    def run(pipe: Pipeline) -> float:
        reports.append(backfill(pipe, source, snaps))
        return reports[-1].seconds

    total = in_temp_warehouse(run, hooks)
    report = reports[0]
    naive = statistics.median(naive_bulk_load(source, snaps) for _ in range(1 if light else 3))
    print(f"== {source.id}: {docs} documents, {len(snaps)} snapshots, {rows} rows parsed; {load()}")
    print(f"   parse only          {parse_s:7.2f} s   {docs / parse_s:8.1f} documents/s   {rows / parse_s:9.0f} rows/s")
    print(f"   backfill            {total:7.2f} s   {docs / total:8.1f} documents/s   {report.rows / total:9.0f} rows/s"
          f"   ratio to parse-only {total / parse_s:.2f}x")
    once = sum(spent for name, spent in hooks.items() if "once" in name)
    print(f"   once per backfill   {once:7.2f} s   (identity and change detection over every snapshot, the derive "
          f"stage, publish: {once / naive:.2f}x the naive loader on their own)")
    for name, spent in sorted(hooks.items(), key=lambda i: -i[1]):
        print(f"     {'' if name == PUBLISH else 'hook '}{name:<48} {spent:7.2f} s  ({spent / total:.0%})")
    print(f"   history alone       {total - once:7.2f} s   (read, store, parse, judge, intervals, runs: "
          f"{(total - once) / naive:.2f}x the naive loader)")
    if not light:
        core = in_temp_warehouse(lambda pipe: backfill(pipe, source, snaps).seconds, hooks=False)
        counts: list[int] = []
        floors: list[float] = []
        in_temp_warehouse(counted(lambda pipe: backfill(pipe, source, snaps).seconds, counts, floors))
        in_temp_warehouse(counted(lambda pipe: backfill(pipe, source, snaps).seconds, counts, floors), hooks=False)
        each = in_temp_warehouse(publish_every_document(source, snaps))
        print(f"   core, no hooks      {core:7.2f} s   {docs / core:8.1f} documents/s   {report.rows / core:9.0f} "
              f"rows/s   ratio to parse-only {core / parse_s:.2f}x (raw store, validate, history, runs, one publish)")
        floor = statistics.median(floors)
        print(f"   statements          {counts[0] / len(snaps):7.1f} per snapshot ({counts[1] / len(snaps):.1f} "
              f"without hooks), {floor * 1000:.2f} ms each at least (a small parameterised SELECT here)")
        print(f"   one by one, no batch {each:6.2f} s   ({each / total:.2f}x the backfill; every hook and a publish "
              "after each document)")
    print(f"   outcomes: {report.summary()}")
    print(f"   naive bulk loader   {naive:7.2f} s   (parse + one Arrow insert per table, no history, identity or "
          "events)")
    print(f"   {source.id} backfill/naive bulk loader: {total / naive:.2f}x (target <= 2x)")
    RESULTS.append((source.id, docs, total / naive))
    if profile:  # a separate run: cProfile's overhead would distort the figures above
        profiler = cProfile.Profile()
        in_temp_warehouse(lambda pipe: profiler.runcall(backfill, pipe, source, snaps).seconds)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


RESULTS: list[tuple[str, int, float]] = []


def long_history(every_days: int, profile: bool) -> None:
    """LiteLLM over three years, one price list every `every_days` days (`bench_backfill_long`'s generator: the
    realdata versions with a few prices moved per document): where a history's own length, not the once-per-
    backfill work, decides the ratio."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_backfill_long import write_history  # noqa: PLC0415 - a sibling script, not a package

    source = registry.get("litellm")
    with tempfile.TemporaryDirectory(prefix="gapwatch-bench-long-") as tmp:
        write_history(Path(tmp), timedelta(days=every_days))
        snaps = snapshots(source, dir_versions(dated_files(Path(tmp))[0]))
        print(f"-- the long history: one LiteLLM price list every {every_days} days, 2023-09 → 2026-07")
        bench(source, snaps, profile, light=True)
        RESULTS[-1] = ("litellm, long", *RESULTS[-1][1:])


def main() -> int:
    if not REALDATA.is_dir():
        print(f"skipped: realdata staging set not found at {REALDATA} (set GAPWATCH_REALDATA)")
        return 0
    profile = "--profile" in sys.argv
    chosen = [a for a in sys.argv[1:] if not a.startswith("--")] or DEFAULT
    for source_id, dirs in SETS.items():
        if source_id not in chosen:
            continue
        if source_id not in registry.BY_ID:
            print(f"skipped {source_id}: no such source registered yet")
            continue
        source = registry.get(source_id)
        snaps = history_of(source, dirs)
        if not snaps:
            print(f"skipped {source_id}: no dated documents under {REALDATA}/{{{','.join(dirs)}}}")
            continue
        bench(source, snaps, profile)
    if "long" in chosen and (REALDATA / "litellm").is_dir():
        long_history(LONG_EVERY_DAYS, profile)
    print("backfill/naive bulk loader: " + "; ".join(f"{name} ({docs} documents) {ratio:.2f}x"
                                                     for name, docs, ratio in RESULTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
