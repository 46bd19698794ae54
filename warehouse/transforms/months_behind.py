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


def dated(scored: pl.DataFrame, releases: pl.DataFrame) -> pl.DataFrame:
    """Each interval with `start` moved to the model's release where it counts from it, and `release` kept."""
    release = pl.coalesce(stamped(pl.col("model")), pl.col("release_date"))
    first = pl.col("start").min().over("g", "model")
    counts_from_release = (pl.col("start") == first) | (pl.col("start") < pl.col("release"))
    from_release = pl.col("release").is_not_null() & counts_from_release
    return (scored.join(releases, on="model", how="left").with_columns(release=release)
            .with_columns(start=pl.when(from_release).then(pl.col("release")).otherwise(pl.col("start"))))


def _basis(day: str) -> pl.Expr:
    return pl.when(pl.col(day).is_null()).then(None).when(pl.col(day) == pl.col(f"{day}_release")).then(
        pl.lit(RELEASE)).otherwise(pl.lit(LISTING))


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


def months_behind(scored: pl.DataFrame, tolerance: float, releases: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per (definition, closed SOTA) with the open model that matched it, if any; `releases` from
    `release_dates` (None: only date-stamped ids are dated by release)."""
    releases = release_dates(pl.DataFrame()) if releases is None else releases
    scored = dated(scored, releases)
    release_of = scored.unique("model").select("model", "release")
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
    frame = (
        pl.concat(out).join(groups, on="g")
        .join(release_of.rename({"model": "closed_model", "release": "closed_date_release"}), on="closed_model",
              how="left")
        .join(release_of.rename({"model": "open_model", "release": "reached_release"}), on="open_model", how="left")
        .with_columns(
            open_date=pl.when(pl.col("reached").is_not_null()).then(pl.max_horizontal("reached", "closed_date")),
            closed_date_basis=_basis("closed_date"),
            # Matched on the closed SOTA's own day (an open model was already there): that day's basis.
            open_date_basis=pl.when(pl.col("reached") > pl.col("closed_date")).then(_basis("reached"))
            .otherwise(pl.when(pl.col("reached").is_not_null()).then(_basis("closed_date"))),
        )
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
