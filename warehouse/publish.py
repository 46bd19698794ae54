"""Publish a consistent read-only copy of the warehouse for the app and SQL users.

DuckDB allows one read-write process per file, and a reader holding the writer's file would make the
writer fail to open it. So readers never touch the writer's file: after each ingest the writer copies
the whole database (COPY FROM DATABASE, a consistent copy) to a temporary file and renames it over the
published one. Readers that already have the old file open keep reading it; new readers get the new one.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# Bookkeeping that changes on every run without changing what a reader is told: not part of the data digest.
_NOT_DATA = frozenset({"fetch_log", "raw_document", "source_schedule", "publish_log", "schema_migration",
                       "alert_delivery", "collection_run", "snapshot_info"})


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the data readers see: per table, its rows and (for history tables) its closed intervals.

    History only adds rows or closes intervals, and derived tables are recomputed from it, so equal counts
    mean nothing a reader sees has changed. Counting is cheap next to the copy a publish makes anyway.
    """
    tables = con.execute(
        "SELECT t.table_name, bool_or(c.column_name = 'valid_to') FROM information_schema.tables t "
        "JOIN information_schema.columns c USING (table_catalog, table_schema, table_name) "
        "WHERE t.table_schema = 'main' AND t.table_type = 'BASE TABLE' AND t.table_catalog = current_database() "
        "GROUP BY t.table_name ORDER BY t.table_name"
    ).fetchall()
    parts = []
    for name, history in tables:
        if name in _NOT_DATA:
            continue
        closed = "count(valid_to)" if history else "0"
        rows, ended = con.execute(f'SELECT count(*), {closed} FROM "{name}"').fetchone()
        parts.append(f"{name}:{rows}:{ended}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """Copy the warehouse to `target` atomically; return the snapshot version.

    The version counts changes of the data (`fingerprint`), not copies: a publish after a run that changed
    nothing (a 304, a failure, a schedule update) refreshes the run records readers see under the same version.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    digest = fingerprint(con)
    last = con.execute("SELECT version, fingerprint FROM publish_log ORDER BY version DESC LIMIT 1").fetchone()
    now = datetime.now(UTC).replace(tzinfo=None)
    if last is not None and last[1] == digest and target.exists():
        version = int(last[0])
    else:
        version = (int(last[0]) if last else 0) + 1
        con.execute("INSERT INTO publish_log (version, published_at, fingerprint) VALUES (?, ?, ?)",
                    [version, now, digest])
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
