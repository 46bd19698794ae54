"""The one guard for users' SQL on the published snapshot (`gapwatch sql` and the app's SQL page).

A read-only connection is not enough: DuckDB can still write files (COPY), attach other databases, install
extensions, change settings or read the server's files (read_csv('/etc/...'), glob('/root/**')) from one. So a
text must parse as exactly one SELECT (WITH, FROM-first, SHOW and DESCRIBE parse as SELECT), and the connection
runs read-only with external access disabled and its configuration locked, so no query can switch either back on.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from warehouse.publish import attach_snapshot


class RejectedQuery(ValueError):
    """The text is not a single read-only query."""


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
        # Only now, the file being attached: no further file, network or extension access, then nothing changes.
        con.execute("SET enable_external_access = false")
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def hide_paths(text: str, *paths: Path) -> str:
    """`text` with the server's directories replaced by `<data>`: what the snapshot is called on disk, where
    gapwatch runs and whose home it is are nobody's business (duckdb_databases(), error messages)."""
    for path in sorted({str(p.resolve()) for p in paths} | {str(p) for p in paths}, key=len, reverse=True):
        if path and path not in ("/", "."):
            text = text.replace(path, "<data>")
    return re.sub(r"(/[\w.\-]+)+/\.?[\w\-]+\.duckdb(\.v\d+)?", "<data>/snapshot.duckdb", text)
