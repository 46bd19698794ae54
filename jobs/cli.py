"""`gapwatch` command line (typer)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from collectors import registry
from gapwatch.settings import get_settings
from jobs.backfill_command import command as backfill_command
from jobs.capability_map_command import command as capability_map_command
from jobs.cli_alerts import alerts_app
from jobs.cli_models import licenses_app, models_app
from jobs.cli_snapshot import published_snapshot
from jobs.pipeline import Pipeline
from jobs.status import source_status
from jobs.wiring import make_pipeline
from warehouse.db import WarehouseLocked

app = typer.Typer(help="Track the open-weights vs closed AI model market.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _parse_ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date or timestamp (e.g. 2025-06-01T12:00)") from None
    return ts.astimezone(tz=None).replace(tzinfo=None) if ts.tzinfo else ts


def _pipeline() -> Pipeline:
    try:
        return make_pipeline(get_settings())
    except WarehouseLocked as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def collect(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="observed_at for this collection (UTC).")] = None,
) -> None:
    """Fetch, parse and ingest sources now."""
    observed_at = _parse_ts(as_of)
    try:
        chosen = [registry.get(s) for s in sources] if sources else list(registry.SOURCES)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    failed = 0
    with _pipeline() as pipe, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as progress:
        task = progress.add_task("collecting", total=len(chosen))
        for source in chosen:
            progress.update(task, description=f"collecting {source.id}")
            outcome = pipe.collect(source, observed_at)
            colour = {"ok": "green", "unchanged": "cyan"}.get(outcome.status, "red")
            progress.console.print(f"[{colour}]{outcome.summary()}[/{colour}]")
            failed += outcome.status in ("failed", "rejected")
            progress.advance(task)
    raise typer.Exit(1 if failed else 0)


@app.command()
def status() -> None:
    """Per source: last success, last error, rows, next run."""
    table = Table("source", "kind", "last success", "last run", "status", "rows", "fails in a row", "next run",
                  "last error")
    with published_snapshot() as con:
        for s in source_status(con):
            table.add_row(s.source, s.kind, str(s.last_success or "never"), str(s.last_run or "never"),
                          s.last_status or "-", str(s.rows), str(s.failure_streak), str(s.next_run or "-"),
                          (s.last_error or "")[:120])
    console.print(table)


@app.command()
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


@app.command()
def reparse(source: Annotated[str, typer.Argument(help="Source id whose stored documents to re-parse.")]) -> None:
    """Re-parse a source's stored raw documents (after a parser fix) without fetching again."""
    from jobs.reparse import reparse as run_reparse

    try:
        src = registry.get(source)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    with _pipeline() as pipe, Progress(TextColumn("reparse " + source), BarColumn(), MofNCompleteColumn(),
                                       console=err) as progress:
        task = progress.add_task("reparse", total=None)
        outcomes = run_reparse(pipe, src, lambda done, total: progress.update(task, completed=done, total=total))
    ok = sum(o.status == "ok" for o in outcomes)
    console.print(f"{source}: re-parsed {len(outcomes)} runs ({ok} ok, {len(outcomes) - ok} rejected)")


@app.command()
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


app.command("backfill")(backfill_command)
app.command("capability-map")(capability_map_command)
app.add_typer(alerts_app, name="alerts")
app.add_typer(models_app, name="models")
app.add_typer(licenses_app, name="licenses")


@app.command()
def transforms() -> None:
    """Recompute the gap, months-behind, price and cost tables now (e.g. after changing a transform setting)."""
    from warehouse.db import transaction
    from warehouse.transforms.refresh import refresh_transforms

    with _pipeline() as pipe, pipe.write_lock:
        with transaction(pipe.con):
            done = refresh_transforms(pipe.con, pipe.settings)
        if not done:
            err.print("[yellow]nothing collected yet: run `gapwatch collect` first[/yellow]")
            raise typer.Exit(1)
        pipe.publish()
    console.print("transform tables recomputed and published")


def _run_service(run: Callable[[], object]) -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for chatty in ("httpx", "apscheduler.executors", "apscheduler.scheduler"):  # one line per run is enough
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        failed = run()  # up/demo: the app's exit code
    except WarehouseLocked as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if failed:
        raise typer.Exit(1)


@app.command()
def serve() -> None:
    """Run every source on its schedule (the one writer) until SIGTERM/SIGINT."""
    from jobs.service import serve as run_serve

    _run_service(lambda: run_serve(get_settings()))


@app.command()
def up() -> None:
    """Run the service and the Streamlit app together; stopping one stops both."""
    from jobs.up import up as run_up

    _run_service(lambda: run_up(get_settings()))


@app.command()
def demo(keep: Annotated[bool, typer.Option("--keep", help="Keep data/demo from the last run.")] = False) -> None:
    """Offline demo: replay recorded documents over loopback HTTP, build history, then `up`."""
    from jobs.demo import run_demo

    _run_service(lambda: run_demo(fresh=not keep))


if __name__ == "__main__":
    app()
