"""`gapwatch alerts …`: test channels, list recent change events, run one delivery pass."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gapwatch.settings import get_settings
from jobs.alerts.delivery import deliver, send_test
from jobs.alerts.messages import load_events, title
from jobs.alerts.rules import AlertConfigError
from jobs.cli import output
from jobs.cli.snapshot import published_snapshot
from jobs.cli.writer import open_pipeline
from warehouse.changes import KINDS

alerts_app = typer.Typer(help="Change events and their delivery to channels.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@alerts_app.command("test")
def test_channels() -> None:
    """Send a test message to each configured channel and show the result per channel."""
    try:
        results = send_test(get_settings())
    except AlertConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if not results:
        err.print(f"[yellow]no channels configured (see {get_settings().alerts_config} and alerts.example.toml)"
                  "[/yellow]")
        raise typer.Exit(1)
    table = Table("channel", "result")
    for label, error in results.values():
        table.add_row(label, "[green]ok[/green]" if error is None else f"[red]failed: {error}[/red]")
    console.print(table)
    raise typer.Exit(1 if any(error for _, error in results.values()) else 0)


@alerts_app.command("list")
def list_events(
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"Only these kinds: {', '.join(KINDS)}.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many events, newest first.")] = 20,
) -> None:
    """Recent change events from the published snapshot, newest first."""
    unknown = sorted(set(kind or []) - set(KINDS))
    if unknown:
        raise typer.BadParameter(f"unknown kinds {unknown}; known: {', '.join(KINDS)}")
    with published_snapshot() as con:
        events = load_events(con, "list_contains(?, kind)" if kind else "TRUE", [kind] if kind else [], limit)
        sent = dict(con.execute("SELECT event_key, delivered_to FROM v_changes").fetchall())
    output.print_table(console, ["observed", "kind", "source", "change", "magnitude", "delivered to"],
                       [[f"{e.observed_at:%Y-%m-%d %H:%M}" + (" (backfill)" if e.backfill else ""), e.kind,
                         e.source or "", title(e), "" if e.magnitude is None else f"{e.magnitude:g}",
                         ", ".join(sent.get(e.event_key) or [])] for e in events])
    err.print(f"{len(events)} events")


@alerts_app.command("deliver")
def deliver_once(
    include_backfill: Annotated[bool, typer.Option("--include-backfill", help="Also send backfilled events.")] = False,
) -> None:
    """One delivery pass: send pending events to their channels, retry failed ones, refresh the Atom feed."""
    settings = get_settings()
    try:
        with open_pipeline(settings) as pipe:
            report = deliver(pipe, settings, include_backfill=include_backfill)
            if report.attempts:
                pipe.publish()
    except AlertConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"{report.sent} delivered, {report.failed} failed (will retry); feed: {report.feed}")
    raise typer.Exit(1 if report.failed else 0)
