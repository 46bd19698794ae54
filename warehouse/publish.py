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
    os.replace(tmp, target)
    return version


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published snapshot (what the app and `gapwatch sql` use)."""
    if not path.exists():
        raise FileNotFoundError(f"no published snapshot at {path}; run `gapwatch collect` (or `make demo`) first")
    return duckdb.connect(str(path), read_only=True)
