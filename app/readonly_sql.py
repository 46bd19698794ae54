"""Run a user's SQL against the published snapshot, refusing anything but one read-only query.

The snapshot connection is already `read_only`, but DuckDB can still write files (COPY), attach other
databases, install extensions or read the server's files (read_csv('/etc/...')) from a read-only
connection. So a statement must parse as exactly one SELECT, and the connection runs with external
access disabled and its configuration locked, so a query cannot switch that back on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

# A browser table of more rows is unusable; the limit keeps a careless SELECT from exhausting memory.
MAX_ROWS = 50_000


class RejectedQuery(ValueError):
    """The text is not a single read-only query."""


@dataclass(frozen=True)
class QueryResult:
    frame: pl.DataFrame
    truncated: bool


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


def run(path: Path, sql: str, max_rows: int = MAX_ROWS) -> QueryResult:
    check(sql)
    config = {"enable_external_access": False, "lock_configuration": True}
    with duckdb.connect(str(path), read_only=True, config=config) as con:
        frame = con.sql(sql).limit(max_rows + 1).pl()
    return QueryResult(frame.head(max_rows), truncated=frame.height > max_rows)
