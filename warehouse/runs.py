"""Fetch log, collection runs and raw-document index: what was fetched, when, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class FetchRecord:
    source: str
    url: str
    fetched_at: datetime
    outcome: str  # new | same | not_modified | error
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    bytes: int | None = None
    sha256: str | None = None
    duration_ms: int | None = None
    attempts: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class RunRecord:
    source: str
    observed_at: datetime
    started_at: datetime
    finished_at: datetime
    status: str  # ok | unchanged | failed | rejected
    documents: list[str]
    rows_parsed: int = 0
    rows_skipped: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    error: str | None = None
    trigger: str = "cli"


def record_fetch(con: duckdb.DuckDBPyConnection, rec: FetchRecord) -> None:
    con.execute(
        "INSERT INTO fetch_log (source, url, fetched_at, status, etag, last_modified, bytes, sha256, duration_ms, "
        "attempts, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rec.source, rec.url, rec.fetched_at, rec.status, rec.etag, rec.last_modified, rec.bytes, rec.sha256,
         rec.duration_ms, rec.attempts, rec.outcome, rec.error],
    )


def record_run(con: duckdb.DuckDBPyConnection, rec: RunRecord) -> int:
    row = con.execute(
        "INSERT INTO collection_run (source, observed_at, started_at, finished_at, status, documents, rows_parsed, "
        "rows_skipped, added, changed, removed, error, trigger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING run_id",
        [rec.source, rec.observed_at, rec.started_at, rec.finished_at, rec.status, rec.documents, rec.rows_parsed,
         rec.rows_skipped, rec.added, rec.changed, rec.removed, rec.error, rec.trigger],
    ).fetchone()
    return int(row[0])


def record_document(
    con: duckdb.DuckDBPyConnection, sha256: str, size: int, stored: int, content_type: str | None, url: str,
    seen_at: datetime,
) -> None:
    # NOT EXISTS rather than ON CONFLICT DO NOTHING: the same effect for the single writer, in half the time
    # (measured 2.4 vs 4.3 ms), paid for every document a backfill replays.
    con.execute(
        "INSERT INTO raw_document SELECT ?, ?, ?, ?, ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM raw_document WHERE sha256 = ?)",
        [sha256, size, stored, content_type, url, seen_at, sha256],
    )


def last_validators(con: duckdb.DuckDBPyConnection, url: str) -> tuple[str | None, str | None, str | None]:
    """ETag, Last-Modified and sha256 of the last successful fetch of `url`, for a conditional GET."""
    row = con.execute(
        "SELECT etag, last_modified, sha256 FROM fetch_log WHERE url = ? AND outcome IN ('new', 'same') "
        "ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchone()
    return (row[0], row[1], row[2]) if row else (None, None, None)


@dataclass(frozen=True)
class Judgement:
    """What the pipeline must know about a source's runs to judge a snapshot observed at T, read in one query."""

    last: tuple | None  # (status, documents, rows_parsed) of the newest judged run, whenever observed
    replayed: bool  # this exact set of documents was already ingested at T
    previous_rows: int | None  # rows of the last accepted run at or before T (the drift guard's baseline)
    next_at: datetime | None  # the source's next observation after T that saw data; None: T is the newest


# One statement instead of four: each DuckDB statement costs ~1 ms, paid for every snapshot a backfill replays.
_JUDGEMENT = """
SELECT
    (SELECT {'status': status, 'documents': documents, 'rows': rows_parsed} FROM collection_run
     WHERE source = $source AND status IN ('ok', 'unchanged', 'rejected')
     ORDER BY observed_at DESC, run_id DESC LIMIT 1),
    EXISTS (SELECT 1 FROM collection_run WHERE source = $source AND observed_at = $at
            AND status IN ('ok', 'unchanged') AND list_sort(documents) = list_sort($docs::VARCHAR[])),
    (SELECT rows_parsed FROM collection_run WHERE source = $source AND status = 'ok' AND observed_at <= $at
     ORDER BY observed_at DESC, run_id DESC LIMIT 1),
    (SELECT min(observed_at) FROM collection_run WHERE source = $source AND observed_at > $at
     AND status IN ('ok', 'unchanged'))
"""


def judgement(con: duckdb.DuckDBPyConnection, source: str, observed_at: datetime, docs: list[str]) -> Judgement:
    head, replayed, previous_rows, next_at = con.execute(
        _JUDGEMENT, {"source": source, "at": observed_at, "docs": docs}
    ).fetchone()
    last = None if head is None else (head["status"], head["documents"], head["rows"])
    return Judgement(last, bool(replayed), previous_rows, next_at)
