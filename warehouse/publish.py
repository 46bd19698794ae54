"""Publish a consistent read-only copy of the warehouse for the app and SQL users, at a cost that follows the change.

DuckDB allows one read-write process per file, and a reader holding the writer's file would make the writer fail
to open it. So readers never touch the writer's file: they read the published snapshot, a whole DuckDB file that
the writer replaces with one rename (`snapshot_slots`). Readers that already have the old file open keep reading
it; new readers get the new one; `duckdb <published file>` opens a complete database.

A publish stamps the warehouse with its version (`snapshot_info`, in the same transaction as `publish_log`),
checkpoints it (every committed change goes from the write-ahead log into the database file) and makes a slot
that no reader holds byte-identical to the database file, writing only the blocks that differ (`block_copy`):
a checkpoint rewrites the blocks of what changed and leaves the others, so the bytes written follow the change,
not the history. The writer holds its lock throughout, so nothing is written between the checkpoint and the end
of the copy: the snapshot is exactly the committed state, never half an ingest. No file a reader may hold is
ever written, and a publish cut short (even by kill -9) leaves the previous snapshot in place; the slot it was
writing is made whole by the next publish, whatever it holds.

When a checkpoint is refused (another connection of this process holds a transaction open), the fallback is a
logical re-encode (`COPY FROM DATABASE`) into a new slot.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import block_copy, snapshot_slots
from warehouse.db import first, transaction
from warehouse.snapshot_slots import current_path

log = logging.getLogger(__name__)
# Bookkeeping that changes on every run without changing what a reader is told: not part of the data digest.
_NOT_DATA = frozenset({"fetch_log", "raw_document", "source_schedule", "publish_log", "schema_migration",
                       "alert_delivery", "collection_run", "snapshot_info"})
_OPEN_ATTEMPTS = 3  # a reader racing two publishes that reuse its slot opens the newer snapshot instead


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the data readers see: per table, its rows and (for history tables) its closed intervals.

    History only adds rows or closes intervals, and derived tables are recomputed from it, so equal counts
    mean nothing a reader sees has changed. One query for all tables: a publish pays it every time, and per
    table the statement overhead, not the counting, was most of it.
    """
    tables = con.execute(
        "SELECT t.table_name, bool_or(c.column_name = 'valid_to') FROM information_schema.tables t "
        "JOIN information_schema.columns c USING (table_catalog, table_schema, table_name) "
        "WHERE t.table_schema = 'main' AND t.table_type = 'BASE TABLE' AND t.table_catalog = current_database() "
        "GROUP BY t.table_name ORDER BY t.table_name"
    ).fetchall()
    counts = [f"SELECT '{name}', count(*), {'count(valid_to)' if history else '0'} FROM \"{name}\""
              for name, history in tables if name not in _NOT_DATA]
    rows = con.execute(" UNION ALL ".join(counts)).fetchall() if counts else []
    parts = [f"{name}:{n}:{ended}" for name, n, ended in sorted(rows)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """Make `target` the warehouse's committed state, atomically; return the snapshot version.

    The version counts changes of the data (`fingerprint`), not publishes: a publish after a run that changed
    nothing (a 304, a failure, a schedule update) refreshes the run records readers see under the same version.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = fingerprint(con)
    last = first(con.execute("SELECT version, fingerprint FROM publish_log ORDER BY version DESC LIMIT 1").fetchall())
    now = datetime.now(UTC).replace(tzinfo=None)
    bumped = last is None or last[1] != digest or not target.exists()
    version = (int(last[0]) if last else 0) + 1 if bumped else int(last[0])
    with transaction(con):
        if bumped:
            con.execute("INSERT INTO publish_log (version, published_at, fingerprint) VALUES (?, ?, ?)",
                        [version, now, digest])
        con.execute("DELETE FROM snapshot_info")
        con.execute("INSERT INTO snapshot_info VALUES (?, ?)", [version, now])
    source = _checkpointed_file(con)
    slot = snapshot_slots.acquire(target)
    try:
        if source is not None:
            synced = block_copy.sync(source, slot.fd)
            log.debug("published v%d: %d of %d bytes written", version, synced.written, synced.size)
        else:
            _logical_copy(con, slot)
    finally:
        snapshot_slots.release(slot)
    snapshot_slots.install(slot, target, version)
    snapshot_slots.tidy(target)
    return version


def _checkpointed_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """Checkpoint, then the database file holding exactly the committed state. A checkpoint writes the committed
    state only (a transaction another connection of this process holds open stays out). None when the database
    has no file or the checkpoint was refused or left changes in the write-ahead log."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if not rows or not rows[0][0]:
        return None
    source = Path(rows[0][0])
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        log.info("checkpoint refused (%s); publishing by logical copy", exc)
        return None
    wal = source.with_name(source.name + ".wal")
    if wal.exists() and wal.stat().st_size:  # some committed change is still only in the log: the file lacks it
        log.info("%s still holds changes after a checkpoint; publishing by logical copy", wal)
        return None
    return source


def _logical_copy(con: duckdb.DuckDBPyConnection, slot: snapshot_slots.Slot) -> None:
    """Re-encode the committed state into a new file and put it in `slot`'s place (no reader has the slot)."""
    tmp = slot.path.with_name(f"{slot.path.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    source_db = first(con.execute("SELECT current_database()").fetchall())[0]
    quoted = str(tmp).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS _publish")
    try:
        con.execute(f"COPY FROM DATABASE \"{source_db}\" TO _publish")
    finally:
        con.execute("DETACH _publish")
    os.replace(tmp, slot.path)


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
    opened by its publish's own name so a process that still holds an older snapshot sees this one."""
    return _current(path, lambda chosen: duckdb.connect(str(chosen), read_only=True))


def attach_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """The snapshot published at `path` now, attached read-only (as `snapshot`, the default catalog) to a private
    in-memory database: a database instance of its own, which DuckDB does not share with another connection to
    the same file in this process, so it may be configured on its own (the SQL guard) and never serves an older
    version (the app's long-lived connection)."""
    return _current(path, _attach_file)


def _current(path: Path, opener: Callable[[Path], duckdb.DuckDBPyConnection]) -> duckdb.DuckDBPyConnection:
    """Open the snapshot's current file. Between finding its name and opening it, two publishes may have
    replaced it and started rewriting its slot (the name is then gone, or the slot locked): open the newer one."""
    if not path.exists():
        raise _missing(path)
    for attempt in range(_OPEN_ATTEMPTS):
        chosen = current_path(path)
        try:
            return opener(chosen)
        except duckdb.Error as exc:
            if attempt + 1 == _OPEN_ATTEMPTS or current_path(path) == chosen:
                raise SnapshotUnreadable(exc) from None
    raise AssertionError("unreachable")


def _attach_file(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS snapshot (READ_ONLY)")
        con.execute("USE snapshot")
    except BaseException:
        con.close()
        raise
    return con


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return _attach_file(path)
    except duckdb.Error as exc:
        raise SnapshotUnreadable(exc) from None


# The newest run a publish owes readers: an unchanged run (nothing fetched was new) waits for the next publish.
_LAST_PUBLISHED_RUN = "SELECT max(run_id) FROM collection_run WHERE status <> 'unchanged'"


_BEHIND = "the warehouse holds"  # the start of the two reasons an unchanged run's own records can give


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


def publish_if_owed(con: duckdb.DuckDBPyConnection, target: Path, *, after_unchanged_run: bool = False) -> int | None:
    """Publish when the snapshot is missing, damaged or behind the warehouse (`snapshot_problem`); the new
    version, or None when the snapshot was current. Every writer calls it on opening the warehouse: a publish
    is owed until it is done, whatever killed the process that owed it.

    `after_unchanged_run`: called after runs that fetched nothing new, whose records may still hold what readers
    must see (a source gone stale); the snapshot being behind is then expected, not a publish cut short."""
    problem = snapshot_problem(con, target)
    if problem is None:
        return None
    if after_unchanged_run and problem.startswith(_BEHIND):
        log.info("publishing: the run recorded what readers must see (a source gone stale, a health event)")
    else:
        log.warning("publishing again: %s", problem)
    return publish(con, target)
