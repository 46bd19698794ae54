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
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path

import duckdb

from collectors.source import ParseError, Source, TreeFormat
from jobs.backfill.dated_files import DatedFile
from jobs.backfill.git_history import BlobReader, FileVersion, file_versions, object_type, tree_commits, tree_files
from jobs.pipeline import Document, Outcome, Parsed, Pipeline
from warehouse import runs
from warehouse.bulk import BulkWriter, appendable
from warehouse.ingest import Unparseable
from warehouse.ingest import utcnow as runs_now

log = logging.getLogger(__name__)
_EPOCH = datetime(1970, 1, 1)
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# A bulk backfill writes what it holds in memory once this many intervals are waiting (each flush commits):
# memory stays bounded however long the history, and an interrupted backfill keeps what it flushed.
BULK_FLUSH_ROWS = 200_000
# A dated file with one of these suffixes is a `git archive` tarball: one version of a tree source's tree.
TARBALL_SUFFIXES = (".tar.gz", ".tgz")


class BackfillError(ValueError):
    """The documents cannot form a history for this source (ambiguous dates, unsupported path, ...)."""


@dataclass(frozen=True)
class Version:
    """One dated document waiting to be ingested: when it was true, where it came from, how to read it."""

    observed_at: datetime
    url: str
    # None: the document stopped existing at `observed_at` (a git deletion).
    read: Callable[[], bytes] | None = field(compare=False, repr=False)
    # A versioned document (a git path): it stays part of every later snapshot until its next version.
    series: str | None = None


@dataclass(frozen=True)
class Snapshot:
    observed_at: datetime
    versions: tuple[Version, ...]


@dataclass
class BackfillReport:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    already: int = 0  # snapshots judged by an earlier run, skipped
    documents: int = 0
    seconds: float = 0.0
    published: int | None = None

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
        if self.published is not None:
            text += f"; published snapshot v{self.published}"
        return text


