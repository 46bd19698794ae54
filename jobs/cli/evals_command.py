"""`gapwatch evals import PATH…`: your own evaluation results as boards of kind `own` (docs/evals.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from collectors.evals.results import board_name
from jobs.cli.writer import open_pipeline
from jobs.evals import PATTERN, EvalDocument, EvalImportError, import_documents, read_files
from jobs.pipeline import Outcome

evals_app = typer.Typer(help="Your own evaluation results beside the public boards.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@evals_app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Every Eval Ever records, Inspect AI JSON logs, lm-eval "
                                                     "results_*.json files, or folders of them.")],
) -> None:
    """Import evaluation files: each evaluation becomes a board `own-<evaluation>`, one category per metric.

    Every file is checked first; if one is broken nothing is imported and each broken file is named with why.
    A file imported before is skipped; a newer run of the same evaluation and model is history.
    """
    files = [f for p in paths for f in (sorted(p.glob(PATTERN)) if p.is_dir() else [p])]
    if not files:
        err.print("[red]no evaluation files: the folders given hold no *.json[/red]")
        raise typer.Exit(2)
    try:
        docs = read_files(files)
    except EvalImportError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None

    def done(doc: EvalDocument, outcome: Outcome) -> None:
        boards = sorted({board_name(s.evaluation) for s in doc.found.scores})
        what = {"ok": "imported", "unchanged": "already imported"}.get(outcome.status, outcome.status)
        colour = {"ok": "green", "unchanged": "cyan"}.get(outcome.status, "red")
        # One field per line: readable at 80 columns, and names (one may paste into an alias) never cut.
        lines = [f"[{colour}]{doc.path.name}: {what}[/{colour}]",
                 f"  {doc.found.format}, run {doc.found.evaluated_at:%Y-%m-%d %H:%M} UTC, "
                 f"{len(doc.found.scores)} score(s)",
                 f"  model: {doc.found.scores[0].model}",
                 *(f"  board: {b}" for b in boards),
                 *([f"  {outcome.error}"] if outcome.error else [])]
        console.print("\n".join(lines), soft_wrap=True, highlight=False)

    with open_pipeline(create=True) as pipe:  # your own results may be the first data of a warehouse
        outcomes = import_documents(pipe, docs, on_outcome=done)
    raise typer.Exit(1 if any(o.status in ("failed", "rejected") for o in outcomes) else 0)
