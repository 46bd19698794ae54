"""The gap between the best open and the best closed model, per (capability, board), over time and as of a day.

Scores from different boards are not comparable (Elo vs % solved), so every figure is per (capability, board);
the headline board of a (definition, capability) is chosen by `headline.gap_headline`. Gap = best closed score −
best open score: positive while closed models lead. Relative gap = gap / |best closed score|.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from warehouse.transforms.intervals import best_by_lane
from warehouse.transforms.scores import CLOSED, DEFINITIONS, GROUP, SIDES, alive_at, is_unknown, sided

KEYS = ["definition", *GROUP]
STATE = ["best_open_model", "best_open_score", "best_closed_model", "best_closed_score"]
CHANGE_WINDOWS_DAYS = (30, 90, 365)


def gap_over_time(scored: pl.DataFrame, since: date | None = None, before: pl.DataFrame | None = None
                  ) -> pl.DataFrame:
    """Best open vs best closed at each day the state changed, under each definition of open.

    `scored` comes from `comparable_scores`. Each row holds from its date until the next row of its group.

    With `since`, only the rows dated `since` or later: `scored` then needs only the intervals alive on one of
    those days (ending on `since` or later), and `before` the rows in force the day before (each group's last
    row dated before `since`, from this function's earlier output), so that a state unchanged since then is not
    repeated.
    """
    intervals = scored.select("g", "openness", "start", "end", "score", "model")
    if since is not None:
        intervals = intervals.with_columns(pl.max_horizontal("start", pl.lit(since)).alias("start"))
    sides = sided(intervals)
    groups = scored.unique("g").select("g", *GROUP)
    best = best_by_lane(sides, len(SIDES))
    closed = best.filter(pl.col("lane") == SIDES.index(CLOSED)).select(
        "g", "date", pl.col("model").alias("best_closed_model"), pl.col("score").alias("best_closed_score")
    )
    per_definition = [
        best.filter(pl.col("lane") == SIDES.index(d))
        .select("g", "date", pl.col("model").alias("best_open_model"), pl.col("score").alias("best_open_score"))
        .join(closed, on=["g", "date"])
        .with_columns(definition=pl.lit(d))
        for d in DEFINITIONS
    ]
    frame = pl.concat(per_definition).join(groups, on="g").select(*KEYS, "date", *STATE)
    if before is not None:
        frame = pl.concat([before.select(*KEYS, "date", *STATE).cast(dict(frame.schema)), frame])
    frame = frame.sort([*KEYS, "date"])
    changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift(1).over(KEYS)) for c in STATE)
    if since is not None:
        changed = changed & (pl.col("date") >= since)
    return (
        frame.filter(changed)
        .with_columns(gap_abs=pl.col("best_closed_score") - pl.col("best_open_score"))
        .select(*KEYS, "date", *STATE, "gap_abs")
    )


def state_at(over_time: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each group's row in force at the end of `day` (nulls where the group had no data yet)."""
    groups = over_time.select(KEYS).unique().with_columns(at=pl.lit(day))
    return groups.sort("at").join_asof(
        over_time.sort("date"), left_on="at", right_on="date", by=KEYS, strategy="backward", check_sortedness=False
    )


def headline_boards(scored: pl.DataFrame, as_of: date, priority: list[str],
                    groups: pl.DataFrame | None = None) -> pl.DataFrame:
    """One board per capability: the first of `priority` that covers it, else the one scoring most models on
    `as_of` (ties: alphabetical; a board whose models all left still counts, with 0). Returns capability, board.
    `groups` (capability, board), where given, are the candidates; `scored` then needs only the intervals alive
    on `as_of`."""
    rank = {board: i for i, board in enumerate(priority)}
    counts = scored.group_by(GROUP).agg(pl.col("model").filter(alive_at(as_of)).n_unique().alias("models"))
    if groups is not None:
        counts = groups.select(GROUP).unique().join(counts, on=GROUP, how="left").with_columns(
            pl.col("models").fill_null(0))
    return (
        counts
        .with_columns(preferred=pl.col("board").replace_strict(rank, default=len(rank), return_dtype=pl.Int64))
        .sort(["capability", "preferred", "models", "board"], descending=[False, False, True, False])
        .unique("capability", keep="first", maintain_order=True)
        .select(GROUP)
    )


def group_newest(scored: pl.DataFrame) -> pl.DataFrame:
    """Each (capability, board)'s newest interval start: capability, board, newest."""
    return scored.group_by(GROUP).agg(pl.col("start").max().cast(pl.Date).alias("newest"))


def gap_table(scored: pl.DataFrame, over_time: pl.DataFrame, as_of: date, headline: pl.DataFrame,
              newest: pl.DataFrame | None = None) -> pl.DataFrame:
    """The gap per (definition, capability, board) on `as_of`, its change over 30/90/365 days (null where a
    side had no model back then, or the board has no data newer than the window's start), the headline flag (the
    board `headline`, from `gap_headline`, chose for the definition and capability) and the number of scored
    models of unknown openness. With `newest` (from `group_newest`) given, `scored` needs only the intervals
    alive on `as_of`."""
    current = state_at(over_time, as_of).with_columns(
        gap_rel=pl.when(pl.col("best_closed_score") != 0)
        .then(pl.col("gap_abs") / pl.col("best_closed_score").abs())
    )
    # A change is measured only from data inside its window: a board with no new data since the window began
    # has a carried gap, not a flat one (NULL; the app says "no new data").
    newest = group_newest(scored) if newest is None else newest
    current = current.join(newest, on=GROUP, how="left")
    for days in CHANGE_WINDOWS_DAYS:
        since = as_of - timedelta(days=days)
        past = state_at(over_time, since).select(*KEYS, pl.col("gap_abs").alias("past"))
        current = current.join(past, on=KEYS, how="left").with_columns(
            pl.when(pl.col("newest") > since).then(pl.col("gap_abs") - pl.col("past")).alias(f"change_{days}d")
        ).drop("past")
    headline = headline.filter(pl.col("board").is_not_null()).select(
        "definition", *GROUP, is_headline=pl.lit(True))
    unknown = (
        scored.filter(is_unknown() & alive_at(as_of))
        .group_by(GROUP)
        .agg(pl.col("model").n_unique().cast(pl.Int64).alias("unknown_models"))
    )
    return (
        current.join(headline, on=KEYS, how="left")
        .join(unknown, on=GROUP, how="left")
        .select(
            *KEYS, *STATE, "gap_abs", "gap_rel",
            *(f"change_{d}d" for d in CHANGE_WINDOWS_DAYS),
            pl.lit(as_of).alias("as_of"),
            pl.col("is_headline").fill_null(False),
            pl.col("unknown_models").fill_null(0),
        )
        .sort(KEYS)
    )