def parse_interval(text: str) -> timedelta:
    """`30m`, `12h`, `1d`, `2w` → timedelta."""
    found = _INTERVAL.match(text)
    if not found or int(found.group(1)) == 0:
        raise BackfillError(f"{text!r} is not an interval like 12h, 1d or 1w")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def thin(snaps: list[Snapshot], every: timedelta) -> list[Snapshot]:
    """Keep the last snapshot of each interval (aligned to the Unix epoch, so `1d` means UTC days).

    The last one is the settled state of the interval (fix-ups and reverts within it collapse), and it is what
    a collector polling at that period would have seen; a change shows up at most one interval late.
    """
    kept: dict[int, Snapshot] = {}
    for snap in snaps:
        kept[(snap.observed_at - _EPOCH) // every] = snap
    return list(kept.values())


def snapshots(source: Source, versions: list[Version], *, since: datetime | None = None,
              every: timedelta | None = None) -> list[Snapshot]:
    """The states of `source` to ingest, oldest first.

    Versions of one time form one snapshot (a multi-URL source's boards). A versioned document (git path)
    is carried into every later snapshot until replaced or deleted, so each snapshot holds every document a
    live collector would have fetched at that time: the drift guard then compares like with like, and an
    unchanged board simply re-confirms its facts.
    """
    state: dict[str, Version] = {}
    out = []
    for at, group in groupby(sorted(versions, key=lambda v: v.observed_at), key=lambda v: v.observed_at):
        dated = []
        now: dict[str, Version] = {}
        for v in group:
            series = v.series or series_of(source, v.url)
            if series is not None and series in now:
                raise BackfillError(
                    f"{source.id}: two versions of {series} are dated {at}: {now[series].url} and {v.url}. "
                    "Which one was in force is ambiguous; give them distinct times with --manifest or drop one.")
            if series is not None:
                now[series] = v
            if series is None:
                dated.append(v)
            elif v.read is None:
                state.pop(series, None)
            else:
                state[series] = v
        if dated or state:
            out.append(Snapshot(at, (*dated, *state.values())))
    out = [snap for snap in out if since is None or snap.observed_at >= since]
    if every is not None:
        out = thin(out, every)
    if source.documents_per_collection == 1:
        for snap in out:
            if len(snap.versions) > 1:
                raise BackfillError(
                    f"{source.id} publishes one document, but {len(snap.versions)} are dated {snap.observed_at}: "
                    f"{', '.join(v.url for v in snap.versions)}. Give them distinct times with --manifest."
                )
    return out


def series_of(source: Source, url: str) -> str | None:
    """The source document a dated file is a version of, by name: `polyglot_leaderboard_2025-03-29.yml` is a
    version of `.../polyglot_leaderboard.yml` and `leaderboard-text_2025-12-11_ea8297b54.json` of
    `.../leaderboard-text.json` (the file name, or its stem, `_` and the date). A file naming no document of the
    source (LMArena's CSV exports, LiveBench's older releases) is a document of its own."""
    if source.documents_per_collection == 1:
        return None  # each file is the whole state: nothing to carry into the next snapshot
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    for path in source.paths:
        own = path.rsplit("/", 1)[-1]
        stem = own.split(".", 1)[0]
        if name == own or (name.startswith(stem + "_") and name[len(stem) + 1 : len(stem) + 2].isdigit()):
            return path
    return None


def dir_versions(files: list[DatedFile], tree: TreeFormat | None = None) -> list[Version]:
    """One version per dated file; for a tree source, a `git archive` tarball is one version of the tree."""
    def reader(path: Path) -> Callable[[], bytes]:
        if tree is not None and path.name.endswith(TARBALL_SUFFIXES):
            return lambda: tree.to_document(tree.from_tarball(path))
        return path.read_bytes

    return [Version(f.observed_at, f.url, reader(f.path)) for f in files]


@contextmanager
def git_versions(repo: Path, paths: list[str], tree: TreeFormat | None = None) -> Iterator[list[Version]]:
    """The versions of each path in `repo`'s history, readable while the context is open.

    Directory paths are one tree, rebuilt into the source's document at every commit that changed it,
    when the source declares a tree format (`Source.tree`); otherwise they are refused.
    """
    repo = repo.resolve()
    dirs = [path for path in paths if object_type(repo, path) == "tree"]
    if dirs and tree is None:
        raise BackfillError(
            f"{', '.join(dirs)} is a directory: this source parses one document, not a tree of files, so tree "
            "history cannot be backfilled for it; export dated snapshots to files and use --dir instead"
        )
    with BlobReader(repo) as reader:
        yield _tree_versions(repo, paths, reader, tree) if dirs and tree else _file_versions(repo, paths, reader)


def _file_versions(repo: Path, paths: list[str], reader: BlobReader) -> list[Version]:
    out: list[Version] = []
    for path in paths:
        found = file_versions(repo, path)
        if not found:
            raise BackfillError(f"{path} has no history in {repo} (wrong path, or never committed?)")
        # Commits of one rebased series often share a timestamp: the newest of them is the state at that time.
        newest_per_time: dict[datetime, FileVersion] = {v.committed_at: v for v in found}
        out += [Version(v.committed_at, f"{(repo / v.path).as_uri()}?commit={v.commit}",
                        None if v.deleted else _reader(reader, v), series=path)
                for v in newest_per_time.values()]
    return out


def _reader(reader: BlobReader, version: FileVersion) -> Callable[[], bytes]:
    return lambda: reader.read(version.commit, version.path)


def _tree_versions(repo: Path, paths: list[str], reader: BlobReader, tree: TreeFormat) -> list[Version]:
    commits = tree_commits(repo, paths)
    if not commits:
        raise BackfillError(f"{', '.join(paths)} has no history in {repo}")
    newest_per_time = {at: commit for commit, at in commits}
    return [Version(at, f"{repo.as_uri()}?commit={commit}&tree={','.join(paths)}",
                    _tree_reader(repo, commit, paths, reader, tree), series="tree")
            for at, commit in newest_per_time.items()]


def _tree_reader(repo: Path, commit: str, paths: list[str], reader: BlobReader,
                 tree: TreeFormat) -> Callable[[], bytes]:
    def read() -> bytes:
        blobs = tree_files(repo, commit, paths)
        return tree.to_document({p: reader.read_object(b) for p, b in blobs.items() if p.endswith(tree.suffix)})
    return read


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

