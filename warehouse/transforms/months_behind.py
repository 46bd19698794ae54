"""Months behind, after Epoch AI's method: for each new closed state of the art, how long until an open model
matched it (within a tolerance).

A closed SOTA is a closed model whose score beats every closed score seen before on that (capability, board);
a model counts once, when it first set a record (its later re-estimates are not new SOTAs). It is matched on
the first day some open model's score reached `closed_score − tolerance·|closed_score|` (0 months if an open
model had already got there). Unmatched SOTAs keep a null `months_behind` and are counted in the summary, since
leaving them out would understate the lag.

Dates, as Epoch dates models, are release dates where a source gives one: a vendor's date-stamped id
(`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`: the most specific, as identity may merge a family's snapshots
into one model), else the catalogues' (`inputs.RELEASES_SQL`: models.dev `release_date`, OpenRouter `created`,
Hugging Face `createdAt`, ..., the date most of them give). A model's first score on a board then counts
from its release, and a score listed before it from its release too; a later re-estimate counts from its
listing. A model no source dates counts from the day the board first listed it: a checkpoint that was never
released gets no release date invented for it. `closed_date_basis` and `open_date_basis` say which each date
is (`release_date` or `listing`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.transforms.scores import CLOSED, DEFINITIONS, GROUP, SIDES, sided

DAYS_PER_MONTH = 365.25 / 12
RELEASE, LISTING = "release_date", "listing"
# A vendor's date-stamped id names its snapshot's release day. The year is required: `gemini-exp-1121` or
# `...-03-25` could be any year, and a guessed year would invent a release.
_STAMP = r"(?:^|[-_ (])(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?:$|[-_ )])"
# Cohere stamps a release month (`command-r-2024-08`): read as its first day, at most a month early.
_MONTH_STAMP = r"(?:^|[-_ (])(20\d{2})-(0[1-9]|1[0-2])(?:$|[-_ )])"


def release_dates(scores: pl.DataFrame) -> pl.DataFrame:
    """model (canonical id, else the source's name, as `comparable_scores` names it) → its release date, from the
    scores' `release_date` column (`inputs.SCORES_SQL`); empty when the frame has none."""
    if "release_date" not in scores.columns:
        return pl.DataFrame(schema={"model": pl.Utf8, "release_date": pl.Date})
    return (scores.filter(pl.col("release_date").is_not_null())
            .group_by(pl.coalesce("model_id", "model").alias("model"))
            .agg(pl.col("release_date").cast(pl.Date).min()))


def stamped(model: pl.Expr) -> pl.Expr:
    """The date in a date-stamped model id (`-2025-08-07`, `-20250514`, `-2024-08`), null when there is none."""
    day = pl.concat_str([model.str.extract(_STAMP, i) for i in (1, 2, 3)], separator="-")
    month = pl.concat_str([model.str.extract(_MONTH_STAMP, 1), model.str.extract(_MONTH_STAMP, 2), pl.lit("01")],
                          separator="-")
    return pl.coalesce(day.str.to_date("%Y-%m-%d", strict=False), month.str.to_date("%Y-%m-%d", strict=False))


def dated(scored: pl.DataFrame, releases: pl.DataFrame, first: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each interval with `start` moved to the model's release where it counts from it, `release` and the
    interval's own start (`listed`) kept.
    `first` (capability, board, model, first: the model's first start on the group) where `scored` holds only
    some of a group's intervals; else it is read from `scored`."""
    release = pl.coalesce(stamped(pl.col("model")), pl.col("release_date"))
    frame = scored.join(releases, on="model", how="left").with_columns(release=release)
    frame = (frame.with_columns(first=pl.col("start").min().over(*GROUP, "model")) if first is None
             else frame.join(first.select(*GROUP, "model", "first"), on=[*GROUP, "model"], how="left"))
    counts_from_release = (pl.col("start") == pl.col("first")) | (pl.col("start") < pl.col("release"))
    from_release = pl.col("release").is_not_null() & counts_from_release
    return frame.with_columns(listed=pl.col("start"),
                              start=pl.when(from_release).then(pl.col("release")).otherwise(pl.col("start"))
                              ).drop("first", "release_date")


def _basis(day: str) -> pl.Expr:
    return pl.when(pl.col(day).is_null()).then(None).when(pl.col(day) == pl.col(f"{day}_release")).then(
        pl.lit(RELEASE)).otherwise(pl.lit(LISTING))


RECORD_KEYS = [*GROUP, "lane"]
RECORDS_SCHEMA = {"capability": pl.String, "board": pl.String, "lane": pl.Int64, "start": pl.Date,
                  "score": pl.Float64, "model": pl.String, "release": pl.Date, "listed": pl.Date}


def records(sides: pl.DataFrame, floor: pl.DataFrame | None = None) -> pl.DataFrame:
    """Intervals that set a new record on their (capability, board) and lane: a score above every earlier-starting
    one (and above the lane's `floor` score, the best before the intervals given, where one is given: what lets
    the records of a later stretch of days extend those of the days before it).

    Only a day's best score can be a record, so the search runs on one row per (group, lane, day) and the record
    holder (alphabetically first on a tie) is looked up afterwards. `sides` has capability, board, lane, start
    (as `dated` moves it), score, model, release, listed. Returns RECORDS_SCHEMA's columns, `listed` the latest
    own start among the intervals of the record's day and score (what tells the incremental derive a record may
    move when intervals listed from a day on change).
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
        .agg(pl.col("model").min(), pl.col("release").sort_by("model").first(), pl.col("listed").max())
        .select(*RECORDS_SCHEMA)
        .cast(RECORDS_SCHEMA)
        .sort(*RECORD_KEYS, "start")
    )


def score_records(dated_scored: pl.DataFrame) -> pl.DataFrame:
    """Every lane's records over the whole history of `dated_scored` (`comparable_scores`, then `dated`)."""
    return records(sided(dated_scored.select(*GROUP, "openness", "start", "score", "model", "release", "listed")))


def extend_records(before: pl.DataFrame, later: pl.DataFrame, since: date) -> pl.DataFrame:
    """The records from day `since` on, given the records `before` it and `later`, every dated interval starting
    on or after `since` (`dated`): a record depends only on earlier starts, never on an interval's end."""
    later = later.filter(pl.col("start") >= since).select(*GROUP, "openness", "start", "score", "model", "release",
                                                          "listed")
    floor = before.group_by(RECORD_KEYS).agg(pl.col("score").max().alias("floor"))
    return records(sided(later), floor)


def months_behind(scored: pl.DataFrame, tolerance: float, releases: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (definition, closed SOTA) with the open model that matched it, if any; `releases` from
    `release_dates` (None: only date-stamped ids are dated by release)."""
    releases = release_dates(pl.DataFrame()) if releases is None else releases
    return months_behind_from_records(score_records(dated(scored, releases)), tolerance)


def months_behind_from_records(found: pl.DataFrame, tolerance: float) -> pl.DataFrame:
    """`months_behind` from every lane's records (`score_records`): the closed SOTAs are the closed lane's
    records, each model counted once, and an open lane's records are the only candidates to match one."""
    sotas = (
        found.filter(pl.col("lane") == SIDES.index(CLOSED))
        .sort(*RECORD_KEYS, "start")
        .unique([*GROUP, "model"], keep="first", maintain_order=True)
        .select(*GROUP, pl.col("model").alias("closed_model"), pl.col("start").alias("closed_date"),
                pl.col("score").alias("closed_score"), pl.col("release").alias("closed_date_release"))
        .with_columns(threshold=pl.col("closed_score") - tolerance * pl.col("closed_score").abs())
        .sort("threshold")
    )
    out = []
    for definition in DEFINITIONS:
        # Open records rise in score and in date, so the first record reaching a threshold is the earliest.
        opens = found.filter(pl.col("lane") == SIDES.index(definition)).select(
            *GROUP, pl.col("model").alias("open_model"), pl.col("start").alias("reached"),
            pl.col("score").alias("open_score"), pl.col("release").alias("reached_release"),
        ).sort("open_score")
        matched = sotas.join_asof(opens, left_on="threshold", right_on="open_score", by=GROUP, strategy="forward",
                                  check_sortedness=False)
        out.append(matched.with_columns(definition=pl.lit(definition)))
    frame = pl.concat(out).with_columns(
        open_date=pl.when(pl.col("reached").is_not_null()).then(pl.max_horizontal("reached", "closed_date")),
        closed_date_basis=_basis("closed_date"),
        # Matched on the closed SOTA's own day (an open model was already there): that day's basis.
        open_date_basis=pl.when(pl.col("reached") > pl.col("closed_date")).then(_basis("reached"))
        .otherwise(pl.when(pl.col("reached").is_not_null()).then(_basis("closed_date"))),
    )
    return frame.select(
        "definition", *GROUP, "closed_model", "closed_date", "closed_score", "open_model", "open_date",
        ((pl.col("open_date") - pl.col("closed_date")).dt.total_days() / DAYS_PER_MONTH).alias("months_behind"),
        "closed_date_basis", "open_date_basis",
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
