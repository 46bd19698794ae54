"""Backfill: replay dated documents (files in a directory, or a file's git history) through the live pipeline.

Every snapshot is judged with `observed_at` = the document's date and `trigger="backfill"`, by the live
path's code, so backfilled history is validated and hooked like live collection (the derive hooks, e.g. the
transforms, run once at the end of the batch instead of after each snapshot). A history that only appends is
judged in memory and written in bulk (`warehouse/bulk.py` `BulkWriter`, through `Pipeline.flush_bulk`); one
fitted around newer data goes through `Pipeline.ingest_documents`, where `history.apply_snapshot` fits it in.
What is committed stays: an interrupted backfill keeps what it wrote, and running it again skips what was
already judged.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from gapwatch.source import Outcome, ParseError, Source
from jobs.backfill.versions import (
    BackfillError,
    LinkTally,
    Snapshot,
    Version,
    dir_versions,
    git_versions,
    parse_interval,
    snapshots,
)
from jobs.pipeline import Document, Parsed, Pipeline
from warehouse import runs
from warehouse.bulk import BulkWriter, appendable
from warehouse.ingest import Unparseable
from warehouse.ingest import utcnow as runs_now

# What a backfill replays is gathered in jobs/backfill/versions.py; its names stay importable from here.
__all__ = ["BULK_FLUSH_ROWS", "BackfillError", "BackfillReport", "LinkTally", "Snapshot", "Version", "backfill",
           "dir_versions", "git_versions", "parse_interval", "snapshots"]

log = logging.getLogger(__name__)
# A bulk backfill writes what it holds in memory once this many intervals are waiting (each flush commits):
# memory stays bounded however long the history, and an interrupted backfill keeps what it flushed.
BULK_FLUSH_ROWS = 200_000


@dataclass
class BackfillReport:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    already: int = 0  # snapshots judged by an earlier run, skipped
    documents: int = 0
    seconds: float = 0.0
    published: int | None = None
    links: LinkTally | None = None  # a tree source's symbolic links, when the versions were read with a tally

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def rows(self) -> int:
        return sum(o.rows for o in self.outcomes if o.status == "ok")

    def summary(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        text = (f"{self.source}: {self.documents} documents in {len(self.outcomes) + self.already} snapshots — "
                f"{self.count('ok')} ok, {self.count('unchanged')} unchanged, {self.count('rejected')} rejected, "
                f"{self.already} already ingested; {self.rows} rows; {rate:.1f} documents/s")
        if self.links is not None and (self.links.followed or self.links.broken):
            text += f"; {self.links.followed} symbolic links read as the files they point to"
            if self.links.broken:
                text += (f", {len(self.links.broken)} broken (left out, e.g. "
                         f"{sorted(self.links.broken)[0]})")
        if self.published is not None:
            text += f"; published snapshot v{self.published}"
        return text

def _judged(pipe: Pipeline, source: Source) -> set[tuple[datetime, tuple[str, ...]]]:
    """Every snapshot of `source` judged before, accepted or rejected, as (observed_at, sorted document shas).

    The pipeline's own re-run check only counts accepted runs; a rejected document re-judged on every
    re-run would add a run (and a source-health hook call) each time. `gapwatch reparse` re-judges those.
    One query for the whole backfill (the batch holds the write lock, so no other writer adds runs).
    """
    with pipe.locked() as con:
        return runs.judged_snapshots(con, source.id)


@dataclass
class _Prepared:
    docs: list[Document]
    parsed: Parsed | None = None
    error: Exception | None = None  # the parser's: the pipeline quarantines the snapshot as it would live
    ambiguous: str | None = None  # two documents of the snapshot publish the same board: refuse, never merge

    def result(self) -> Parsed:
        if self.error is not None:
            raise self.error
        assert self.parsed is not None
        return self.parsed


def _prepare(pipe: Pipeline, source: Source, snap: Snapshot) -> _Prepared:
    """Read, hash, store and parse one snapshot's documents: what a backfill can do off the writer's thread."""
    docs = []
    for v in snap.versions:
        body = v.read()
        sha = hashlib.sha256(body).hexdigest()
        pipe.raw.put(body, sha)  # gzip and fsync release the GIL: they overlap the previous snapshot's writes
        docs.append(Document(v.url, body, sha))
    out = _Prepared(docs)
    try:
        out.parsed = Pipeline.parse_documents(source, docs, snap.observed_at)
    except Exception as exc:  # noqa: BLE001 - handed to the pipeline, which judges it like a live parse failure
        out.error = exc
    else:
        out.ambiguous = _same_board(source, snap, docs, out.parsed)
    return out


def _same_board(source: Source, snap: Snapshot, docs: list[Document], parsed: Parsed) -> str | None:
    """Why the snapshot is ambiguous when two of its documents hold rows of one board (two exports of the
    arena's text board dated the same day): merging them would keep whichever row came first."""
    result, evidence = parsed
    url_of = {d.sha256: d.url for d in docs}
    first: dict[str, str] = {}
    for row, sha in zip(result.rows, evidence, strict=True):
        board = getattr(row, "board", None)
        if board is None:
            continue
        held = first.setdefault(board, sha)
        if held != sha:
            return (f"{source.id}: {url_of[held]} and {url_of[sha]} are both dated {snap.observed_at} and both "
                    f"publish board {board}; which one was in force is ambiguous. Give them distinct times with "
                    "--manifest, or leave one out.")
    return None


def _parse(ready: _Prepared) -> Callable[[], Parsed]:
    """`ready`'s parse as ingest judges it: a parser's error quarantines the snapshot, never stops the backfill."""
    def parse() -> Parsed:
        try:
            return ready.result()
        except ParseError as exc:
            raise Unparseable(str(exc)) from exc
        except Exception as exc:
            raise Unparseable(f"parser crashed: {type(exc).__name__}: {exc}") from exc
    return parse


def _prepared(pipe: Pipeline, source: Source, snaps: list[Snapshot], ahead: int) -> Iterator[_Prepared]:
    """`_prepare` each snapshot in order on one worker thread, at most `ahead` snapshots ahead of the writer.

    DuckDB releases the GIL while it executes, so the next snapshot is parsed while this one is written;
    the bound keeps memory at a few documents however long the history is.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfill-prepare") as pool:
        queue: deque[Future[_Prepared]] = deque()
        try:
            for snap in snaps:
                queue.append(pool.submit(_prepare, pipe, source, snap))
                if len(queue) > ahead:
                    yield queue.popleft().result()
            while queue:
                yield queue.popleft().result()
        finally:
            for future in queue:
                future.cancel()


def backfill(
    pipe: Pipeline,
    source: Source,
    snaps: list[Snapshot],
    *,
    on_snapshot: Callable[[Snapshot, Outcome | None], None] | None = None,
    defer_events: bool = True,
) -> BackfillReport:
    """Ingest `snaps` oldest first; publish once at the end (not after each snapshot) when anything was written.

    One batch (`Pipeline.batch`, which publishes nothing itself): the derive hooks (capability map,
    transforms, gap thresholds) run once after the last snapshot instead of after each. With `defer_events`
    (the default) a history that only appends (every snapshot newer than the source's runs) is judged and
    diffed in memory and written in bulk (`warehouse.bulk.BulkWriter`); identity is refreshed once, at the end,
    and each snapshot's change events are detected then, in order, from its diff. Otherwise (or without it)
    every snapshot goes through `Pipeline.ingest_documents` with every hook after it, as a live collection
    (`tests/jobs/test_deferred_equality.py` holds the two to the same warehouse).
    """
    report = BackfillReport(source.id)
    began = time.perf_counter()
    writer: BulkWriter | None = None
    if defer_events and snaps:
        # Only a history that appends is written in bulk with its events deferred: a snapshot fitted in under
        # newer data may extend the next interval back, and a diff read back from such bounds (after a crash)
        # would cite the next document. Such a backfill runs every hook after each snapshot instead.
        with pipe.locked() as con:
            defer_events = appendable(con, [source.id], snaps[0].observed_at)
    try:
        with pipe.batch(defer_events=defer_events):
            judged = _judged(pipe, source)
            if defer_events:
                with pipe.locked() as con:
                    writer = BulkWriter(con, pipe.raw, source, snaps[0].observed_at,
                                        min_row_ratio=pipe.settings.min_row_ratio, started=runs_now())
            try:
                for snap, ready in zip(snaps, _prepared(pipe, source, snaps, ahead=2), strict=True):
                    if ready.ambiguous:
                        raise BackfillError(ready.ambiguous)
                    report.documents += len(ready.docs)
                    outcome = None
                    if (snap.observed_at, tuple(sorted(d.sha256 for d in ready.docs))) in judged:
                        report.already += 1
                    elif writer is not None:
                        with pipe.locked():
                            outcome = writer.add(ready.docs, snap.observed_at, _parse(ready))
                            if writer.pending_rows >= BULK_FLUSH_ROWS:
                                pipe.flush_bulk(source, writer)
                        report.outcomes.append(outcome)
                    else:
                        outcome = pipe.ingest_documents(source, ready.docs, snap.observed_at, trigger="backfill",
                                                        prepared=ready.result)
                        report.outcomes.append(outcome)
                    if on_snapshot:
                        on_snapshot(snap, outcome)
            except BaseException:
                # Every snapshot the writer judged is whole: keep them, as the per-snapshot path keeps its commits.
                if writer is not None and not isinstance(sys.exc_info()[1], duckdb.Error):
                    pipe.flush_bulk(source, writer)
                raise
            if writer is not None:
                pipe.flush_bulk(source, writer)
    except BaseException:
        # Interrupted (Ctrl-C, a failing read): every snapshot before this one is committed; make it visible.
        if report.outcomes:
            try:
                report.published = pipe.publish()
            except Exception:
                log.exception("publishing what an interrupted backfill of %s committed failed", source.id)
        raise
    if report.outcomes:
        report.published = pipe.publish()
    report.seconds = time.perf_counter() - began
    return report

