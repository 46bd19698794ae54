"""`python -m jobs.cli …`: the checkout's own CLI, whatever the venv's `gapwatch` script points at."""

from jobs.cli.main import app

app()
