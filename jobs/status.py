"""Health of each source, read from the published snapshot (or any connection to the warehouse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from collectors import registry
from warehouse.facts import table_for


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


def source_status(con: duckdb.DuckDBPyConnection) -> list[SourceStatus]:
    out = []
    for src in registry.SOURCES:
        runs = con.execute(
            "SELECT status, finished_at, error FROM collection_run WHERE source = ? AND trigger <> 'backfill' "
            "ORDER BY finished_at DESC, run_id DESC LIMIT 50",
            [src.id],
        ).fetchall()
        streak = 0
        for status, _, _ in runs:
            if status not in ("failed", "rejected"):
                break
            streak += 1
        last_ok = con.execute(
            "SELECT max(finished_at) FROM collection_run WHERE source = ? AND status IN ('ok', 'unchanged')",
            [src.id],
        ).fetchone()[0]
        last_error = next((e for s, _, e in runs if s in ("failed", "rejected")), None)
        rows = sum(
            con.execute(f"SELECT count(*) FROM {table_for(t).name} WHERE source = ? AND valid_to IS NULL",
                        [src.id]).fetchone()[0]
            for t in src.row_types
        )
        nxt = con.execute("SELECT next_run_at FROM source_schedule WHERE source = ?", [src.id]).fetchone()
        out.append(
            SourceStatus(
                source=src.id, kind=src.kind, last_success=last_ok, last_run=runs[0][1] if runs else None,
                last_status=runs[0][0] if runs else None, last_error=last_error, failure_streak=streak,
                rows=rows, next_run=nxt[0] if nxt else None,
            )
        )
    return out
