"""`gapwatch backfill SOURCE (--dir DIR | --git REPO --path FILE)`: the command line face of jobs/backfill/."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from collectors import registry
from gapwatch.settings import get_settings
from gapwatch.source import Outcome
from jobs.backfill.backfill import (
    BackfillError,
    LinkTally,
    Snapshot,
    backfill,
    dir_versions,
    git_versions,
    parse_interval,
    snapshots,
)
from jobs.backfill.dated_files import ManifestError, dated_files, parse_timestamp
from jobs.backfill.git_history import GitError
from jobs.cli.future import ahead_of_now, future_message
from jobs.cli.writer import open_pipeline

err = Console(stderr=True)


class RateColumn(ProgressColumn):
    """Documents per second over the recent window rich keeps for each task."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "- docs/s", style="progress.data.speed")


def command(
    source: Annotated[str, typer.Argument(help="Source id whose history to backfill.")],
    directory: Annotated[Path | None, typer.Option("--dir", help="Directory of dated documents (recursive).",
                                                   exists=True, file_okay=False)] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="CSV `file,observed_at[,url]` overriding "
                                                  "dates taken from file names (with --dir).", exists=True,
                                                  dir_okay=False)] = None,
    repo: Annotated[Path | None, typer.Option("--git", help="Local git clone whose history to walk.", exists=True,
                                              file_okay=False)] = None,
    paths: Annotated[list[str] | None, typer.Option("--path", help="File in the clone (repeat for a source "
                                                    "with several documents, e.g. one per board); a directory "
                                                    "for a tree source (models.dev).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only versions at or after this UTC date.")] = None,
    every: Annotated[str | None, typer.Option("--every", help="Keep one version (the last) per interval, e.g. "
                                              "1d, 12h, 1w.")] = None,
    alerts: Annotated[bool, typer.Option("--alerts", help="Also deliver the change events found (they are "
                                         "always recorded).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the snapshots; ingest nothing.")] = False,
) -> None:
    """Ingest dated documents or a file's git history as the source's past, oldest first."""
    try:
        src = registry.get(source)
    except KeyError as exc:
        raise typer.BadParameter(str(exc.args[0])) from None
    if (directory is None) == (repo is None):
        raise typer.BadParameter("give exactly one of --dir DIR or --git REPO --path FILE")
    if repo is not None and not paths:
        raise typer.BadParameter("--git needs --path FILE (the file whose history to walk)")
    if manifest is not None and directory is None:
        raise typer.BadParameter("--manifest dates the files of --dir; git versions are dated by their commits")
    try:
        since_at = parse_timestamp(since) if since else None
    except ValueError:
        raise typer.BadParameter(f"--since {since!r} is not an ISO date (e.g. 2025-01-01)") from None
    links = LinkTally()
    with ExitStack() as stack:
        try:
            if directory is not None:
                found, undated = dated_files(directory, manifest)
                for path in undated:
                    err.print(f"[yellow]no date in {path.relative_to(directory.resolve())}: left out[/yellow]",
                              soft_wrap=True)
                versions = dir_versions(found, src.tree, links)
            else:
                versions = stack.enter_context(git_versions(repo, paths or [], src.tree, links))
            snaps = snapshots(src, versions, since=since_at, every=parse_interval(every) if every else None)
            if snaps and ahead_of_now(last := snaps[-1].observed_at):  # a file name or commit date from the future
                dated = ", ".join(v.url for v in snaps[-1].versions) + " is dated"
                raise BackfillError(future_message(
                    last, dated, "Nothing was ingested: fix its date (with --manifest for --dir) and run again."))
        except (BackfillError, GitError, ManifestError) as exc:
            err.print(f"[red]{exc}[/red]", soft_wrap=True)
            raise typer.Exit(2) from None
        if dry_run:
            for snap in snaps:
                err.print(f"{snap.observed_at}  " + "  ".join(v.url for v in snap.versions), soft_wrap=True)
            err.print(f"{len(snaps)} snapshots, {sum(len(s.versions) for s in snaps)} documents")
            return
        settings = get_settings()
        pipe = stack.enter_context(open_pipeline(settings, create=True, publish_after_ingest=False))
        progress = stack.enter_context(Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err,
        ))
        task = progress.add_task(f"backfill {source}", total=sum(len(s.versions) for s in snaps))

        done: list[Snapshot] = []

        def advance(snap: Snapshot, outcome: Outcome | None) -> None:
            done.append(snap)
            if outcome is not None and outcome.status in ("rejected", "failed"):
                progress.console.print(f"[red]{snap.observed_at}: {outcome.summary()}[/red]", soft_wrap=True)
            progress.update(task, advance=len(snap.versions),
                            description=f"backfill {source} {snap.observed_at:%Y-%m-%d}")

        try:
            report = backfill(pipe, src, snaps, on_snapshot=advance)
        except (BackfillError, GitError) as exc:  # GitError: a version's object could not be read
            progress.stop()
            err.print(f"{str(exc).rstrip('.')}. Snapshots before it are kept.", style="red", markup=False,
                      highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            progress.stop()
            last = f" (up to {done[-1].observed_at:%Y-%m-%d %H:%M})" if done else ""
            err.print(f"[yellow]backfill {source} interrupted after {len(done)} of {len(snaps)} snapshots{last}: "
                      "what was ingested is kept and published; run the same command again to continue "
                      "(snapshots already judged are skipped)[/yellow]", soft_wrap=True)
            raise typer.Exit(130) from None
        progress.stop()
        report.links = links
        err.print(report.summary(), soft_wrap=True)
        undelivered = 0
        if alerts:
            from jobs.alerts.delivery import deliver  # Apprise loads only when alerts are asked for

            sent = deliver(pipe, settings, include_backfill=True)
            undelivered = sent.failed
            err.print(f"alerts: {sent.sent} delivered, {sent.failed} failed (retried by the next --alerts run)")
    raise typer.Exit(1 if report.count("rejected") or undelivered else 0)
