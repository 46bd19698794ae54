"""Run the whole transform set and materialise its tables: the ingest hook, and what the benchmark times.

`compute` is pure (frames in, frames out); `refresh_transforms` reads the inputs, computes and rewrites every
result table inside the caller's transaction, so readers of a published snapshot always see tables that agree
with the facts they were computed from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
import polars as pl

from gapwatch.settings import Settings
from gapwatch.source import Outcome
from warehouse.transforms import incremental, inputs
from warehouse.transforms.families import FAMILIES, Frames


def compute(scores: pl.DataFrame, prices: pl.DataFrame, as_of: date, settings: Settings,
            preferences: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Every result table, keyed by table name, from the input frames of `inputs`: each family of
    `families.FAMILIES` computed whole, as a full refresh computes them from the warehouse."""
    preferences = preferences if preferences is not None else pl.DataFrame(
        schema={"capability": pl.Utf8, "position": pl.Int32, "board": pl.Utf8})
    frames = Frames.given(settings, as_of, scores=scores, prices=prices, preferences=preferences)
    return {name: table for family in FAMILIES for name, table in family.compute(frames).items()}


def write(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    for name, frame in tables.items():
        con.execute(f"DELETE FROM {name}")
        if frame.height:
            con.register("_transform_rows", frame.to_arrow())
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _transform_rows")
            con.unregister("_transform_rows")


def refresh_transforms(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None = None) -> bool:
    """Recompute and rewrite every transform table and what the incremental refresh compares against
    (`incremental.full`), in the caller's transaction. `as_of` defaults to the day of
    the latest collection that saw data. Returns False, writing nothing, when nothing was ever collected."""
    as_of = as_of or inputs.as_of(con)
    if as_of is None:
        return False
    incremental.full(con, settings, as_of, incremental.fingerprints(con, settings, as_of))
    return True


def transforms_hook(settings: Settings) -> Callable[[duckdb.DuckDBPyConnection, object, Outcome], None]:
    """The ingest hook: after every ingest that changed facts (status ok), recompute what those facts reach
    (`incremental.refresh`); skip every other outcome."""

    def hook(con: duckdb.DuckDBPyConnection, source: object, outcome: Outcome) -> None:
        if outcome.status == "ok":
            incremental.refresh(con, settings)  # only what the ingests since the last refresh touched

    return hook
