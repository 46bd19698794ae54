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

# The newest publish date, and the last time a fact of the source began or ended: a fact that ended (a price
# removed) is a change of content as much as one that began.
_NEWEST = (
    "SELECT (SELECT max(publish_date) FROM leaderboard_score WHERE source = $source), (SELECT max(t) FROM ("
    + " UNION ALL ".join(f"SELECT greatest(max(valid_from), max(valid_to)) AS t FROM {spec.name} "
                         "WHERE source = $source" for spec in FACT_TABLES.values())
    + "))"
)


def newest_data(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    # One statement, not one per fact table: it runs after every live collection of every source.
    published, changed = first(con.execute(_NEWEST, {"source": source}).fetchall())
    if published is not None:
        return published
    return changed.date() if changed is not None else None


def is_stale(newest: date | None, max_age: timedelta | None, at: datetime) -> bool:
    return newest is not None and max_age is not None and at.date() - newest > max_age
