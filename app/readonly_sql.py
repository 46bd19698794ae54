"""Run a user's SQL against the published snapshot from the app: the shared guard and limits (`warehouse.sql_guard`:
one read-only statement, external access off, configuration locked; a process of its own bounded in memory and
killed at the time limit; row and byte caps; a few queries at once) plus no server paths in what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from warehouse import sql_guard
from warehouse.sql_guard import Limits, QueryFailed, QueryStopped, RejectedQuery, check, hide_paths

__all__ = ["MAX_BYTES", "MAX_ROWS", "QueryFailed", "QueryResult", "QueryStopped", "RejectedQuery", "check", "run"]

# A browser table of more rows is unusable; the limits keep a careless SELECT from exhausting the server.
MAX_ROWS = 50_000
MAX_BYTES = 32 * 1024 * 1024
TIMEOUT_S = 20.0
MEMORY_MB = 1024


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool


def _paths(path: Path) -> tuple[Path, ...]:
    return (path.parent, Path.cwd(), Path.home())


def run(path: Path, sql: str, max_rows: int = MAX_ROWS, *, max_bytes: int = MAX_BYTES,
        timeout_s: float = TIMEOUT_S) -> QueryResult:
    """The query's first `max_rows` rows (at most about `max_bytes`); raises RejectedQuery, QueryStopped or
    QueryFailed (a duckdb.Error, its message without server paths)."""
    result = sql_guard.run(path, sql, Limits(max_rows=max_rows, max_bytes=max_bytes, timeout_s=timeout_s,
                                             memory_mb=MEMORY_MB))
    frame = pl.from_arrow(result.table)
    assert isinstance(frame, pl.DataFrame)
    return QueryResult(_scrub(frame, path), truncated=result.truncated)


def _scrub(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """Server paths in text cells (duckdb_databases(), duckdb_settings(), ...) replaced by `<data>`."""
    text = [c for c, t in frame.schema.items() if t == pl.Utf8]
    if not text:
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(lambda v: hide_paths(v, *_paths(path)), return_dtype=pl.Utf8) for c in text
    )
