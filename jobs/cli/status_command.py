"""`gapwatch status`, `gapwatch sources` and `gapwatch sql`: read-only looks at the sources and the snapshot."""

from __future__ import annotations

from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from collectors import registry
from gapwatch.settings import get_settings
from jobs.cli import output
from jobs.cli.snapshot import published_snapshot, snapshot_file
from warehouse import schedule_file, sql_guard
from warehouse.runs import source_status

console = Console()
err = Console(stderr=True)
# What `gapwatch sql` prints at most: a terminal or a pipe, not a browser table, so more than the app shows.
SQL_MAX_BYTES = 256 * 2**20


def status() -> None:
    """Per source: last success, last error, rows, next run (times in UTC, to the second)."""
    with published_snapshot() as con:
        statuses = source_status(con, schedule=schedule_file.newer_than_snapshot(con, snapshot_file()))
    output.print_table(console, ["source", "kind", "last success", "last run", "status", "rows", "fails in a row",
                                 "next run", "last error"],
                       [[s.source, s.kind, output.when(s.last_success), output.when(s.last_run), s.last_status or "-",
                         f"{s.rows:,}", str(s.failure_streak), output.when(s.next_run, "-"), s.last_error or ""]
                        for s in statuses])
    for s in statuses:
        if s.held_back:  # entries that failed validation: their facts kept their previous values
            console.print(f"{s.source}: {s.held_back}", markup=False, soft_wrap=True)


def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query against the published snapshot.")],
    fmt: Annotated[output.Format, typer.Option(
        "--format", help="table (one field per line when the terminal is too narrow) | csv | json | markdown",
    )] = output.Format.table,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Print at most this many rows.")] = 100_000,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Stop the query after this many seconds.")
                       ] = 60.0,
) -> None:
    """Run one read-only query on the published snapshot (never blocks the collector).

    The same guard and limits as the app's SQL page: one SELECT, external access off, configuration locked, in a
    process of its own bounded in memory (1 GB) and time; the result stops at `--max-rows` rows or 256 MB.
    """
    limits = sql_guard.Limits(max_rows=max_rows, max_bytes=SQL_MAX_BYTES, timeout_s=timeout)
    with published_snapshot():  # a damaged snapshot is said as such (no paths), before a worker meets it
        pass
    try:
        result = sql_guard.run(snapshot_file(), query, limits)
    except sql_guard.RejectedQuery as exc:
        err.print(f"Rejected: {exc}", markup=False)
        raise typer.Exit(1) from None
    except (sql_guard.QueryStopped, duckdb.Error, FileNotFoundError) as exc:  # a snapshot removed since found
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    names = result.table.column_names
    rows = [tuple(record.values()) for record in result.table.to_pylist()]
    output.print_rows(names, rows, fmt, console)
    if result.truncated:
        err.print(f"Only the first {len(rows):,} rows (at most {max_rows:,} rows or {SQL_MAX_BYTES // 2**20} MB); "
                  "raise --max-rows, or narrow the query.", markup=False)
    elif fmt is output.Format.table:
        err.print(f"{len(rows):,} rows")


def sources() -> None:
    """List every registered source with its URLs and schedule."""
    settings = get_settings()
    table = Table("id", "kind", "schedule", "urls", expand=True)
    for column, ratio in zip(table.columns, (2, 2, 2, 5), strict=True):
        column.overflow, column.ratio = "fold", ratio  # a URL cut short is no URL: wrap it, and give it room
    for s in registry.SOURCES:
        every = output.every(s.schedule.every) if s.schedule.every else f"cron {s.schedule.cron}"
        if s.retired:
            every = f"retired, not scheduled: {s.retired}"
        urls = "\n".join(s.urls(settings.base_urls.get(s.id)))
        if s.paths_from:  # per-target source: its paths come from the warehouse at each run
            urls = f"{settings.base_urls.get(s.id) or s.base_url} + target query `{s.paths_from}`"
        if s.discover:  # its document paths are named by another document at each run
            urls += f"\n+ what {s.urls(settings.base_urls.get(s.id), [s.discover.path])[0]} names"
        table.add_row(s.id, s.kind, every, urls)
    console.print(table)
