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
from warehouse import sql_guard
from warehouse.runs import source_status

console = Console()
err = Console(stderr=True)


def status() -> None:
    """Per source: last success, last error, rows, next run."""
    table = Table("source", "kind", "last success", "last run", "status", "rows", "fails in a row", "next run",
                  "last error")
    with published_snapshot() as con:
        statuses = source_status(con, registry.SOURCES)
        for s in statuses:
            table.add_row(s.source, s.kind, str(s.last_success or "never"), str(s.last_run or "never"),
                          s.last_status or "-", str(s.rows), str(s.failure_streak), str(s.next_run or "-"),
                          (s.last_error or "")[:120])
    console.print(table)
    for s in statuses:
        if s.held_back:  # entries that failed validation: their facts kept their previous values
            console.print(f"{s.source}: {s.held_back}", markup=False, soft_wrap=True)


def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query against the published snapshot.")],
    fmt: Annotated[str, typer.Option("--format", help="table | csv")] = "table",
) -> None:
    """Run one read-only query on the published snapshot (never blocks the collector).

    The same guard as the app's SQL page: one SELECT, external access off, configuration locked.
    """
    try:
        sql_guard.check(query)
        con = sql_guard.connect(get_settings().published_file)
    except sql_guard.RejectedQuery as exc:
        err.print(f"Rejected: {exc}", markup=False)
        raise typer.Exit(1) from None
    except FileNotFoundError as exc:
        err.print(f"[yellow]{exc}[/yellow]")
        raise typer.Exit(1) from None
    with con:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            err.print(str(exc), markup=False)
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
        urls = "\n".join(s.urls(settings.base_urls.get(s.id)))
        if s.paths_from:  # per-target source: its paths come from the warehouse at each run
            urls = f"{settings.base_urls.get(s.id) or s.base_url} + target query `{s.paths_from}`"
        table.add_row(s.id, s.kind, every, urls)
    console.print(table)
