"""Months behind, after Epoch AI's method: for each new closed state of the art, how long until an open model
matched it (within a tolerance).

A closed SOTA is a closed model whose score beats every closed score seen before on that (capability, board);
a model counts once, when it first set a record (its later re-estimates are not new SOTAs). It is matched on
the first day some open model's score reached `closed_score − tolerance·|closed_score|` (0 months if an open
model had already got there). Unmatched SOTAs keep a null `months_behind` and are counted in the summary, since
leaving them out would understate the lag.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.transforms.scores import CLOSED, DEFINITIONS, GROUP, SIDES, sided

DAYS_PER_MONTH = 365.25 / 12


RECORD_KEYS = [*GROUP, "lane"]
RECORDS_SCHEMA = {"capability": pl.String, "board": pl.String, "lane": pl.Int64, "start": pl.Date,
                  "score": pl.Float64, "model": pl.String}


def records(sides: pl.DataFrame, floor: pl.DataFrame | None = None) -> pl.DataFrame:
    """Intervals that set a new record on their (capability, board) and lane: a score above every earlier-starting
    one (and above the lane's `floor` score, the best before the intervals given, where one is given: what lets
    the records of a later stretch of days extend those of the days before it).

    Only a day's best score can be a record, so the search runs on one row per (group, lane, day) and the record
    holder (alphabetically first on a tie) is looked up afterwards. `sides` has capability, board, lane, start,
    score, model. Returns RECORDS_SCHEMA's columns.
    """
    best_day = sides.group_by(*RECORD_KEYS, "start").agg(pl.col("score").max()).sort(*RECORD_KEYS, "start")
    before = pl.col("score").cum_max().shift(1).over(RECORD_KEYS)
    if floor is not None:
        best_day = best_day.join(floor.select(*RECORD_KEYS, "floor"), on=RECORD_KEYS, how="left")
        before = pl.max_horizontal(before, pl.col("floor"))  # nulls ignored: a lane new since the floor
    found = best_day.filter(before.is_null() | (pl.col("score") > before)).select(*RECORD_KEYS, "start", "score")
    return (
        sides.join(found, on=[*RECORD_KEYS, "start", "score"])
        .group_by(*RECORD_KEYS, "start", "score")
        .agg(pl.col("model").min())
        .select(*RECORDS_SCHEMA)
        .cast(RECORDS_SCHEMA)
        .sort(*RECORD_KEYS, "start")
    )


def score_records(scored: pl.DataFrame) -> pl.DataFrame:
    """Every lane's records over the whole history of `scored` (from `comparable_scores`)."""
    return records(sided(scored.select(*GROUP, "openness", "start", "score", "model")))


def extend_records(before: pl.DataFrame, scored: pl.DataFrame, since: date) -> pl.DataFrame:
    """The records from day `since` on, given the records `before` it and `scored` holding (at least) every
    interval starting on or after `since`: a record depends only on earlier starts, never on an interval's end."""
    later = scored.filter(pl.col("start") >= since).select(*GROUP, "openness", "start", "score", "model")
    floor = before.group_by(RECORD_KEYS).agg(pl.col("score").max().alias("floor"))
    return records(sided(later), floor)


def months_behind(scored: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    """One row per (definition, closed SOTA) with the open model that matched it, if any."""
    return months_behind_from_records(score_records(scored), tolerance)


def months_behind_from_records(found: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    """`months_behind` from every lane's records (`score_records`): the closed SOTAs are the closed lane's
    records, each model counted once, and an open lane's records are the only candidates to match one."""
    sotas = (
        found.filter(pl.col("lane") == SIDES.index(CLOSED))
        .sort(*RECORD_KEYS, "start")
        .unique([*GROUP, "model"], keep="first", maintain_order=True)
        .select(*GROUP, pl.col("model").alias("closed_model"), pl.col("start").alias("closed_date"),
                pl.col("score").alias("closed_score"))
        .with_columns(threshold=pl.col("closed_score") - tolerance * pl.col("closed_score").abs())
        .sort("threshold")
    )
    out = []
    for definition in DEFINITIONS:
        # Open records rise in score and in date, so the first record reaching a threshold is the earliest.
        opens = found.filter(pl.col("lane") == SIDES.index(definition)).select(
            *GROUP, pl.col("model").alias("open_model"), pl.col("start").alias("reached"),
            pl.col("score").alias("open_score"),
        ).sort("open_score")
        matched = sotas.join_asof(opens, left_on="threshold", right_on="open_score", by=GROUP, strategy="forward",
                                  check_sortedness=False)
        out.append(matched.with_columns(definition=pl.lit(definition)))
    frame = pl.concat(out).with_columns(
        open_date=pl.when(pl.col("reached").is_not_null()).then(pl.max_horizontal("reached", "closed_date"))
    )
    return frame.select(
        "definition", *GROUP, "closed_model", "closed_date", "closed_score", "open_model", "open_date",
        ((pl.col("open_date") - pl.col("closed_date")).dt.total_days() / DAYS_PER_MONTH).alias("months_behind"),
    ).sort(["definition", *GROUP, "closed_date", "closed_model"])


def months_behind_summary(behind: pl.DataFrame) -> pl.DataFrame:
    """Mean and median months behind per (definition, capability), pooled over boards; unmatched counted."""
    lag = pl.col("months_behind")
    return (
        behind.group_by("definition", "capability")
        .agg(
            lag.mean().alias("mean_months"),
            lag.median().alias("median_months"),
            lag.is_not_null().sum().cast(pl.Int64).alias("matched"),
            lag.is_null().sum().cast(pl.Int64).alias("unmatched"),
        )
        .sort("definition", "capability")
    )
