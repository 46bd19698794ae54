"""Read the transforms' inputs from the warehouse views into polars frames (the only SQL the transforms run).

Facts join their openness and canonical model through `v_model_names` on (source, model) = (source,
source_model), as docs/architecture.md requires; a name the view does not know reads as unmatched/unknown.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse import runs
from warehouse.price_roles import with_roles

# A model's release date as months behind reads it: the operator's (`manual_model`), else the date most of the
# catalogue entries aliased to it give (the earliest on a tie). Not the earliest of them, as the `model` table
# keeps: one provider's placeholder (models.dev lists some models as released on 1970-01-01 or on the 1st of
# January of a year) or an older model merged into the same id would date it years early. A date before 2015
# is a placeholder: no model on these boards is that old.
RELEASES_SQL = """
WITH votes AS (
    SELECT a.model_id, s.released, count(DISTINCT (s.source, s.model)) AS votes
    FROM model_alias a JOIN source_model s ON s.source = a.source AND s.model = a.source_model
    WHERE s.released >= DATE '2015-01-01' GROUP BY a.model_id, s.released
), consensus AS (
    SELECT model_id, first(released ORDER BY votes DESC, released) AS released FROM votes GROUP BY model_id
), manual AS (
    SELECT model_id, min(release_date) AS released FROM manual_model WHERE release_date IS NOT NULL GROUP BY model_id
)
SELECT model_id, coalesce(m.released, c.released) AS release_date
FROM consensus c FULL JOIN manual m USING (model_id)
"""

SCORES_SQL = f"""
SELECT s.board, s.category, s.capability, s.weight, s.model, n.model_id, n.openness, s.score, s.valid_from,
       s.valid_to, s.publish_date, r.release_date
FROM v_capability_scores s
LEFT JOIN v_model_names n ON n.source = s.source AND n.source_model = s.model
LEFT JOIN ({RELEASES_SQL}) r ON r.model_id = n.model_id
"""

# What `score_history.summary` computes of the score facts, in the warehouse: the whole history aggregated per
# mapped (board, capability, category), without reading it into polars.
SCORE_SUMMARY_SQL = """
SELECT board, capability, category, max(weight) AS weight, count(DISTINCT model) AS models, count(*) AS rows,
       max(publish_date) AS publish_date, max(valid_from) AS valid_from
FROM v_capability_scores GROUP BY board, capability, category
"""

# `months_behind.release_dates` of the score facts, in the warehouse.
SCORE_RELEASES_SQL = f"""
SELECT coalesce(model_id, model) AS model, min(release_date) AS release_date
FROM ({SCORES_SQL}) WHERE release_date IS NOT NULL GROUP BY ALL
"""

# The score facts of the (board, capability, category) rows of `_score_groups`, with the columns the score
# families read of them (`score_history`).
GROUP_SCORES_SQL = f"""
SELECT board, category, capability, model, model_id, openness, score, valid_from, valid_to
FROM ({SCORES_SQL}) s
WHERE EXISTS (SELECT 1 FROM _score_groups g
              WHERE g.board = s.board AND g.capability = s.capability AND g.category = s.category)
"""

PRICES_SQL = """
SELECT p.source, p.provider, p.model, p.tier, n.model_id, n.openness, p.input_per_mtok, p.output_per_mtok,
       p.valid_from, p.valid_to, p.modality
FROM v_price_history p
LEFT JOIN v_model_names n ON n.source = p.source AND n.source_model = p.model
"""


def named_facts(facts: str, before: str, after: str) -> str:
    """The rows of `facts` (a query with `source` and `model` columns, read as `f`) with each name's `model_id`
    and `openness` exactly as `v_model_names` gives them, looked up for those names only (the view unions the
    names of every fact table first, which an update of a few facts must not pay for): `SELECT {before},
    model_id, openness, {after}`."""
    return f"""
WITH _facts AS MATERIALIZED ({facts}), own AS (
    SELECT source, source_model, arg_min(openness, evidence_order(rank, openness)) AS openness
    FROM openness_evidence
    WHERE openness <> 'unknown'
      AND EXISTS (SELECT 1 FROM _facts f WHERE f.source = openness_evidence.source
                                               AND f.model = openness_evidence.source_model)
    GROUP BY source, source_model
)
SELECT {before}, a.model_id, coalesce(nullif(m.openness, 'unknown'), own.openness, 'unknown') AS openness, {after}
FROM _facts f
LEFT JOIN model_alias a ON a.source = f.source AND a.source_model = f.model
LEFT JOIN model m ON m.model_id = a.model_id
LEFT JOIN own ON own.source = f.source AND own.source_model = f.model
"""


def scores(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SCORES_SQL).pl()


def score_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SCORE_SUMMARY_SQL).pl()


def score_releases(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SCORE_RELEASES_SQL).pl()


def group_scores(con: duckdb.DuckDBPyConnection, groups: pl.DataFrame) -> pl.DataFrame:
    """The score facts of `groups` (board, capability, category)."""
    con.register("_score_groups", groups.select("board", "capability", "category").to_arrow())
    try:
        return con.sql(GROUP_SCORES_SQL).pl()
    finally:
        con.unregister("_score_groups")


def headline_preferences(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT capability, position, board, lag_days FROM headline_preference").pl()


def prices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(with_roles(PRICES_SQL)).pl()


def as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    return runs.data_as_of(con)
