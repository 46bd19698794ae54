"""Stale sources: a source whose newest data are older than the age it declares it should have.

Newest data = the newest publish date the source's scores state, else the last time any of its facts changed
(what a collection saw first). An upstream that keeps answering with the same document (a retired or abandoned
leaderboard) never fails and never raises a health event otherwise. The check runs after every live collection
that saw data, including an unchanged one, and raises one event per staleness (per newest-data date), not one
per run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from warehouse.changes.events import ChangeEvent
from warehouse.db import first
from warehouse.freshness import is_stale, newest_data


def stale_events(con: duckdb.DuckDBPyConnection, source: str, max_age: timedelta | None,
                 at: datetime) -> list[ChangeEvent]:
    newest = newest_data(con, source)
    if not is_stale(newest, max_age, at):
        return []
    assert newest is not None and max_age is not None
    raised = first(con.execute("SELECT count(*) FROM change_event WHERE kind = 'source_stale' AND source = ? "
                         "AND after ->> 'newest_data' = ?", [source, newest.isoformat()]).fetchall())[0]
    if raised:
        return []
    age = (at.date() - newest).days
    return [ChangeEvent("source_stale", source, source, None,
                        {"newest_data": newest, "max_age_days": max_age.days}, float(age), (), at)]
