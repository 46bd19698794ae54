"""The source declaration and what one ingest of it came to, shared by every part.

One module per source (collectors/) defines `SOURCE = Source(...)` and collectors/registry.py lists them; jobs/
hands that registry to the warehouse (`warehouse.source_info.sync`), which writes what readers need of each
source into the `source_info` table. The warehouse's ingest returns an `Outcome`, which the hooks, the CLI and
the service read. Neither type imports collectors/, warehouse/ or jobs/, so every part may use them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from gapwatch.rows import ParseResult, Row

Kind = Literal["leaderboard", "pricing", "license", "catalogue", "own"]


class ParseError(ValueError):
    """The document is not what the source's contract says (wrong format, missing fields, truncated)."""


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What a parser may know about the document besides its bytes. `observed_at` is passed in, never read."""

    source: str
    url: str
    observed_at: datetime
    sha256: str = ""
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    every: timedelta | None = None
    cron: str | None = None
    jitter_s: int = 300

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise ValueError("a schedule is either `every` or `cron`")


@dataclass(frozen=True)
class TreeFormat:
    """How a source whose upstream document is built from a tree of files (a repository) rebuilds it.

    A backfill walks the tree's git history (or `git archive` tarballs) and ingests, per tree version, the
    document `to_document` builds from it, as if it had been fetched then. `to_document` must give the same
    bytes for the same tree (sorted keys), so re-runs stay idempotent.
    """

    suffix: str  # only files with this suffix are read from a tree
    to_document: Callable[[Mapping[str, bytes]], bytes]
    from_tarball: Callable[[Path], Mapping[str, bytes]]


@dataclass(frozen=True)
class Discovery:
    """A source whose document paths are named by another upstream document (the site's own code names its
    current release): `path` is fetched first on every collection, `paths(body)` gives the paths to collect.
    `paths` raises ParseError when the document no longer says (the pattern is gone): the run fails clearly
    instead of fetching a stale or invented path. The discovery document is collected with the others."""

    path: str
    paths: Callable[[bytes], list[str]]


@dataclass(frozen=True)
class Source:
    id: str
    kind: Kind
    # How the source is named in sentences and on the Sources page ("OpenRouter", "LMArena").
    label: str
    base_url: str
    paths: tuple[str, ...]
    row_types: tuple[type[Row], ...]
    parse: Callable[[bytes, DocMeta], ParseResult]
    schedule: Schedule = field(default_factory=lambda: Schedule(every=timedelta(hours=6)))
    description: str = ""
    # A source that lists only some facts each time (e.g. one model page) must not end the others' history.
    full_snapshot: bool = True
    min_rows: int = 1
    max_body_bytes: int | None = None
    # Paths that depend on what the warehouse tracks (one page per model): the name of a target query in
    # warehouse/targets.py, resolved by the jobs layer at each collection (collectors never query DuckDB).
    # Such a source's targets are independent: one failing URL is logged and skipped, not fatal.
    paths_from: str | None = None
    # Set when the upstream document is built from a tree of files: its history can be backfilled from the tree.
    tree: TreeFormat | None = None
    # Sells other makers' models: its prices are not the maker's own, so cross-source price comparisons leave
    # them out (and rows another source files under this id as provider).
    reseller: bool = False
    # The model hub: its catalogue rows are model repositories, and a repository's own licence is the
    # strongest openness evidence there is (identity ranks it first).
    hub: bool = False
    # Its catalogue licences are the site's own label (free text, typos, a brand for an API-only model), not the
    # maker's terms: identity weighs them like a leaderboard's licence column, below curated lists.
    labels_licences: bool = False
    # Hosts (with their subdomains) a redirect from `base_url` may lead to, e.g. a CDN serving the files; any
    # other redirect is refused, so foreign content is never ingested as this source's.
    redirect_hosts: tuple[str, ...] = ()
    # Paths named by an upstream document at each collection (see Discovery); `paths` then lists what a
    # backfill's files are matched against (the discovery document and the documents that never move).
    discover: Discovery | None = None
    # Retired upstream: never scheduled, kept for backfill and reparse of its history (the text says why).
    retired: str | None = None
    # How old its newest data may be before the source counts as stale (a `source_stale` event, flagged on the
    # Sources page): its newest publish date, else its last content change. None: not checked.
    max_age: timedelta | None = None
    # Which real upstream files the parser was built and tested on (docs/sources.md): "realdata §N" is a section
    # of the staging set of real public files (../shared/realdata/MANIFEST.md) the realdata-marked tests read;
    # "fixture" names the trimmed real documents under tests/fixtures/<source>/. Where no real copy of the
    # document exists, it says so: the parser was built on a recording, and a live run is the first real check.
    real_files: str = ""

    @property
    def documents_per_collection(self) -> int:
        """How many documents one live collection fetches: a discovering source also fetches the one release
        its discovery document names (its `paths` list the documents that never move)."""
        return len(self.paths) + (1 if self.discover else 0)

    def urls(self, base_override: str | None = None, paths: list[str] | None = None) -> list[str]:
        base = (base_override or self.base_url).rstrip("/")
        return [base + p for p in (self.paths if paths is None else paths)]


@dataclass(frozen=True)
class FactChange:
    """One fact an ingest added, changed or ended: its table, key, values before and after, and evidence."""

    table: str
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    evidence: str | None


@dataclass
class Diff:
    added: list[FactChange] = field(default_factory=list)
    changed: list[FactChange] = field(default_factory=list)
    removed: list[FactChange] = field(default_factory=list)

    def extend(self, other: Diff) -> None:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed

    @property
    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.changed), len(self.removed)


HELD_EXAMPLES = 5


def held_back_text(held: Sequence[str], total: int | None = None) -> str:
    """"3 rows held back: a; b; c" — what `gapwatch status` and the app's Sources page say."""
    n = len(held) if total is None else total
    more = "; …" if n > min(len(held), HELD_EXAMPLES) else ""
    return f"{n} row{'s' * (n != 1)} held back: " + "; ".join(held[:HELD_EXAMPLES]) + more


@dataclass
class Outcome:
    """What one ingest (or failed collection) of a source came to, as `warehouse.ingest` returns it."""

    source: str
    status: str  # ok | unchanged | failed | rejected | cancelled
    observed_at: datetime
    rows: int = 0
    skipped: int = 0
    diff: Diff = field(default_factory=Diff)
    error: str | None = None
    run_id: int | None = None
    held: list[str] = field(default_factory=list)  # entries that failed validation; their facts kept as they were

    def summary(self) -> str:
        added, changed, removed = self.diff.counts
        text = f"{self.source}: {self.status}"
        if self.status == "ok":
            text += f" ({self.rows} rows; +{added} ~{changed} -{removed})"
            if self.held:
                text += f"; {held_back_text(self.held)}"
        if self.error:
            text += f" — {self.error}"
        return text
