"""Fetch log, collection runs and raw-document index: what was fetched, when, and what came of it.

Every query of `collection_run` lives here, so what a run's status means is written once (the reason this module
is longer than ~350 lines: split, the meaning of a status would be too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

import duckdb
import pyarrow as pa

from gapwatch.source import held_back_text
from warehouse import schedule_file
from warehouse.db import execute_over, first
from warehouse.freshness import is_stale, newest_data

# A run that saw data: the document was accepted, or was the same as the last accepted one.
SAW_DATA = "status IN ('ok', 'unchanged')"
# A run whose documents were judged (accepted, same, or quarantined), as opposed to a failed fetch.
JUDGED = "status IN ('ok', 'unchanged', 'rejected')"


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
    final_url: str | None = None  # where a redirect led (None: the URL itself)
    retry_after_s: float | None = None  # the server's Retry-After on a final 429/503


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
    rows_held: int = 0
    held_back: list[str] | None = None


_FETCH_COLUMNS = ("source", "url", "fetched_at", "status", "etag", "last_modified", "bytes", "sha256", "duration_ms",
                  "attempts", "outcome", "error", "final_url", "retry_after_s")


def record_fetches(con: duckdb.DuckDBPyConnection, recs: list[FetchRecord]) -> None:
    """Every fetch of one collection in one statement (a statement costs milliseconds, a row microseconds), read
    from Arrow (a group of sources' 14 values per fetch as parameters took 5 ms)."""
    if not recs:
        return
    columns = ", ".join(_FETCH_COLUMNS)
    execute_over(con, f"INSERT INTO fetch_log ({columns}) SELECT {columns} FROM _rows", [],
                 pa.table({c: [getattr(rec, c) for rec in recs] for c in _FETCH_COLUMNS}))


def record_run(con: duckdb.DuckDBPyConnection, rec: RunRecord) -> int:
    row = first(con.execute(
        "INSERT INTO collection_run (source, observed_at, started_at, finished_at, status, documents, rows_parsed, "
        "rows_skipped, added, changed, removed, error, trigger, rows_held, held_back) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING run_id",
        [rec.source, rec.observed_at, rec.started_at, rec.finished_at, rec.status, rec.documents, rec.rows_parsed,
         rec.rows_skipped, rec.added, rec.changed, rec.removed, rec.error, rec.trigger, rec.rows_held,
         rec.held_back or None],
    ).fetchall())
    return int(row[0])


_RUN_TYPES = {"documents": pa.list_(pa.string()), "held_back": pa.list_(pa.string()), "error": pa.string(),
              "rows_parsed": pa.int64(), "rows_skipped": pa.int64(), "added": pa.int64(), "changed": pa.int64(),
              "removed": pa.int64(), "rows_held": pa.int64()}


def record_runs(con: duckdb.DuckDBPyConnection, recs: list[RunRecord]) -> list[int]:
    """Record many runs in one statement (a bulk backfill's flush); their run ids, in order. The ids are drawn
    from the sequence first, so no row order of a multi-row insert has to be relied on."""
    if not recs:
        return []
    ids = [r[0] for r in con.execute("SELECT nextval('collection_run_id') FROM range(?)", [len(recs)]).fetchall()]
    names = [f.name for f in fields(RunRecord)]
    execute_over(con, f"INSERT INTO collection_run (run_id, {', '.join(names)}) SELECT * FROM _rows", [], pa.table({
        "run_id": pa.array(ids, pa.int64()),
        **{n: pa.array([(getattr(r, n) or None) if n == "held_back" else getattr(r, n) for r in recs],
                       _RUN_TYPES.get(n)) for n in names},
    }))
    return ids


def record_documents(con: duckdb.DuckDBPyConnection, docs: list[tuple[str, int, int, str | None, str]],
                     seen_at: datetime) -> None:
    """Record (sha256, size, stored size, content type, url) of documents not on record yet, in one statement.

    The first time a document is seen wins (its URL and time). NOT EXISTS rather than ON CONFLICT DO NOTHING: the
    same effect for the single writer in half the time, paid for every document a backfill replays.
    """
    first_seen: dict[str, tuple[str, int, int, str | None, str]] = {}
    for doc in docs:
        first_seen.setdefault(doc[0], doc)  # a document twice in one list: its first mention
    unique = list(first_seen.values())
    if not unique:
        return
    names = ("sha256", "size_bytes", "stored_bytes", "content_type", "first_url")
    execute_over(
        con, f"INSERT INTO raw_document SELECT {', '.join(f'd.{n}' for n in names)}, ?::TIMESTAMP FROM _rows d "
        "WHERE NOT EXISTS (SELECT 1 FROM raw_document r WHERE r.sha256 = d.sha256)", [seen_at],
        pa.table({n: pa.array([d[i] for d in unique], pa.int64() if n.endswith("bytes") else pa.string())
                  for i, n in enumerate(names)}))


def last_validators(con: duckdb.DuckDBPyConnection, url: str) -> tuple[str | None, str | None, str | None]:
    """ETag, Last-Modified and sha256 of the last successful fetch of `url`, for a conditional GET."""
    row = first(con.execute(
        "SELECT etag, last_modified, sha256 FROM fetch_log WHERE url = ? AND outcome IN ('new', 'same') "
        "ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [url],
    ).fetchall())
    return (row[0], row[1], row[2]) if row else (None, None, None)


Validators = dict[str, tuple[str | None, str | None, str | None]]


def source_validators(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, Validators]:
    """Per source, `last_validators` of every URL it ever fetched, in one query (for fetches that must not read
    the warehouse while they run: a whole collection fetches while its ingests hold the writer)."""
    rows = con.execute(
        "SELECT source, url, arg_max(etag, (fetched_at, id)), arg_max(last_modified, (fetched_at, id)), "
        "arg_max(sha256, (fetched_at, id)) FROM fetch_log WHERE list_contains(?, source) "
        "AND outcome IN ('new', 'same') GROUP BY source, url",
        [sources],
    ).fetchall()
    out: dict[str, Validators] = {s: {} for s in sources}
    for source, url, *validators in rows:
        out[source][url] = tuple(validators)  # type: ignore[assignment]
    return out


def newest_runs(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, datetime]:
    """The newest `observed_at` of each source's runs (sources without a run left out), in one query."""
    return dict(con.execute("SELECT source, max(observed_at) FROM collection_run WHERE list_contains(?, source) "
                            "GROUP BY source", [sources]).fetchall())


@dataclass(frozen=True)
class Judgement:
    """What the pipeline must know about a source's runs to judge a snapshot observed at T, read in one query."""

    last: tuple | None  # (status, documents, rows_parsed) of the newest judged run, whenever observed
    replayed: bool  # this exact set of documents was already ingested at T
    next_at: datetime | None  # the source's next observation after T that saw data; None: T is the newest


# What a judgement reads of a source's runs at T, for many sources in one statement: each DuckDB statement costs
# ~1 ms (more on a loaded machine), paid for every snapshot a backfill replays and every source a collection takes.
_RUNS_AT = f"""
SELECT source,
    arg_max({{'status': status, 'documents': documents, 'rows': rows_parsed}}, (observed_at, run_id))
        FILTER (WHERE {JUDGED}),
    list(documents) FILTER (WHERE {SAW_DATA} AND observed_at = $at AND documents IS NOT NULL),
    min(observed_at) FILTER (WHERE {SAW_DATA} AND observed_at > $at)
FROM collection_run WHERE list_contains($sources::VARCHAR[], source) GROUP BY source
"""


@dataclass(frozen=True)
class RunsAt:
    """A source's runs as a judgement at T reads them (`runs_at`), whatever the documents judged."""

    last: tuple | None = None  # as `Judgement.last`
    documents_at_t: tuple[tuple[str, ...], ...] = ()  # the documents of each run observed at T that saw data
    next_at: datetime | None = None

    def judgement(self, docs: list[str]) -> Judgement:
        return Judgement(self.last, sorted(docs) in (sorted(d) for d in self.documents_at_t), self.next_at)


def runs_at(con: duckdb.DuckDBPyConnection, sources: list[str], observed_at: datetime) -> dict[str, RunsAt]:
    """`RunsAt` of each of `sources` at `observed_at`, in one statement (a whole collection reads every source's
    before its ingests instead of one statement per ingest)."""
    out = {s: RunsAt() for s in sources}
    for source, head, at_t, next_at in con.execute(_RUNS_AT, {"sources": sources, "at": observed_at}).fetchall():
        out[source] = RunsAt(None if head is None else (head["status"], head["documents"], head["rows"]),
                             tuple(map(tuple, at_t or ())), next_at)
    return out


def judgement(con: duckdb.DuckDBPyConnection, source: str, observed_at: datetime, docs: list[str]) -> Judgement:
    return runs_at(con, [source], observed_at)[source].judgement(docs)


def next_observation(con: duckdb.DuckDBPyConnection, source: str, at: datetime) -> datetime | None:
    """The source's next collection after `at` that saw data (ok or unchanged), if history reaches past it."""
    row = first(con.execute(
        f"SELECT min(observed_at) FROM collection_run WHERE source = ? AND observed_at > ? AND {SAW_DATA}",
        [source, at],
    ).fetchall())
    return row[0] if row else None


def last_observed(con: duckdb.DuckDBPyConnection, source: str) -> datetime | None:
    """When the source's newest collection that saw data was observed (None: never)."""
    row = first(con.execute(
        f"SELECT max(observed_at) FROM collection_run WHERE source = ? AND {SAW_DATA}",
        [source],
    ).fetchall())
    return row[0] if row else None


# The warehouse is current as of its latest collection that saw data; backfilled runs are older, never newer.
AS_OF_SQL = f"SELECT max(observed_at)::DATE FROM collection_run WHERE {SAW_DATA}"


def data_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    return con.execute(AS_OF_SQL).fetchall()[0][0]


def judged_runs(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[datetime, list[str] | None]]:
    """(observed_at, documents) of every judged run of `source`, oldest first: what a reparse replays."""
    return con.execute(
        f"SELECT observed_at, documents FROM collection_run WHERE source = ? AND {JUDGED} "
        "ORDER BY observed_at, run_id",
        [source],
    ).fetchall()


def judged_snapshots(con: duckdb.DuckDBPyConnection, source: str) -> set[tuple[datetime, tuple[str, ...]]]:
    """Every snapshot of `source` judged before, accepted or rejected, as (observed_at, sorted document shas)."""
    rows = con.execute(
        f"SELECT observed_at, list_sort(documents) FROM collection_run WHERE source = ? AND {JUDGED}",
        [source],
    ).fetchall()
    return {(at, tuple(docs or ())) for at, docs in rows}


def document_urls(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """sha256 → the URL each document of `source`'s runs was first seen at."""
    return dict(con.execute(
        "SELECT sha256, first_url FROM raw_document WHERE sha256 IN "
        "(SELECT unnest(documents) FROM collection_run WHERE source = ?)",
        [source],
    ).fetchall())


def drop_judged_runs(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Forget `source`'s judged runs (a reparse replays them); failed fetch runs stay as they were."""
    con.execute(f"DELETE FROM collection_run WHERE source = ? AND {JUDGED}", [source])


RunContext = tuple[str | None, list[str], int]


def run_contexts(con: duckdb.DuckDBPyConnection,
                 asked: Sequence[tuple[str, datetime, int | None]]) -> list[RunContext]:
    """For each (source, at, run_id): what started run `run_id` (cli, schedule, backfill, reparse…), the documents
    it judged, and how many accepted runs of `source` were observed before `at` (other than `run_id`). Change
    detection reads all three for every outcome; a whole collection's outcomes in one statement."""
    if not asked:
        return []
    rows = con.execute(
        "WITH q AS (SELECT unnest($sources::VARCHAR[]) AS source, unnest($ats::TIMESTAMP[]) AS at, "
        "unnest($runs::BIGINT[]) AS run, unnest(range(len($sources))) AS i) "
        "SELECT q.i, r.trigger, r.documents, (SELECT count(*) FROM collection_run c WHERE c.source = q.source "
        "AND c.status = 'ok' AND c.observed_at < q.at AND c.run_id <> coalesce(q.run, -1)) "
        "FROM q LEFT JOIN collection_run r ON r.run_id = q.run ORDER BY q.i",
        {"sources": [a[0] for a in asked], "ats": [a[1] for a in asked], "runs": [a[2] for a in asked]},
    ).fetchall()
    return [(trigger, documents or [], earlier) for _, trigger, documents, earlier in rows]


def recent_statuses(con: duckdb.DuckDBPyConnection, source: str, skip_triggers: Iterable[str],
                    limit: int) -> list[str]:
    """Statuses of the source's newest runs (newest first), leaving out runs started by `skip_triggers`."""
    rows = con.execute(
        "SELECT status FROM collection_run WHERE source = ? AND coalesce(trigger, '') NOT IN (SELECT unnest(?)) "
        "ORDER BY run_id DESC LIMIT ?",
        [source, list(skip_triggers), limit],
    ).fetchall()
    return [status for (status,) in rows]


def previous_judged_status(con: duckdb.DuckDBPyConnection, source: str, at: datetime,
                           run_id: int | None) -> str | None:
    """Status of the source's newest judged run observed at or before `at`, other than run `run_id`."""
    row = first(con.execute(
        f"SELECT status FROM collection_run WHERE source = ? AND {JUDGED} "
        "AND observed_at <= ? AND run_id <> ? ORDER BY observed_at DESC, run_id DESC LIMIT 1",
        [source, at, run_id or -1],
    ).fetchall())
    return row[0] if row else None


@dataclass(frozen=True)
class SourceStatus:
    source: str
    kind: str
    last_success: datetime | None
    last_run: datetime | None
    last_status: str | None
    last_error: str | None
    failure_streak: int
    rows: int
    next_run: datetime | None
    retired: str | None = None  # why the source is no longer collected (None: active)
    newest_data: date | None = None  # newest publish date in its data, else its last content change
    stale: bool = False  # newest_data older than the source's declared max age at its last collection
    held_back: str | None = None  # "3 rows held back: …" of the last accepted run, when it held any


def _held_back(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    try:
        row = first(con.execute("SELECT rows_held, held_back FROM collection_run WHERE source = ? AND status = 'ok' "
                          "ORDER BY observed_at DESC, run_id DESC LIMIT 1", [source]).fetchall())
    except duckdb.BinderException:  # a snapshot older than the held-back columns
        return None
    return held_back_text(row[1] or [], row[0]) if row and row[0] else None


def source_status(con: duckdb.DuckDBPyConnection, only: Iterable[str] | None = None,
                  schedule: dict | None = None) -> list[SourceStatus]:
    """Health of each registered source (in registry order; `only`: of these ids), read from the published
    snapshot (or any connection to the warehouse). What a source declares comes from `source_info`. `schedule`:
    the service's schedule file when newer than the snapshot: each next run, and a last run newer than the
    snapshot's, come from it."""
    declared = con.execute("SELECT source, kind, retired, max_age, fact_tables FROM source_info "
                           "ORDER BY position").fetchall()
    wanted = None if only is None else set(only)
    out = []
    for source, kind, retired, max_age, fact_tables in declared:
        if wanted is not None and source not in wanted:
            continue
        runs = con.execute(
            "SELECT status, finished_at, error FROM collection_run WHERE source = ? AND trigger <> 'backfill' "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 50",
            [source],
        ).fetchall()
        streak = 0
        for status, _, _ in runs:
            if status not in ("failed", "rejected"):
                break
            streak += 1
        last_ok = first(con.execute(
            f"SELECT max(finished_at) FROM collection_run WHERE source = ? AND {SAW_DATA}",
            [source],
        ).fetchall())[0]
        last_error = next((e for s, _, e in runs if s in ("failed", "rejected")), None)
        rows = sum(
            first(con.execute(f"SELECT count(*) FROM {table} WHERE source = ? AND valid_to IS NULL",
                        [source]).fetchall())[0]
            for table in fact_tables
        )
        nxt = first(con.execute("SELECT next_run_at FROM source_schedule WHERE source = ?", [source]).fetchall())
        if schedule is not None:  # the service's schedule file, newer than the snapshot (warehouse/schedule_file.py)
            nxt = (schedule_file.next_run(schedule, source, nxt[0] if nxt else None),)
            latest = schedule.get("last_run", {}).get(source)
            if latest and (not runs or datetime.fromisoformat(latest["at"]) > runs[0][1]):
                runs = [(latest["status"], datetime.fromisoformat(latest["at"]), None), *runs]
        newest, seen = newest_data(con, source), last_observed(con, source)
        out.append(
            SourceStatus(
                source=source, kind=kind, last_success=last_ok, last_run=runs[0][1] if runs else None,
                last_status=runs[0][0] if runs else None, last_error=last_error, failure_streak=streak,
                rows=rows, next_run=nxt[0] if nxt else None, retired=retired,
                newest_data=newest, stale=seen is not None and is_stale(newest, max_age, seen),
                held_back=_held_back(con, source),
            )
        )
    return out
