"""The whole score history as a full derive needs it, read and reduced a bounded chunk of groups at a time.

Every figure a full derive computes from the whole score history is per (capability, board) group: the gap
over time (`gap.gap_over_time`), the records behind months behind (`months_behind.score_records`), each model's
first start, each group's newest start; the rest reads only the intervals alive on the as-of day (the headline,
the gap table, the reference board) or one group (the reference quality and the top N). So the history is read
from the warehouse a few groups at a time (up to `CHUNK_ROWS` score rows, a larger group alone), each chunk
reduced to those results and dropped before the next is read: a derive holds the largest chunk, not every
interval (1.9M at 20,000 models over five years, about 1 GiB as polars frames with their comparable form).

What the choice of a group's compared category and the freshness of a board read of every mapped category is
an aggregate (`summary`; `inputs.score_summary` computes the same in the warehouse), read before the chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from warehouse.transforms import gap
from warehouse.transforms.months_behind import RECORD_KEYS, dated, score_records
from warehouse.transforms.scores import GROUP, alive_at, comparable_scores

CHUNK_ROWS = 250_000
KEYS = ["board", "capability", "category"]  # a group and its compared category, as `primary_categories` gives it
# The score facts alive at the end of the as-of day, as `headline.gap_headline` reads them.
CURRENT = ["capability", "board", "category", "model", "model_id", "openness", "score", "valid_from", "valid_to"]


@dataclass(frozen=True)
class ScoreHistory:
    """The per-group results of the whole score history, and what is alive on the as-of day."""

    over_time: pl.DataFrame  # gap_over_time
    records: pl.DataFrame  # score_records of the dated intervals
    firsts: pl.DataFrame  # capability, board, model, first: each model's first start on the group
    groups: pl.DataFrame  # capability, board, category, newest: the groups with a comparable interval
    current: pl.DataFrame  # the facts of the compared categories alive at the end of the as-of day (CURRENT)
    alive: pl.DataFrame  # comparable intervals alive on the as-of day
    first_day: date | None  # the earliest comparable interval's start


def summary(scores: pl.DataFrame) -> pl.DataFrame:
    """Per mapped (board, capability, category) of score facts (`inputs.SCORES_SQL`): the highest map weight, the
    distinct names (`models`), the rows, the newest publish date and `valid_from`: what `primary_categories` and
    `headline.board_freshness` read of the whole history."""
    published = pl.col("publish_date") if "publish_date" in scores.columns else pl.lit(None, pl.Date)
    return scores.filter(pl.col("capability").is_not_null()).group_by(KEYS).agg(
        pl.col("weight").max(), pl.col("model").n_unique().alias("models"), pl.len().alias("rows"),
        published.max().alias("publish_date"), pl.col("valid_from").max())


def chunks(primary: pl.DataFrame, summary: pl.DataFrame, rows: int = CHUNK_ROWS) -> list[pl.DataFrame]:
    """The groups of `primary` (`primary_categories`) in chunks of at most `rows` score rows (by `summary`), a
    larger group alone; always one chunk at least, so that an empty history still yields typed frames."""
    sized = primary.join(summary.select(*KEYS, "rows"), on=KEYS, how="left").sort("g")
    out: list[pl.DataFrame] = []
    start, total = 0, 0
    for i, n in enumerate(sized["rows"].fill_null(0).to_list()):
        if i > start and total + n > rows:
            out.append(sized.slice(start, i - start))
            start, total = i, 0
        total += n
    out.append(sized.slice(start))
    return [chunk.drop("rows") for chunk in out]


def with_own_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its strings in buffers of its own. A string column filtered, joined or gathered from another
    refers to that column's buffers (polars' string views): a chunk's few results would keep the whole chunk's
    names alive, and every chunk's with them."""
    return frame.with_columns(pl.concat_str(pl.col(name), pl.lit("")).alias(name)
                              for name, dtype in frame.schema.items() if dtype == pl.String)


def _reduced(read: Callable[[pl.DataFrame], pl.DataFrame], chunk: pl.DataFrame, primary: pl.DataFrame,
             releases: pl.DataFrame, as_of: date) -> dict[str, pl.DataFrame]:
    """One chunk's results; its facts are dropped as soon as their comparable form is made."""
    raw = read(chunk)
    on_day = (pl.col("valid_from").dt.date() <= as_of) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() > as_of))
    current = raw.filter(on_day).select(CURRENT)
    scored = comparable_scores(raw, primary)
    del raw
    return {
        "current": current,
        "over_time": gap.gap_over_time(scored),
        "records": score_records(dated(scored, releases)),
        "firsts": scored.group_by(*GROUP, "model").agg(pl.col("start").min().alias("first")),
        "groups": scored.group_by(*GROUP, "category").agg(pl.col("start").max().alias("newest")),
        "alive": scored.filter(alive_at(as_of)),
    }


def reduce(read: Callable[[pl.DataFrame], pl.DataFrame], primary: pl.DataFrame, summary: pl.DataFrame,
           releases: pl.DataFrame, as_of: date) -> ScoreHistory:
    """Read the score facts of each chunk of groups (`read`: the facts of the (board, capability, category) rows
    it is given, as `inputs.SCORES_SQL` reads them) and reduce them to a `ScoreHistory`. `releases` is
    `months_behind.release_dates` of the whole history."""
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in ("over_time", "records", "firsts", "groups",
                                                                  "current", "alive")}
    for chunk in chunks(primary, summary):
        for name, frame in _reduced(read, chunk, primary, releases, as_of).items():
            parts[name].append(with_own_strings(frame))
    # Relaxed: a chunk whose intervals all began and ended within a day yields untyped (null) columns.
    frames = {name: pl.concat(found, how="vertical_relaxed") for name, found in parts.items()}
    return ScoreHistory(
        over_time=frames["over_time"].sort([*gap.KEYS, "date"]),
        records=frames["records"].sort(*RECORD_KEYS, "start"),
        firsts=frames["firsts"], groups=frames["groups"], current=frames["current"], alive=frames["alive"],
        first_day=frames["firsts"]["first"].min(),
    )
