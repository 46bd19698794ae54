"""How fresh a source's data are: its newest publish date, else its last content change (see changes/stale.py).

Every source that is still collected declares how long its content may stand still (`Source.max_age`): a
leaderboard by its publish dates, a price list, catalogue or licence source by the last time a fact of it
began or ended.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from warehouse.db import first
from warehouse.facts import FACT_TABLES


def newest_data(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    published = first(con.execute("SELECT max(publish_date) FROM leaderboard_score WHERE source = ?",
                                  [source]).fetchall())[0]
    if published is not None:
        return published
    # A fact that ended (a price removed) is a change of content as much as one that began.
    changed = [first(con.execute(f"SELECT greatest(max(valid_from), max(valid_to)) FROM {spec.name} "
                                 "WHERE source = ?", [source]).fetchall())[0]
               for spec in FACT_TABLES.values()]
    known = [c for c in changed if c is not None]
    return max(known).date() if known else None


def is_stale(newest: date | None, max_age: timedelta | None, at: datetime) -> bool:
    return newest is not None and max_age is not None and at.date() - newest > max_age
