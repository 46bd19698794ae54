"""The published snapshot for read-only CLI commands: open it, or say how to get one and exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import typer
from rich.console import Console

from gapwatch.settings import get_settings
from warehouse.publish import open_snapshot

err = Console(stderr=True)


@contextmanager
def published_snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = open_snapshot(get_settings().published_file)
    except FileNotFoundError as exc:
        err.print(f"[yellow]{exc}[/yellow]")
        raise typer.Exit(1) from None
    with con:
        yield con
