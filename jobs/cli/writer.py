"""The writer's pipeline for commands that change the warehouse: open it, or say who holds it and exit 2."""

from __future__ import annotations

import typer
from rich.console import Console

from gapwatch.settings import Settings, get_settings
from jobs.pipeline import Pipeline, make_pipeline
from warehouse.db import WarehouseLocked

err = Console(stderr=True)


def open_pipeline(settings: Settings | None = None, *, create: bool = False, **kwargs) -> Pipeline:
    """The writer. `create`: the command may start a new warehouse (collect, backfill); the others work on
    collected data, and creating an empty warehouse where none was (a mistyped or forgotten data directory)
    would leave every later command reading nothing."""
    settings = settings or get_settings()
    if not create and not settings.warehouse_file.exists():
        err.print(f"[red]No warehouse in {settings.data_dir} ({settings.warehouse_file} does not exist): this "
                  "command works on collected data. Run `gapwatch collect` (or `gapwatch backfill`) first, or "
                  "point GAPWATCH_DATA_DIR (the `data_dir` setting) at the data directory you meant.[/red]",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    try:
        return make_pipeline(settings, **kwargs)
    except WarehouseLocked as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
