"""Run a user's SQL against the published snapshot from the app: the shared guard (`warehouse.sql_guard`: one
read-only statement, external access off, configuration locked) plus what a server shared by many browsers needs:
a time limit that interrupts the query, row and byte caps on the result, a memory limit, and no server paths in
what is shown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from warehouse.sql_guard import RejectedQuery, check, connect, hide_paths

__all__ = ["MAX_BYTES", "MAX_ROWS", "QueryResult", "QueryStopped", "RejectedQuery", "check", "run"]

# A browser table of more rows is unusable; the limits keep a careless SELECT from exhausting the server.
MAX_ROWS = 50_000
MAX_BYTES = 32 * 1024 * 1024
TIMEOUT_S = 20.0
MEMORY_LIMIT = "512MB"
THREADS = 1  # one core per query: other visitors and the collector keep theirs


class QueryStopped(RuntimeError):
    """The query ran past its time limit and was interrupted."""


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool


def _paths(path: Path) -> tuple[Path, ...]:
    return (path.parent, Path.cwd(), Path.home())


def run(path: Path, sql: str, max_rows: int = MAX_ROWS, *, max_bytes: int = MAX_BYTES,
        timeout_s: float = TIMEOUT_S) -> QueryResult:
    """The query's first `max_rows` rows (at most about `max_bytes`); raises RejectedQuery, QueryStopped or
    duckdb.Error (its message without server paths)."""
    check(sql)
    con = connect(path, memory_limit=MEMORY_LIMIT, threads=THREADS)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        reader = con.sql(sql).limit(max_rows + 1).to_arrow_reader(batch_size=1024)
        batches, size, truncated = [], 0, False
        for batch in reader:
            if size + batch.nbytes > max_bytes:  # keep the rows that fit, by the batch's bytes per row
                fit = int((max_bytes - size) / (batch.nbytes / max(1, batch.num_rows)))
                batches.append(batch.slice(0, max(0, fit)))
                truncated = True
                break
            size += batch.nbytes
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException:
        raise QueryStopped(f"The query ran longer than {timeout_s:g} s and was stopped; add a LIMIT or a "
                           "narrower WHERE.") from None
    except duckdb.Error as exc:
        raise type(exc)(hide_paths(str(exc), *_paths(path))) from None
    finally:
        timer.cancel()
        con.close()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    truncated = truncated or frame.height > max_rows
    return QueryResult(_scrub(frame.head(max_rows), path), truncated=truncated)


def _scrub(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """Server paths in text cells (duckdb_databases(), duckdb_settings(), ...) replaced by `<data>`."""
    text = [c for c, t in frame.schema.items() if t == pl.Utf8]
    if not text:
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(lambda v: hide_paths(v, *_paths(path)), return_dtype=pl.Utf8) for c in text
    )
