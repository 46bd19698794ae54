"""`gapwatch capability-map`: check an edited capability map, load it now, and list what it leaves unmapped.

Ingests reload the map anyway; this command is for the moment a user has edited it and wants to see the effect
(and the categories still waiting for a mapping) without waiting for a source to change.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gapwatch.settings import get_settings
from jobs.cli.writer import open_pipeline
from warehouse import capabilities, db
from warehouse.capabilities import CapabilityMapError

console = Console()
err = Console(stderr=True)


def command(
    check: Annotated[bool, typer.Option("--check", help="Only validate the map file; write nothing.")] = False,
) -> None:
    """Load the capability map into the warehouse, publish, and list unmapped categories."""
    settings = get_settings()
    path = settings.capability_map_path or capabilities.default_path()
    try:
        entries = capabilities.load_map(path)
        preferences = capabilities.load_headline(path)
    except CapabilityMapError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    if check:
        console.print(f"{path}: {len(entries)} (board, category) patterns, all valid")
        return
    with open_pipeline(settings) as pipe, pipe.locked() as con:
        with db.transaction(con):
            changed = capabilities.store_map(con, entries)
            changed = capabilities.store_headline(con, preferences) or changed
        if changed:
            pipe.publish()
        unmapped = con.execute("SELECT source, board, category, models FROM v_unmapped_categories").fetchall()
    console.print(f"{path}: {len(entries)} patterns {'loaded and published' if changed else 'already in force'}")
    if not unmapped:
        console.print("every category seen is mapped")
        return
    table = Table("source", "board", "category", "models", title="categories without a capability")
    for row in unmapped:
        table.add_row(*map(str, row))
    console.print(table)
