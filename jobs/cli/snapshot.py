"""The published snapshot for read-only CLI commands: open it, or say how to get one and exit 1.

When no data directory was chosen (no `GAPWATCH_DATA_DIR` / `GAPWATCH_PUBLISHED_PATH`, nothing in gapwatch.toml)
and the default location has no snapshot but `make demo` left one in `data/demo/`, that one is read, and the
command says so on stderr: a newcomer's first `gapwatch sql` after the demo finds the demo's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import typer
from rich.console import Console

from gapwatch.settings import Settings, get_settings
from jobs.demo.paths import DEMO_DATA
from warehouse.publish import SnapshotUnreadable, open_snapshot

err = Console(stderr=True)


def snapshot_path(settings: Settings) -> tuple[Path, bool]:
    """The snapshot to read and whether it is the demo's (taken because nothing else was chosen or published)."""
    chosen = settings.published_file
    if chosen.exists() or {"data_dir", "published_path"} & settings.model_fields_set:
        return chosen, False
    demo = Settings(data_dir=DEMO_DATA).published_file
    return (demo, True) if demo.exists() else (chosen, False)


def snapshot_file() -> Path:
    """The published snapshot to read (the demo's when nothing else was chosen), or say how to get one and exit 1."""
    path, demo = snapshot_path(get_settings())
    if not path.exists():
        err.print(
            f"[yellow]No published snapshot at {path}.[/yellow]\n"
            "Run `gapwatch collect` (or `gapwatch up`) to collect and publish one. The demo (`make demo`) keeps its "
            f"data in {DEMO_DATA}: read it with GAPWATCH_DATA_DIR={DEMO_DATA} (the `data_dir` setting, "
            "docs/configuration.md).",
            highlight=False,
        )
        raise typer.Exit(1)
    if demo:
        err.print(f"[dim]Reading the demo's snapshot ({path}); set GAPWATCH_DATA_DIR to read another.[/dim]",
                  highlight=False)
    return path


def unreadable(exc: SnapshotUnreadable) -> typer.Exit:
    """Say that the snapshot is damaged and what repairs it; the exit to raise."""
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@contextmanager
def published_snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = open_snapshot(snapshot_file())
    except FileNotFoundError:  # removed between the check and the open: say so like a missing one
        snapshot_file()
        raise
    except SnapshotUnreadable as exc:
        raise unreadable(exc) from None
    with con:
        try:
            yield con
        except duckdb.IOException as exc:  # a data block cut off: the header read, a table does not
            raise unreadable(SnapshotUnreadable(exc)) from None
