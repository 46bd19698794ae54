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


def last_judged(con: duckdb.DuckDBPyConnection, source: str, before: datetime | None = None) -> tuple | None:
    """(status, documents, rows_parsed) of the newest run that judged documents (ok, unchanged or rejected)."""
    sql = ("SELECT status, documents, rows_parsed FROM collection_run WHERE source = ? "
           "AND status IN ('ok', 'unchanged', 'rejected')")
    params: list = [source]
    if before is not None:
        sql += " AND observed_at <= ?"
        params.append(before)
    return con.execute(sql + " ORDER BY observed_at DESC, run_id DESC LIMIT 1", params).fetchone()


def last_accepted_rows(con: duckdb.DuckDBPyConnection, source: str, before: datetime) -> int | None:
    row = con.execute(
        "SELECT rows_parsed FROM collection_run WHERE source = ? AND status = 'ok' AND observed_at <= ? "
        "ORDER BY observed_at DESC, run_id DESC LIMIT 1",
        [source, before],
    ).fetchone()
    return row[0] if row else None


def already_ingested(con: duckdb.DuckDBPyConnection, source: str, observed_at: datetime, docs: list[str]) -> bool:
    """True when this exact set of documents was already ingested at this time (a re-run of a backfill)."""
    row = con.execute(
        "SELECT count(*) FROM collection_run WHERE source = ? AND observed_at = ? AND status IN ('ok', 'unchanged') "
        "AND list_sort(documents) = list_sort(?::VARCHAR[])",
        [source, observed_at, docs],
    ).fetchone()
    return bool(row and row[0])
