"""Open the writer's DuckDB file and bring its schema up to date with the numbered migrations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse import price_roles

_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseLocked(RuntimeError):
    """Another process holds the writer's lock (DuckDB allows one read-write process per file)."""


def migrations() -> list[tuple[int, str, str]]:
    files = resources.files("warehouse") / "migrations"
    found = []
    for entry in files.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {[n for _, n, _ in found]}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migration").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def connect(path: Path, published: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The writer's connection, migrated. Raises WarehouseLocked naming the process that holds the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLocked(locked_message(path, str(exc), published)) from exc
        raise
    migrate(con)
    price_roles.sync(con)  # the role file is data of the warehouse, not of the registry
    return con


def locked_message(path: Path, error: str, published: Path | None) -> str:
    """Who holds `path` (from DuckDB's lock error: the holder's PID, whose command line /proc tells) and what
    to do: a writer (`gapwatch serve`, another command) is waited for or stopped; a reader must move to the
    published snapshot, which exists so that nobody but the writer ever opens this file."""
    match = re.search(r"\(PID (\d+)\)", error)
    pid = int(match.group(1)) if match else None
    command = _command_line(pid) if pid else ""
    holder = f"process {pid}" + (f" ({command})" if command else "") if pid else "another process"
    if "gapwatch" in command and any(w in command for w in ("serve", "up", "collect", "backfill", "reparse")):
        advice = "that is the collector writing: wait for it to finish or stop it, then run this again"
    else:
        snapshot = f" ({published})" if published else ""
        advice = ("only the gapwatch writer may open this file, even to read; a reader (script, notebook, DuckDB "
                  f"CLI) must open the published snapshot{snapshot} instead, or `gapwatch sql`. Close that "
                  "process, then run this again")
    return f"{path} is held by {holder}: {advice}."


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)[:200]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def first(rows: list[tuple]) -> tuple | None:
    """The first row of a `fetchall()`, or None. DuckDB 2 refuses the connection's next statement while a result
    is unfinished, which `fetchone()` leaves behind: read whole results, then take the row."""
    return rows[0] if rows else None


def execute_over(con: duckdb.DuckDBPyConnection, sql: str, params: list, _rows: pa.Table) -> None:
    """Run `sql`, which reads the Arrow table `_rows` under that name: DuckDB finds a Python variable of the frame
    that runs a statement naming it (a replacement scan). One statement, where registering the table, running and
    unregistering cost three (~0.4 ms each, paid by every fact table of every snapshot ingested). The frame is this
    function's: call it, never `con.execute` with such SQL from a wrapper."""
    con.execute(sql, params)
