"""Scores as the gap transforms compare them: one category per (board, capability), as day intervals, by side.

Input columns (see `inputs.SCORES_SQL`): board, category, capability, weight, model, model_id, openness, score,
valid_from, valid_to.
"""

from __future__ import annotations

import polars as pl

from gapwatch.vocabulary import CLOSED, DEFINITIONS, open_classes

SIDES: tuple[str, ...] = (CLOSED, *DEFINITIONS)
GROUP = ["capability", "board"]


def is_open(definition: str) -> pl.Expr:
    openness = pl.col("openness")
    return openness.is_in(open_classes(definition))


def is_unknown() -> pl.Expr:
    """Neither open under any definition nor closed: excluded from both sides (and counted)."""
    openness = pl.col("openness")
    return openness.is_null() | ~openness.is_in((*open_classes("open-weights"), CLOSED))


def primary_categories(scores: pl.DataFrame) -> pl.DataFrame:
    """The category compared per (board, capability): the highest capability-map weight (1 = the board's
    headline category), then the most models, then alphabetical. `scores` holds board, capability, category,
    weight and models (distinct source names). Returns g (numbering the groups), board, capability, category."""
    return (
        scores.sort(["board", "capability", "weight", "models", "category"],
                    descending=[False, False, True, True, False])
        .unique(["board", "capability"], keep="first", maintain_order=True)
        .with_row_index("g")
        .select("g", "board", "capability", "category")
    )


def comparable_scores(scores: pl.DataFrame, primary: pl.DataFrame | None = None) -> pl.DataFrame:
    """Mapped scores of one category per (board, capability), as end-of-day intervals [start, end), with `g`
    numbering the (capability, board) groups.

    A board may map several categories to one capability (e.g. `overall` and `hard_prompts`) and their scales
    differ, so one category stands for the pair (`primary_categories`; `primary`, where given, is its result over
    the whole warehouse, so that `scores` may hold only some of the intervals). A fact that began and ended
    within one day never was a day's closing state, so it is dropped. `model` becomes the canonical model_id
    where identity resolution matched one (the source's own name otherwise).
    """
    mapped = scores.filter(pl.col("capability").is_not_null())
    if primary is None:
        primary = primary_categories(mapped.group_by("board", "capability", "category").agg(
            pl.col("weight").max(), pl.col("model").n_unique().alias("models")))
    return (
        mapped.join(primary.select("g", "board", "capability", "category"), on=["board", "capability", "category"])
        .select(
            "g",
            "capability",
            "board",
            "category",
            pl.coalesce("model_id", "model").alias("model"),
            "model_id",
            pl.col("openness").fill_null("unknown"),
            pl.col("score").cast(pl.Float64),
            pl.col("valid_from").dt.date().alias("start"),
            pl.col("valid_to").dt.date().alias("end"),
        )
        .filter(pl.col("end").is_null() | (pl.col("start") < pl.col("end")))
    )


def sided(scored: pl.DataFrame) -> pl.DataFrame:
    """One row per interval and side it counts for (an open-source model is on both open sides); `lane` is the
    side's index in SIDES."""
    parts = [scored.filter(pl.col("openness") == CLOSED).with_columns(lane=pl.lit(0, pl.Int64))]
    parts += [scored.filter(is_open(d)).with_columns(lane=pl.lit(SIDES.index(d), pl.Int64)) for d in DEFINITIONS]
    return pl.concat(parts)


def alive_at(day: object) -> pl.Expr:
    return (pl.col("start") <= day) & (pl.col("end").is_null() | (pl.col("end") > day))
