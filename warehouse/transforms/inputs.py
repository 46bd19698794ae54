"""Read the transforms' inputs from the warehouse views into polars frames (the only SQL the transforms run).

Facts join their openness and canonical model through `v_model_names` on (source, model) = (source,
source_model), as docs/architecture.md requires; a name the view does not know reads as unmatched/unknown.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse import runs

SCORES_SQL = """
SELECT s.board, s.category, s.capability, s.weight, s.model, n.model_id, n.openness, s.score, s.valid_from,
       s.valid_to, s.publish_date
FROM v_capability_scores s
LEFT JOIN v_model_names n ON n.source = s.source AND n.source_model = s.model
"""

PRICES_SQL = """
SELECT p.source, p.provider, p.model, p.tier, n.model_id, n.openness, p.input_per_mtok, p.output_per_mtok,
       p.valid_from, p.valid_to
FROM v_price_history p
LEFT JOIN v_model_names n ON n.source = p.source AND n.source_model = p.model
"""



def scores(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(SCORES_SQL).pl()


def headline_preferences(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql("SELECT capability, position, board, lag_days FROM headline_preference").pl()


def prices(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(PRICES_SQL).pl()


def as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    return runs.data_as_of(con)
