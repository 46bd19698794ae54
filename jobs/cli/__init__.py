"""The `gapwatch` command line: `main.py` holds the typer app, one `*_command.py` module per command group."""
