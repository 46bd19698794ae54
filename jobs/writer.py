"""The writer's transactions: one connection, one thread at a time, commits grouped as the flow needs them.

`Pipeline` (jobs/pipeline.py) is a `Writer`; the hook schedule and the ingest write through these methods.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from gapwatch.settings import Settings
from warehouse import db
from warehouse.publish import publish


class Writer:
    """Owns the writer's connection; every warehouse write goes through here, one at a time."""

    settings: Settings
    con: duckdb.DuckDBPyConnection
    write_lock: threading.RLock
    _atomic: bool  # inside `atomic()`: ingests join its transaction instead of committing their own

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Everything ingested inside commits together or not at all, in one transaction.

        For work that must not be left half done: `gapwatch reparse` drops a source's history and replays it,
        and a crash in between must leave the old history, not part of the new one. A live collection or a
        backfill does not use it: each of their snapshots commits on its own, so an interrupted run keeps
        what it wrote. Nothing is published inside (it could still roll back); the caller publishes after.
        The write lock is held throughout; nested calls join the outer one.
        """
        with self.write_lock:
            if self._atomic:
                yield
                return
            with db.transaction(self.con):
                self._atomic = True
                try:
                    yield
                finally:
                    self._atomic = False

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._atomic:
            yield  # the enclosing atomic() commits or rolls back
            return
        with db.transaction(self.con):
            yield

    @contextmanager
    def locked(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The writer's connection, held by this thread alone for the block (no ingest interleaves).

        Commands that write or read outside the flow (the schedule table, the capability map, alert deliveries)
        use this instead of the connection itself. Reentrant: an ingest or publish inside the block is fine.
        """
        with self.write_lock:
            yield self.con

    def publish(self) -> int:
        """Make the read snapshot (`warehouse/publish.py`)."""
        with self.write_lock:
            return publish(self.con, self.settings.published_file)
