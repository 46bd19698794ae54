"""`gapwatch status`, `gapwatch sources` and `gapwatch sql`: read-only looks at the sources and the snapshot."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from collectors import registry
from gapwatch.settings import get_settings
from jobs.cli.snapshot import published_snapshot
from warehouse.runs import source_status

console = Console()
err = Console(stderr=True)


def status() -> None:
    """Per source: last success, last error, rows, next run."""
    table = Table("source", "kind", "last success", "last run", "status", "rows", "fails in a row", "next run",
                  "last error")
    with published_snapshot() as con:
        for s in source_status(con, registry.SOURCES):
            table.add_row(s.source, s.kind, str(s.last_success or "never"), str(s.last_run or "never"),
                          s.last_status or "-", str(s.rows), str(s.failure_streak), str(s.next_run or "-"),
                          (s.last_error or "")[:120])
    console.print(table)


def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query against the published snapshot.")],
    fmt: Annotated[str, typer.Option("--format", help="table | csv")] = "table",
) -> None:
    """Run a read-only query on the published snapshot (never blocks the collector)."""
    with published_snapshot() as con:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        names = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
        return
    table = Table(*names)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    err.print(f"{len(rows)} rows")


def sources() -> None:
    """List every registered source with its URLs and schedule."""
    settings = get_settings()
    table = Table("id", "kind", "schedule", "urls")
    for s in registry.SOURCES:
        every = str(s.schedule.every) if s.schedule.every else f"cron {s.schedule.cron}"
        if s.retired:
            every = f"retired, not scheduled: {s.retired}"
        urls = "\n".join(s.urls(settings.base_urls.get(s.id)))
        if s.paths_from:  # per-target source: its paths come from the warehouse at each run
            urls = f"{settings.base_urls.get(s.id) or s.base_url} + target query `{s.paths_from}`"
        if s.discover:  # its document paths are named by another document at each run
            urls += f"\n+ what {s.urls(settings.base_urls.get(s.id), [s.discover.path])[0]} names"
        table.add_row(s.id, s.kind, every, urls)
    console.print(table)
