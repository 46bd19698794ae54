"""Stale sources: a source whose newest data are older than the age it declares it should have.

Newest data = the newest publish date the source's scores state, else the last time any of its facts changed
(what a collection saw first). An upstream that keeps answering with the same document (a retired or abandoned
leaderboard) never fails and never raises a health event otherwise. The check runs after every live collection
that saw data, including an unchanged one, and raises one event per staleness (per newest-data date), not one
per run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

import duckdb

from warehouse.changes.events import ChangeEvent
from warehouse.freshness import is_stale, newest_data_of


def stale_events_of(con: duckdb.DuckDBPyConnection, max_ages: Mapping[str, timedelta | None],
                    at: datetime) -> list[ChangeEvent]:
    """The `source_stale` events of every source in `max_ages` (its declared max age) not raised yet, in two
    statements however many sources: a whole collection checks all it collected at once."""
    newest = newest_data_of(con, list(max_ages))
    stale: dict[str, date] = {s: d for s, d in newest.items() if d is not None and is_stale(d, max_ages[s], at)}
    if not stale:
        return []
    raised = set(con.execute("SELECT source, after ->> 'newest_data' FROM change_event WHERE kind = 'source_stale' "
                             "AND source IN (SELECT unnest(?::VARCHAR[]))", [list(stale)]).fetchall())
    out = []
    for source, day in stale.items():
        max_age = max_ages[source]
        assert max_age is not None
        if (source, day.isoformat()) not in raised:
            out.append(ChangeEvent("source_stale", source, source, None,
                                   {"newest_data": day, "max_age_days": max_age.days},
                                   float((at.date() - day).days), (), at))
    return out
