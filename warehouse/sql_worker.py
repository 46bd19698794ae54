"""One user query, in a process of its own (`python -m warehouse.sql_worker`), so its memory can be bounded.

DuckDB's `memory_limit` bounds its buffer pool only: a result is produced in chunks of 2,048 rows whatever the
reader's batch size, so `SELECT repeat('x', 1e6) FROM range(3000)` holds 2 GB before the first row can be
counted. The operating system's limit on the process's data segment bounds everything: past it, DuckDB fails
with an out-of-memory error instead of growing. The parent (`sql_guard.run`) kills the process at its time limit.

Reads the request (JSON: path, sql, limits) on stdin; writes the result as an Arrow IPC stream on stdout, its
first `max_rows` rows and at most about `max_bytes`, with `truncated` in the schema's metadata; on a DuckDB
error, `{"kind", "message"}` as the last line of stderr and exit status 3.

Light on purpose (duckdb and pyarrow only): it starts for every query. The parent resolves the snapshot's
current file (`publish.current_path`) and checks the text (`sql_guard.check`) before starting it.
"""

from __future__ import annotations

import json
import resource
import sys
from dataclasses import dataclass

import duckdb
import pyarrow as pa

QUERY_FAILED = 3
OUT_OF_MEMORY = "out of memory"


@dataclass(frozen=True)
class Limits:
    max_rows: int = 50_000
    max_bytes: int = 32 * 2**20
    timeout_s: float = 20.0
    # The query process's data segment; DuckDB's own buffer pool gets half of it.
    memory_mb: int = 1024
    threads: int = 1  # one core per query: other readers and the collector keep theirs


def lock_down(con: duckdb.DuckDBPyConnection, *, memory_limit: str | None = None, threads: int | None = None) -> None:
    """Once the snapshot is attached: no further file, network or extension access, then no setting changes."""
    con.execute("SET enable_external_access = false")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET lock_configuration = true")


def _attach(file: str, limits: Limits) -> duckdb.DuckDBPyConnection:
    """The snapshot file attached read-only to a private in-memory database, as `publish.attach_snapshot` does."""
    con = duckdb.connect(":memory:")
    quoted = file.replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS snapshot (READ_ONLY)")
    con.execute("USE snapshot")
    lock_down(con, memory_limit=f"{limits.memory_mb // 2}MB", threads=limits.threads)
    return con


def _bound_memory(limits: Limits) -> None:
    data = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    cpu = int(limits.timeout_s) + 2  # a backstop: the parent kills the process at its time limit
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def fetch(con: duckdb.DuckDBPyConnection, sql: str, limits: Limits) -> tuple[pa.Table, bool]:
    """The first `max_rows` rows, at most about `max_bytes` of them, and whether more were left out."""
    reader = con.sql(sql).limit(limits.max_rows + 1).to_arrow_reader(batch_size=256)
    batches, size, rows, truncated = [], 0, 0, False
    for batch in reader:
        if rows + batch.num_rows > limits.max_rows:
            batch, truncated = batch.slice(0, limits.max_rows - rows), True
        if size + batch.nbytes > limits.max_bytes:  # keep the rows that fit, by the batch's bytes per row
            fit = int((limits.max_bytes - size) / (batch.nbytes / max(1, batch.num_rows)))
            batch, truncated = batch.slice(0, max(0, fit)), True
        batches.append(batch)
        size, rows = size + batch.nbytes, rows + batch.num_rows
        if truncated:
            break
    return pa.Table.from_batches(batches, schema=reader.schema), truncated


def main() -> int:
    request = json.loads(sys.stdin.read())
    limits = Limits(**request["limits"])
    _bound_memory(limits)
    try:
        with _attach(request["file"], limits) as con:
            table, truncated = fetch(con, request["sql"], limits)
    # DuckDB's Arrow reader reports its out-of-memory as an OSError.
    except (duckdb.Error, pa.ArrowException, MemoryError, OSError) as exc:
        memory = isinstance(exc, MemoryError | duckdb.OutOfMemoryException | pa.ArrowMemoryError) or (
            "Out of Memory" in str(exc))
        sys.stderr.write("\n" + json.dumps({"kind": OUT_OF_MEMORY if memory else type(exc).__name__,
                                             "message": str(exc)}))
        return QUERY_FAILED
    table = table.replace_schema_metadata({b"truncated": b"1" if truncated else b"0"})
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as out:
        out.write_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
