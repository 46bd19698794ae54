"""Publish a consistent read-only copy of the warehouse for the app and SQL users.

DuckDB allows one read-write process per file, and a reader holding the writer's file would make the
writer fail to open it. So readers never touch the writer's file: after each ingest the writer copies
the whole database (COPY FROM DATABASE, a consistent copy) to a temporary file and renames it over the
published one. Readers that already have the old file open keep reading it; new readers get the new one.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

KEEP_VERSION_LINKS = 3


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """Copy the warehouse to `target` atomically; return the snapshot version."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    row = con.execute("SELECT coalesce(max(version), 0) + 1 FROM publish_log").fetchone()
    version = int(row[0])
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("INSERT INTO publish_log VALUES (?, ?)", [version, now])
    source_db = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH '{tmp}' AS _publish")
    try:
        con.execute(f"COPY FROM DATABASE \"{source_db}\" TO _publish")
        con.execute("CREATE OR REPLACE TABLE _publish.snapshot_info AS SELECT ?::INTEGER AS version, "
                    "?::TIMESTAMP AS published_at", [version, now])
    finally:
        con.execute("DETACH _publish")
    _link_version(tmp, target, version)
    os.replace(tmp, target)
    return version


def _version_links(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.v*"), key=lambda p: p.stat().st_mtime_ns)


def _link_version(tmp: Path, target: Path, version: int) -> None:
    """A second name for this version, unique to it, so readers can open it by a path no earlier version had.

    Why: DuckDB keeps one database instance per path within a process; a long-lived reader (the app) that
    reopened `target` after a publish would get the instance of the file it still holds, i.e. the old version.
    Older names are removed but the newest few: a reader holding one keeps reading it (POSIX unlink semantics).
    """
    link = target.with_name(f".{target.name}.v{version}")
    link.unlink(missing_ok=True)
    try:
        os.link(tmp, link)
    except OSError:
        return  # no hard links here: readers open `target` itself
    for old in _version_links(target)[:-KEEP_VERSION_LINKS]:
        old.unlink(missing_ok=True)


def current_path(path: Path) -> Path:
    """The path to open for the snapshot published at `path` now: its version's own name when there is one."""
    try:
        inode = path.stat().st_ino
        for link in reversed(_version_links(path)):
            if link.stat().st_ino == inode:
                return link
    except FileNotFoundError:
        pass
    return path


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot published at `path` now (what the app and `gapwatch sql` use),
    opened by its version's own name so a process that still holds an older version sees this one."""
    if not path.exists():
        raise FileNotFoundError(f"no published snapshot at {path}; run `gapwatch collect` (or `make demo`) first")
    return duckdb.connect(str(current_path(path)), read_only=True)
