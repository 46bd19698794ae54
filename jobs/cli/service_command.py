"""`gapwatch serve`, `gapwatch up` and `gapwatch demo`: the long-running commands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from gapwatch.settings import get_settings
from warehouse.db import WarehouseLocked

err = Console(stderr=True)


def _run_service(run: Callable[[], object]) -> None:
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


def serve() -> None:
    """Run every source on its schedule (the one writer) until SIGTERM/SIGINT."""
    from jobs.service import serve as run_serve

    _run_service(lambda: run_serve(get_settings()))


def up() -> None:
    """Run the service and the Streamlit app together; stopping one stops both."""
    from jobs.up import up as run_up

    _run_service(lambda: run_up(get_settings()))


def demo(keep: Annotated[bool, typer.Option("--keep", help="Keep data/demo from the last run.")] = False) -> None:
    """Offline demo: replay recorded documents over loopback HTTP, build history, then `up`."""
    from jobs.demo.demo import run_demo

    _run_service(lambda: run_demo(fresh=not keep))
