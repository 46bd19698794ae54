"""`gapwatch collect [SOURCE…]` and `gapwatch reparse SOURCE`: run sources through the pipeline now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from collectors import registry
from gapwatch.source import Outcome
from jobs.cli.future import ahead_of_now, future_message
from jobs.cli.writer import open_pipeline
from warehouse.rawstore import DamagedDocument

console = Console()
err = Console(stderr=True)


def _parse_ts(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date or timestamp (e.g. 2025-06-01T12:00)") from None
    # Stored timestamps are naive UTC: an offset converts to UTC, never to this machine's zone (TZ).
    ts = ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts
    if ahead_of_now(ts):
        raise typer.BadParameter(future_message(ts, "--as-of"))
    return ts


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
    imported = [s.id for s in chosen if s in registry.IMPORTED]
    if imported:
        raise typer.BadParameter(f"{', '.join(imported)} is imported from your files, never fetched: use "
                                 "`gapwatch evals import PATH…` (or the service's evals_dir)")
    failed = 0
    with open_pipeline(create=True) as pipe, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as progress:
        task = progress.add_task("collecting", total=len(chosen))

        def done(outcome: Outcome) -> None:
            nonlocal failed
            colour = {"ok": "green", "unchanged": "cyan"}.get(outcome.status, "red")
            progress.console.print(f"[{colour}]{outcome.summary()}[/{colour}]")
            failed += outcome.status in ("failed", "rejected")
            progress.advance(task)

        # Fetched concurrently, ingested as each arrives; derived and published once, at the end.
        pipe.collect_all(chosen, observed_at, on_outcome=done)
    raise typer.Exit(1 if failed else 0)


def reparse(source: Annotated[str, typer.Argument(help="Source id whose stored documents to re-parse.")]) -> None:
    """Re-parse a source's stored raw documents (after a parser fix) without fetching again."""
    from jobs.reparse import reparse as run_reparse

    try:
        src = registry.get(source)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    with open_pipeline() as pipe, Progress(TextColumn("reparse " + source), BarColumn(), MofNCompleteColumn(),
                                           console=err) as progress:
        task = progress.add_task("reparse", total=None)
        try:
            outcomes = run_reparse(pipe, src, lambda done, total: progress.update(task, completed=done, total=total))
        except DamagedDocument as exc:  # one transaction: the history before the reparse is kept whole
            progress.stop()
            err.print(f"[red]reparse {source} stopped, nothing changed: {exc}[/red]", soft_wrap=True, highlight=False)
            raise typer.Exit(2) from None
    ok = sum(o.status == "ok" for o in outcomes)
    console.print(f"{source}: re-parsed {len(outcomes)} runs ({ok} ok, {len(outcomes) - ok} rejected)")
