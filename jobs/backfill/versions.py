"""The dated versions a backfill replays, and the snapshots they form: files in a directory (`--dir`), a
file's or a tree's git history (`--git`), thinned to one per interval (`--every`).

What `jobs/backfill/backfill.py` ingests, oldest first; nothing here touches the warehouse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path

from collectors.tree_links import follow
from gapwatch.source import Source, TreeFormat
from jobs.backfill.dated_files import DatedFile
from jobs.backfill.git_history import (
    BlobReader,
    FileVersion,
    GitError,
    file_versions,
    object_type,
    tree_commits,
    tree_files,
)

_EPOCH = datetime(1970, 1, 1)
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
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


@dataclass
class LinkTally:
    """Symbolic links a tree backfill read as the files they point to, and those it could not read."""

    followed: int = 0
    broken: set[str] = field(default_factory=set)

    def add(self, files: Mapping[str, bytes]) -> None:
        self.followed += getattr(files, "links_followed", 0)
        self.broken.update(getattr(files, "broken", ()))


def dir_versions(files: list[DatedFile], tree: TreeFormat | None = None,
                 tally: LinkTally | None = None) -> list[Version]:
    """One version per dated file; for a tree source, a `git archive` tarball is one version of the tree."""
    def from_tarball(path: Path) -> bytes:
        assert tree is not None
        found = tree.from_tarball(path)
        if tally is not None:
            tally.add(found)
        return tree.to_document(found)

    def reader(path: Path) -> Callable[[], bytes]:
        if tree is not None and path.name.endswith(TARBALL_SUFFIXES):
            return lambda: from_tarball(path)
        return path.read_bytes

    return [Version(f.observed_at, f.url, reader(f.path)) for f in files]


@contextmanager
def git_versions(repo: Path, paths: list[str], tree: TreeFormat | None = None,
                 tally: LinkTally | None = None) -> Iterator[list[Version]]:
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
        yield (_tree_versions(repo, paths, reader, tree, tally) if dirs and tree
               else _file_versions(repo, paths, reader))


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


def _tree_versions(repo: Path, paths: list[str], reader: BlobReader, tree: TreeFormat,
                   tally: LinkTally | None) -> list[Version]:
    commits = tree_commits(repo, paths)
    if not commits:
        raise BackfillError(f"{', '.join(paths)} has no history in {repo}")
    newest_per_time = {at: commit for commit, at in commits}
    return [Version(at, f"{repo.as_uri()}?commit={commit}&tree={','.join(paths)}",
                    _tree_reader(repo, commit, paths, reader, tree, tally), series="tree")
            for at, commit in newest_per_time.items()]


def _tree_reader(repo: Path, commit: str, paths: list[str], reader: BlobReader,
                 tree: TreeFormat, tally: LinkTally | None) -> Callable[[], bytes]:
    def elsewhere(path: str) -> bytes | None:
        """A file a link points to outside `paths` (a provider's entry linked to `models/`), at the same commit."""
        try:
            return reader.read(commit, path)
        except GitError:
            return None

    def read() -> bytes:
        blobs, links = tree_files(repo, commit, paths)
        files = {p: reader.read_object(b) for p, b in blobs.items() if p.endswith(tree.suffix)}
        targets = {p: reader.read_object(b).decode() for p, b in links.items() if p.endswith(tree.suffix)}
        found = follow(files, targets, elsewhere, lambda link: True)
        if tally is not None:
            tally.add(found)
        return tree.to_document(found)
    return read
