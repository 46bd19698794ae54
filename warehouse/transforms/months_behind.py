"""Months behind, after Epoch AI's method: for each new closed state of the art, how long until an open model
matched it (within a tolerance).

A closed SOTA is a closed model whose score beats every closed score seen before on that (capability, board);
a model counts once, when it first set a record (its later re-estimates are not new SOTAs). It is matched on
the first day some open model's score reached `closed_score − tolerance·|closed_score|` (0 months if an open
model had already got there). Unmatched SOTAs keep a null `months_behind` and are counted in the summary, since
leaving them out would understate the lag.
"""

from __future__ import annotations

import polars as pl

from warehouse.transforms.scores import CLOSED, DEFINITIONS, GROUP, SIDES, sided

DAYS_PER_MONTH = 365.25 / 12


def records(side: pl.DataFrame) -> pl.DataFrame:
    """Intervals that set a new record on their (capability, board): a score above every earlier-starting one.

    Only a day's best score can be a record, so the search runs on one row per (group, day) and the record
    holder (alphabetically first on a tie) is looked up afterwards. Returns g, start, score, model.
    """
    best_day = side.group_by("g", "start").agg(pl.col("score").max()).sort("g", "start")
    before = pl.col("score").cum_max().shift(1).over("g")
    found = best_day.filter(before.is_null() | (pl.col("score") > before))
    return (
        side.join(found, on=["g", "start", "score"])
        .group_by("g", "start", "score")
        .agg(pl.col("model").min())
        .sort("g", "start")
    )


def months_behind(scored: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    """One row per (definition, closed SOTA) with the open model that matched it, if any."""
    sides = sided(scored.select("g", "openness", "start", "score", "model"))
    groups = scored.unique("g").select("g", *GROUP)
    sotas = (
        records(sides.filter(pl.col("lane") == SIDES.index(CLOSED)))
        .unique(["g", "model"], keep="first", maintain_order=True)
        .select("g", pl.col("model").alias("closed_model"), pl.col("start").alias("closed_date"),
                pl.col("score").alias("closed_score"))
        .with_columns(threshold=pl.col("closed_score") - tolerance * pl.col("closed_score").abs())
        .sort("threshold")
    )
    out = []
    for definition in DEFINITIONS:
        # Open records rise in score and in date, so the first record reaching a threshold is the earliest.
        opens = records(sides.filter(pl.col("lane") == SIDES.index(definition))).select(
            "g", pl.col("model").alias("open_model"), pl.col("start").alias("reached"),
            pl.col("score").alias("open_score"),
        ).sort("open_score")
        matched = sotas.join_asof(opens, left_on="threshold", right_on="open_score", by="g", strategy="forward",
                                  check_sortedness=False)
        out.append(matched.with_columns(definition=pl.lit(definition)))
    frame = pl.concat(out).join(groups, on="g").with_columns(
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
