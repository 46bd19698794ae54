"""The writer's pipeline for commands that change the warehouse: open it, or say who holds it and exit 2."""

from __future__ import annotations

import typer
from rich.console import Console

from gapwatch.settings import Settings, get_settings
from jobs.pipeline import Pipeline, make_pipeline
from warehouse.db import WarehouseLocked

err = Console(stderr=True)


def open_pipeline(settings: Settings | None = None, **kwargs) -> Pipeline:
    try:
        return make_pipeline(settings or get_settings(), **kwargs)
    except WarehouseLocked as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
