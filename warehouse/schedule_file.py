"""The service's schedule beside the published snapshot (`<published dir>/schedule.json`), rewritten after every
run: readers learn each source's next run (and its last run's status) from it without a publish, which copies the
whole warehouse and happens only when data or health events changed. `gapwatch status` and the Sources page read
it over the snapshot's `source_schedule` when it is newer.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import duckdb

NAME = "schedule.json"


def path_for(published_file: Path) -> Path:
    return published_file.parent / NAME


def write(published_file: Path, next_runs: dict[str, datetime | None], last_runs: dict[str, tuple[datetime, str]],
          at: datetime) -> None:
    """Replace the file atomically (temporary file, then rename): a reader sees the old one or the new one."""
    target = path_for(published_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = {"written_at": at.isoformat(),
           "next_run": {s: t.isoformat() if t else None for s, t in sorted(next_runs.items())},
           "last_run": {s: {"at": t.isoformat(), "status": status} for s, (t, status) in sorted(last_runs.items())}}
    tmp = target.with_name(f".{NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def read(published_file: Path, newer_than: datetime | None = None) -> dict | None:
    """The file's content, or None when absent, unreadable or not newer than `newer_than` (the snapshot's own
    schedule then stands)."""
    try:
        doc = json.loads(path_for(published_file).read_text(encoding="utf-8"))
        written = datetime.fromisoformat(doc["written_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if newer_than is not None and written <= newer_than:
        return None
    return doc


def newer_than_snapshot(con: duckdb.DuckDBPyConnection, published_file: Path) -> dict | None:
    """The file when it is newer than the schedule the snapshot at `con` holds, else None."""
    held = con.execute("SELECT max(updated_at) FROM source_schedule").fetchall()[0][0]
    return read(published_file, newer_than=held)


def next_run(doc: dict | None, source: str, fallback: datetime | None) -> datetime | None:
    """`source`'s next run from the file when it names one, else `fallback` (the snapshot's)."""
    if not doc or source not in doc.get("next_run", {}):
        return fallback
    value = doc["next_run"][source]
    return datetime.fromisoformat(value) if value else None
