"""`gapwatch transforms`: recompute the derived tables now, e.g. after changing a transform setting."""

from __future__ import annotations

import typer
from rich.console import Console

from jobs.cli.writer import open_pipeline

console = Console()
err = Console(stderr=True)


def command() -> None:
    """Recompute the gap, months-behind, price and cost tables now (e.g. after changing a transform setting)."""
    from warehouse.db import transaction
    from warehouse.transforms.refresh import refresh_transforms  # polars loads only for this command

    with open_pipeline() as pipe, pipe.locked() as con:
        with transaction(con):
            done = refresh_transforms(con, pipe.settings)
        if not done:
            err.print("[yellow]nothing collected yet: run `gapwatch collect` first[/yellow]")
            raise typer.Exit(1)
        pipe.publish()
    console.print("transform tables recomputed and published")
