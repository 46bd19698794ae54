"""`gapwatch` command line (typer): the app, and every command group registered on it in help order."""

from __future__ import annotations

import typer
from rich.console import Console

from gapwatch.settings import ConfigError, get_settings
from jobs.cli import (
    backfill_command,
    capability_map_command,
    collect_command,
    service_command,
    status_command,
    transforms_command,
)
from jobs.cli.alerts_command import alerts_app
from jobs.cli.evals_command import evals_app
from jobs.cli.models_command import licenses_app, models_app
from warehouse.leftovers import remove_leftovers

app = typer.Typer(help="Track the open-weights vs closed AI model market.", no_args_is_help=True)


@app.callback()
def _start() -> None:
    """Every command starts by removing what killed processes left behind (temporary raw and snapshot files)."""
    try:
        settings = get_settings()
    except ConfigError as exc:
        Console(stderr=True).print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    remove_leftovers(settings.raw_root, settings.published_file)


app.command("collect")(collect_command.collect)
app.command("status")(status_command.status)
app.command("sql")(status_command.sql)
app.command("reparse")(collect_command.reparse)
app.command("sources")(status_command.sources)
app.command("backfill")(backfill_command.command)
app.command("capability-map")(capability_map_command.command)
app.add_typer(alerts_app, name="alerts")
app.add_typer(evals_app, name="evals")
app.add_typer(models_app, name="models")
app.add_typer(licenses_app, name="licenses")
app.command("transforms")(transforms_command.command)
app.command("serve")(service_command.serve)
app.command("up")(service_command.up)
app.command("demo")(service_command.demo)

if __name__ == "__main__":
    app()
