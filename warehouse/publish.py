"""Publish a consistent read-only copy of the warehouse for the app and SQL users.

DuckDB allows one read-write process per file, and a reader holding the writer's file would make the
writer fail to open it. So readers never touch the writer's file: after an ingest the writer checkpoints
(every committed change goes from the write-ahead log into the database file), copies the file byte for byte
to a temporary file, stamps the copy with its version and renames it over the published one. The writer
holds its lock throughout, so nothing is written between the checkpoint and the end of the copy: the copy is
exactly the committed state, never half an ingest. Readers that already have the old file open keep reading
it; new readers get the new one.

A file copy runs at disk speed, where the logical re-encode it replaces (`COPY FROM DATABASE`, still the
fallback when a checkpoint is refused) ran at about 30 MB/s.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.db import first

KEEP_VERSION_LINKS = 3
log = logging.getLogger(__name__)
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
        rows, ended = first(con.execute(f'SELECT count(*), {closed} FROM "{name}"').fetchall())
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
    last = first(con.execute("SELECT version, fingerprint FROM publish_log ORDER BY version DESC LIMIT 1").fetchall())
    now = datetime.now(UTC).replace(tzinfo=None)
    if last is not None and last[1] == digest and target.exists():
        version = int(last[0])
    else:
        version = (int(last[0]) if last else 0) + 1
        con.execute("INSERT INTO publish_log (version, published_at, fingerprint) VALUES (?, ?, ?)",
                    [version, now, digest])
    if not _file_copy(con, tmp):
        _logical_copy(con, tmp)
    con.execute(f"ATTACH '{tmp}' AS _publish")
    try:
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
def _database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def _file_copy(con: duckdb.DuckDBPyConnection, tmp: Path) -> bool:
    """Checkpoint, then copy the database file to `tmp`. A checkpoint writes the committed state only (a
    transaction another connection of this process holds open stays out). False, nothing copied, when the
    database has no file or the checkpoint was refused or left changes in the write-ahead log."""
    source = _database_file(con)
    if source is None:
        return False
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        log.info("checkpoint refused (%s); publishing by logical copy", exc)
        return False
    wal = source.with_name(source.name + ".wal")
    if wal.exists() and wal.stat().st_size:  # some committed change is still only in the log: the file lacks it
        log.info("%s still holds changes after a checkpoint; publishing by logical copy", wal)
        return False
    shutil.copyfile(source, tmp)
    return True


def _logical_copy(con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    source_db = first(con.execute("SELECT current_database()").fetchall())[0]
    con.execute(f"ATTACH '{tmp}' AS _publish")
    try:
        con.execute(f"COPY FROM DATABASE \"{source_db}\" TO _publish")
    finally:
        con.execute("DETACH _publish")


def _missing(path: Path) -> FileNotFoundError:
    return FileNotFoundError(f"no published snapshot at {path}; run `gapwatch collect` (or `make demo`) first")


class SnapshotUnreadable(RuntimeError):
    """The published snapshot exists but cannot be read (truncated, overwritten, another DuckDB version). The
    message is for readers (app visitors, SQL users): what happened and what heals it, no server paths."""

    def __init__(self, error: duckdb.Error) -> None:
        self.error = error  # DuckDB's own words, paths included: for the writer's log, not for readers
        kind = type(error).__name__.removesuffix("Exception")
        super().__init__(
            "The published snapshot cannot be read: it is damaged or incomplete "
            f"(DuckDB {kind} error). The collector replaces it with its next publish: every gapwatch writer "
            "checks it when it starts, so restarting `gapwatch serve` or running `gapwatch collect` repairs it.")


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot published at `path` now (what the app and `gapwatch sql` use),
    opened by its version's own name so a process that still holds an older version sees this one."""
    if not path.exists():
        raise _missing(path)
    try:
        return duckdb.connect(str(current_path(path)), read_only=True)
    except duckdb.Error as exc:
        raise SnapshotUnreadable(exc) from None


def attach_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """The snapshot published at `path` now, attached read-only (as `snapshot`, the default catalog) to a private
    in-memory database: a database instance of its own, which DuckDB does not share with another connection to
    the same file in this process, so it may be configured on its own (the SQL guard) and never serves an older
    version (the app's long-lived connection)."""
    if not path.exists():
        raise _missing(path)
    return _attach(current_path(path))


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS snapshot (READ_ONLY)")
        con.execute("USE snapshot")
    except duckdb.Error as exc:
        con.close()
        raise SnapshotUnreadable(exc) from None
    except BaseException:
        con.close()
        raise
    return con


# The newest run a publish owes readers: an unchanged run (nothing fetched was new) waits for the next publish.
_LAST_PUBLISHED_RUN = "SELECT max(run_id) FROM collection_run WHERE status <> 'unchanged'"


def snapshot_problem(con: duckdb.DuckDBPyConnection, target: Path) -> str | None:
    """Why the snapshot at `target` is not the warehouse's (`con`) last publish of its current state, or None.

    Missing, unreadable (truncated, overwritten, zero bytes), another version than the warehouse last published
    (an old copy put back), or data or run records the warehouse has since changed (a crash between a batch's
    end and its publish). Every table is counted on both sides (`fingerprint`), which reads each history
    table's `valid_to` column: a snapshot whose data blocks are cut off fails here, not only one whose header is.
    """
    last = first(con.execute("SELECT version FROM publish_log ORDER BY version DESC LIMIT 1").fetchall())
    if not target.exists():
        ran = first(con.execute("SELECT count(*) FROM collection_run").fetchall())[0]
        return "no snapshot is published" if last is not None or ran else None  # else: nothing to publish yet
    try:
        with _attach(target) as snap:
            names = {r[0] for r in snap.execute("SELECT table_name FROM duckdb_tables() "
                                                "WHERE database_name = 'snapshot'").fetchall()}
            if not {"snapshot_info", "collection_run"} <= names:
                return "the snapshot lacks its version (snapshot_info)"
            version = first(snap.execute("SELECT max(version) FROM snapshot_info").fetchall())[0]
            digest = fingerprint(snap)
            run = first(snap.execute(_LAST_PUBLISHED_RUN).fetchall())[0]
    except (SnapshotUnreadable, duckdb.Error) as exc:
        error = exc.error if isinstance(exc, SnapshotUnreadable) else exc
        return f"the snapshot cannot be read ({str(error).splitlines()[0][:200]})"
    if last is None or version != last[0]:
        return f"the snapshot is version {version}, the warehouse last published {last[0] if last else 'none'}"
    if digest != fingerprint(con):
        return "the warehouse holds data the snapshot lacks (a publish was cut short)"
    if run != first(con.execute(_LAST_PUBLISHED_RUN).fetchall())[0]:
        return "the warehouse holds runs the snapshot lacks (a publish was cut short)"
    return None


def publish_if_owed(con: duckdb.DuckDBPyConnection, target: Path) -> int | None:
    """Publish when the snapshot is missing, damaged or behind the warehouse (`snapshot_problem`); the new
    version, or None when the snapshot was current. Every writer calls it on opening the warehouse: a publish
    is owed until it is done, whatever killed the process that owed it."""
    problem = snapshot_problem(con, target)
    if problem is None:
        return None
    log.warning("publishing again: %s", problem)
    return publish(con, target)
