"""How fresh a source's data are: its newest publish date, else its last content change (see changes/stale.py).

Every source that is still collected declares how long its content may stand still (`Source.max_age`): a
leaderboard by its publish dates, a price list, catalogue or licence source by the last time a fact of it
began or ended.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from warehouse.facts import FACT_TABLES

# The newest publish date, and the last time a fact of the source began or ended: a fact that ended (a price
# removed) is a change of content as much as one that began. For several sources at once: a whole collection
# checks every source it collected in one statement, not one per source.
_NEWEST = (
    "WITH asked AS (SELECT DISTINCT unnest($sources::VARCHAR[]) AS source), "
    "published AS (SELECT source, max(publish_date) AS d FROM leaderboard_score "
    "WHERE source IN (SELECT source FROM asked) GROUP BY source), "
    "changed AS (SELECT source, max(t) AS t FROM ("
    + " UNION ALL ".join(f"SELECT source, greatest(max(valid_from), max(valid_to)) AS t FROM {spec.name} "
                         "WHERE source IN (SELECT source FROM asked) GROUP BY source"
                         for spec in FACT_TABLES.values())
    + ") GROUP BY source) "
    "SELECT a.source, p.d, c.t FROM asked a LEFT JOIN published p USING (source) LEFT JOIN changed c USING (source)"
)


def newest_data_of(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, date | None]:
    """`newest_data` of each of `sources`, in one statement."""
    if not sources:
        return {}
    return {source: published if published is not None else (changed.date() if changed is not None else None)
            for source, published, changed in con.execute(_NEWEST, {"sources": sources}).fetchall()}


def newest_data(con: duckdb.DuckDBPyConnection, source: str) -> date | None:
    return newest_data_of(con, [source])[source]


def is_stale(newest: date | None, max_age: timedelta | None, at: datetime) -> bool:
    return newest is not None and max_age is not None and at.date() - newest > max_age
