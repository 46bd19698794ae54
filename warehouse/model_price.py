"""The price of a model, as every reader asks for it: one row per model from `v_price_of_model`.

A buyer pays the maker's list price when the maker sells the model; an open model the maker does not sell
is bought from a host at the market price (the cheapest reputable host). Reseller and grey-market quotes
never count (warehouse/price_roles.py). Works on the writer's connection and on a published snapshot alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import polars as pl

PRICE_OF_MODEL_SQL = """
SELECT model_id, kind, provider, tier, input_per_mtok, output_per_mtok, blended_per_mtok, source, as_of,
       median_blended_per_mtok, hosts
FROM v_price_of_model
WHERE tier = $tier AND (len($models::VARCHAR[]) = 0 OR list_contains($models::VARCHAR[], model_id))
ORDER BY model_id
"""


def price_of_models(con: duckdb.DuckDBPyConnection, model_ids: Sequence[str] = (),
                    tier: str = "standard") -> pl.DataFrame:
    """`model_ids`' prices in `tier` (every priced model when empty): the list price, else the market price.

    Columns: model_id, kind (`list` | `market`), provider, tier, input_per_mtok, output_per_mtok,
    blended_per_mtok, source, as_of, median_blended_per_mtok, hosts (the last two for a market price only).
    """
    return con.sql(PRICE_OF_MODEL_SQL, params={"tier": tier, "models": list(model_ids)}).pl()
