"""The one guard for users' SQL on the published snapshot (`gapwatch sql` and the app's SQL page).

A read-only connection is not enough: DuckDB can still write files (COPY), attach other databases, install
extensions, change settings or read the server's files (read_csv('/etc/...'), glob('/root/**')) from one. So a
text must parse as exactly one SELECT (WITH, FROM-first, SHOW and DESCRIBE parse as SELECT), and the connection
runs read-only with external access disabled and its configuration locked, so no query can switch either back on.

`run` bounds what one query may cost, for the app (many browsers, one server) and `gapwatch sql` alike: it runs in
a process of its own (`warehouse/sql_worker.py`) whose memory the operating system bounds and which is killed at
the time limit; the result is fetched in batches and stops at a row and a byte cap; and only so many queries run
at once in a process (the app's sessions share its slots).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.publish import attach_snapshot, current_path
from warehouse.sql_worker import OUT_OF_MEMORY, Limits, lock_down

# Queries running at once in one process; one more waits this long for a slot, then is refused.
MAX_CONCURRENT = 2
WAIT_FOR_SLOT_S = 5.0
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)


class RejectedQuery(ValueError):
    """The text is not a single read-only query."""


class QueryStopped(RuntimeError):
    """The query ran past its time or memory limit and was stopped, or found no free slot."""


class QueryFailed(duckdb.Error):
    """The query failed otherwise than with a DuckDB error (those keep their type); no server path in the message."""


@dataclass(frozen=True)
class Result:
    table: pa.Table
    truncated: bool  # rows were left out by `max_rows` or `max_bytes`


def check(sql: str) -> None:
    """Raise RejectedQuery with a reason unless `sql` is exactly one SELECT (WITH, FROM-first, SHOW, ...)."""
    if not sql.strip():
        raise RejectedQuery("Enter a query, e.g. SELECT * FROM v_prices_current LIMIT 10.")
    try:
        with duckdb.connect(":memory:") as parser:
            statements = parser.extract_statements(sql)
    except duckdb.Error as exc:
        raise RejectedQuery(f"The query does not parse: {exc}") from exc
    if len(statements) != 1:
        raise RejectedQuery(f"Send one statement at a time (found {len(statements)}).")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise RejectedQuery(f"Only read-only queries (SELECT) are allowed here, not {kind.name}.")


def connect(path: Path, *, memory_limit: str | None = None, threads: int | None = None
            ) -> duckdb.DuckDBPyConnection:
    """A guarded connection to the snapshot published at `path`: read-only, no external access, locked.

    A database instance of its own (`attach_snapshot`): DuckDB shares one instance per file path within a
    process and refuses a second configuration for it, so a guarded connection opened by path would fail
    whenever the app holds a plain one to the same file, and the other way round.
    """
    con = attach_snapshot(path)
    try:
        lock_down(con, memory_limit=memory_limit, threads=threads)
    except BaseException:
        con.close()
        raise
    return con


def run(path: Path, sql: str, limits: Limits | None = None) -> Result:
    """The query's first rows within `limits`; raises RejectedQuery, QueryStopped or QueryFailed."""
    check(sql)
    if not _SLOTS.acquire(timeout=WAIT_FOR_SLOT_S):
        raise QueryStopped(f"{MAX_CONCURRENT} queries are already running; try again in a moment.")
    try:
        return _in_worker(path, sql, limits or Limits())
    finally:
        _SLOTS.release()


def _in_worker(path: Path, sql: str, limits: Limits) -> Result:
    root = str(Path(__file__).resolve().parents[1])  # where `warehouse` is importable from, installed or not
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    if not path.exists():
        attach_snapshot(path)  # raises the publish layer's own error for a missing snapshot
    request = json.dumps({"file": str(current_path(path)), "sql": sql, "limits": asdict(limits)}).encode()
    with subprocess.Popen([sys.executable, "-m", "warehouse.sql_worker"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as worker:
        try:
            out, err = worker.communicate(request, timeout=limits.timeout_s)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            raise QueryStopped(f"The query ran longer than {limits.timeout_s:g} s and was stopped; add a LIMIT or "
                               "a narrower WHERE.") from None
    if worker.returncode != 0:
        kind, message = _failure(err.decode(errors="replace"), worker.returncode)
        if kind == OUT_OF_MEMORY or worker.returncode < 0:
            raise QueryStopped(f"The query needed more than {limits.memory_mb:,} MB of memory and was stopped; "
                               "select fewer or narrower columns, or aggregate.")
        message = hide_paths(message, path.parent, Path.cwd(), Path.home())
        # DuckDB's own exception type, as a query in this process would raise it.
        same = getattr(duckdb, kind, None)
        raise (same if isinstance(same, type) and issubclass(same, duckdb.Error) else QueryFailed)(message)
    table = pa.ipc.open_stream(out).read_all()
    truncated = (table.schema.metadata or {}).get(b"truncated") == b"1"
    return Result(table.replace_schema_metadata(None), truncated)


def _failure(stderr: str, status: int) -> tuple[str, str]:
    """(exception type, message) the worker reported on its last line of stderr."""
    try:
        reported = json.loads(stderr.strip().rsplit("\n", 1)[-1])
        return str(reported["kind"]), str(reported["message"])
    except (ValueError, KeyError, TypeError):
        return "", f"the query process ended with status {status}: {stderr.strip()[-500:]}"


def hide_paths(text: str, *paths: Path) -> str:
    """`text` with the server's directories replaced by `<data>`: what the snapshot is called on disk, where
    gapwatch runs and whose home it is are nobody's business (duckdb_databases(), error messages)."""
    for path in sorted({str(p.resolve()) for p in paths} | {str(p) for p in paths}, key=len, reverse=True):
        if path and path not in ("/", "."):
            text = text.replace(path, "<data>")
    return re.sub(r"(/[\w.\-]+)+/\.?[\w\-]+\.duckdb(\.v\d+)?", "<data>/snapshot.duckdb", text)
