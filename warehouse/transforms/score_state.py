"""The score side of the incremental derive: a score change or a new day reads what it touched and what is alive.

A full recompute reads every score interval. The derive after a score change of boards B on day S, or after the
first collection of a new day, needs far less, because each score table is a step function of time or a
figure "as of" the newest day:

- `gap_over_time` rows of B's (capability, board) groups from S on, from B's intervals alive on or after S and
  each group's row in force the day before (`gap.gap_over_time(since=...)`);
- the records behind `months_behind` (`transform_score_record`) from the earliest day D a changed interval
  counts from (S, or the release of a model first scored since S: `months_behind.dated`, with each group's
  models' first start and release kept in `transform_score_model`), from the intervals counting from D or later
  and the best score before (`months_behind.extend_records`); `months_behind` itself from the records;
- what is "as of" the newest day (`gap_by_capability`, `gap_headline`, the reference board, `main_board_top`)
  from the intervals alive on that day (`transform_score_alive`, kept up to date per changed board), with the
  few figures of the whole history they need kept per board category (`transform_score_name`,
  `transform_score_category`: names ever scored, newest lasting start, publish date), per group
  (`transform_score_group`: the compared category, newest start) and per board (`transform_board_fresh`),
  updated from what the change touched;
- the reference quality (`transform_quality`) and `openness_top` from S on when B holds the reference board,
  only the changed models' quality rewritten, and the quality tiers from each model's newest quality
  (`transform_quality_latest`); on a new day, the grid days from the last day on (`grid` samples fixed dates,
  so older rows stay) and the as-of row.

A catalogue that moves a model's release date (`redate`, `update_redated`) moves the model's rows of
`transform_score_model` and the records of its boards within the window its intervals move in, from the
intervals there above the best score before it.

What cannot be extended is reported as `FULL` and the caller recomputes everything: a group's compared
category moved, the reference board moved, the scores now start earlier than the grid of `openness_top`.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from gapwatch.settings import Settings
from warehouse.transforms.families import AS_OF
from warehouse.transforms.gap import gap_over_time, gap_table
from warehouse.transforms.grid import grid
from warehouse.transforms.headline import gap_headline
from warehouse.transforms.inputs import RELEASES_SQL, named_facts
from warehouse.transforms.main_board import GENERAL, TOP_N, openness_of_top, reference_board, top_now, top_on_grid
from warehouse.transforms.months_behind import (
    RECORD_KEYS,
    RECORDS_SCHEMA,
    dated,
    extend_records,
    months_behind_from_records,
    months_behind_summary,
    stamped,
)
from warehouse.transforms.quality import quality_tiers, reference_quality
from warehouse.transforms.score_history import ScoreHistory
from warehouse.transforms.scores import GROUP, comparable_scores, primary_categories
from warehouse.transforms.write import insert, replace

FULL = "full"
ALIVE = "transform_score_alive"
MODELS = "transform_score_model"
LATEST = "transform_quality_latest"
QUALITY_COLUMNS = ["model_id", "openness", "score", "start", "end"]
# Each model's newest quality interval start and its best score then (what `quality.quality_tiers` ranks).
_LATEST = """SELECT model_id, max({'s': "start", 'v': score}).s AS "start", max({'s': "start", 'v': score}).v AS score
FROM transform_quality"""
MODEL_COLUMNS = ["capability", "board", "model", "first", "release"]
REFERENCE_BOARD, FIRST_SCORE_DAY = "reference_board", "first_score_day"

# The score facts of the compared categories (`transform_score_group`: what `comparable_scores` keeps of
# v_capability_scores) matching `where`, with their names' model and openness as `inputs.SCORES_SQL` reads them
# through `v_model_names`, for the names of those facts only. Reading through v_capability_scores instead would
# resolve the capability map over every score interval (a DISTINCT over the whole table) on each read.
_SCORES = named_facts(
    "SELECT s.source, s.board, s.category, g.capability, s.model, s.score, s.valid_from, s.valid_to, "
    "s.publish_date FROM leaderboard_score s "
    "JOIN transform_score_group g ON g.board = s.board AND g.category = s.category "
    "WHERE s.score_unit <> 'rank' AND {where}",
    "f.board, f.category, f.capability, f.model", "f.score, f.valid_from, f.valid_to, f.publish_date")

# What the groups and the freshness of boards need of a board's whole history, per category: the distinct names
# it ever scored (`transform_score_name`) and its newest lasting start, publish date and change
# (`transform_score_category`), kept up to date from the intervals alive since a change. The capability map's
# resolution, filtered to the boards given, adds each category's capability and weight.
_CATEGORY_FIGURES = """
SELECT board, category, count(DISTINCT model) AS models,
       max(CAST(valid_from AS DATE)) FILTER (valid_to IS NULL OR CAST(valid_to AS DATE) > CAST(valid_from AS DATE))
           AS newest,
       max(publish_date) AS published, max(CAST(valid_from AS DATE)) AS changed
FROM {rows} GROUP BY board, category
"""
# The capability map's resolution for the boards given: filtered directly, DuckDB resolves only their categories
# (joined to another table, it resolves every board's first).
_RESOLUTION = "SELECT board, category, capability, weight FROM v_capability_resolution WHERE {boards} "\
              "AND capability <> 'none'"
_RANKED = "score_unit <> 'rank'"  # as v_capability_scores: a rank is no capability evidence

# Each (capability, board) model's first start (what `months_behind.dated` compares a start with), per source
# name, over the compared categories of the boards given: an aggregate, where the intervals themselves would be
# the board's whole history.
_FIRSTS = """
SELECT g.capability, s.board, s.model AS name, coalesce(a.model_id, s.model) AS model,
       min(CAST(s.valid_from AS DATE)) AS first
FROM leaderboard_score s JOIN transform_score_group g ON g.board = s.board AND g.category = s.category
LEFT JOIN model_alias a ON a.source = s.source AND a.source_model = s.model
WHERE s.score_unit <> 'rank' AND {boards}
  AND (s.valid_to IS NULL OR CAST(s.valid_to AS DATE) > CAST(s.valid_from AS DATE))
GROUP BY ALL
"""


def _among(boards: list[str], column: str = "board") -> str:
    return f"{column} IN ({', '.join('?' * len(boards))})"


def _scores(con: duckdb.DuckDBPyConnection, where: str, params: list) -> pl.DataFrame:
    return con.sql(_SCORES.format(where=where), params=params).pl()


def _alive(con: duckdb.DuckDBPyConnection, since: date, cached: date, capabilities: list[str] | None = None,
           board: str | None = None) -> pl.DataFrame:
    """The score intervals (of `board`, of `capabilities`, where given) not ended before day `since`, as
    `_scores` gives them. `transform_score_alive` holds every interval not ended before day `cached` (the
    changed boards' brought up to date): all of them when `since` is that day or later; before it, the score
    table is read."""
    cache = since >= cached
    where, params = ["(s.valid_to IS NULL OR CAST(s.valid_to AS DATE) >= ?)"], [since]
    if capabilities is not None:
        where.append(_among(capabilities, "s.capability" if cache else "g.capability"))
        params += capabilities
    if board is not None:
        where.append("s.board = ?")
        params.append(board)
    if cache:
        return con.sql(f"SELECT * FROM {ALIVE} s WHERE {' AND '.join(where)}", params=params).pl()
    return _scores(con, " AND ".join(where), params)


def _not_ended(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The intervals of `frame` not ended before `as_of`: what the derive may read on that day or later."""
    return frame.filter(pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() >= as_of))


def _groups(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every (capability, board) with its compared category and `g`, as `primary_categories` numbers them."""
    return con.sql("SELECT board, capability, category, newest FROM transform_score_group "
                   "ORDER BY board, capability").pl().with_row_index("g")


def save(con: duckdb.DuckDBPyConnection, history: ScoreHistory, fresh: dict[str, date], releases: pl.DataFrame,
         as_of: date) -> dict[str, str]:
    """After a full recompute: the score state from the whole warehouse (`history`, `fresh` as
    `headline.board_freshness` gives it, `releases` as `months_behind.release_dates`). Returns the state values
    to keep with the fingerprints."""
    replace(con, "transform_score_group", history.groups)
    replace(con, "transform_board_fresh", pl.DataFrame(
        {"board": list(fresh), "newest": list(fresh.values())}, schema={"board": pl.String, "newest": pl.Date}))
    replace(con, "transform_score_record", history.records)
    replace(con, MODELS, history.firsts.join(releases, on="model", how="left").select(
        *GROUP, "model", "first", pl.coalesce(stamped(pl.col("model")), pl.col("release_date")).alias("release")))
    replace(con, ALIVE, _scores(con, "s.valid_to IS NULL OR CAST(s.valid_to AS DATE) >= ?", [as_of]))
    return {FIRST_SCORE_DAY: str(history.first_day)}


def update_boards(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date, boards: list[str], since: date,
                  state: dict[str, str], whole: bool = False) -> str | None:
    """Bring the gap tables' history and the records up to date with a change of `boards` from day `since` on
    (`whole`: names of theirs moved to another model); the as-of figures are `update_as_of`'s. Returns FULL when
    the change cannot be extended, else None."""
    _update_figures(con, boards, since)
    figures = _board_figures(con, boards)
    chosen = primary_categories(figures).drop("g")
    known = con.sql("SELECT capability, board, category FROM transform_score_group WHERE list_contains(?, board)",
                    params=[boards]).pl()
    moved = known.join(chosen, on=["capability", "board"], how="left", suffix="_now").filter(
        pl.col("category_now").is_null() | (pl.col("category_now") != pl.col("category")))
    if moved.height:
        return FULL  # a group compares another category now: its whole series changes
    newest = chosen.join(figures.select("board", "capability", "category", "newest"),
                         on=["board", "capability", "category"])
    con.execute("DELETE FROM transform_score_group WHERE list_contains(?, board)", [boards])
    insert(con, "transform_score_group", newest.filter(pl.col("newest").is_not_null()).select(
        "capability", "board", "category", "newest"))
    fresh = figures.group_by("board").agg(pl.max_horizontal(pl.col("published").max(), pl.col("changed").max())
                                          .alias("newest"))
    con.execute("DELETE FROM transform_board_fresh WHERE list_contains(?, board)", [boards])
    insert(con, "transform_board_fresh", fresh)

    groups = _groups(con)
    at = f"{_among(boards, 's.board')} AND (s.valid_to IS NULL OR s.valid_to >= ?)"
    raw = _scores(con, at, [*boards, since])
    scored = comparable_scores(raw, groups)
    first = state.get(FIRST_SCORE_DAY)
    if scored.height and (first in (None, "None") or scored["start"].min() < date.fromisoformat(first)):
        return FULL  # history now begins earlier: the grids reach further back
    mine = "list_contains(?, board)"
    before = con.sql(f"""SELECT * FROM gap_over_time WHERE {mine} AND date < ? QUALIFY
                         row_number() OVER (PARTITION BY definition, capability, board ORDER BY date DESC) = 1""",
                     params=[boards, since]).pl()
    replace(con, "gap_over_time", gap_over_time(scored, since, before), f"WHERE {mine} AND date >= ?",
            [boards, since])
    _update_models(con, boards, since, raw, scored, whole)
    _update_records(con, boards, since, scored)
    replace(con, ALIVE, _not_ended(raw, as_of), f"WHERE {mine}", [boards])
    _save_months_behind(con, settings)
    return None


def _model_state(con: duckdb.DuckDBPyConnection, where: str, params: list) -> pl.DataFrame:
    """Each (capability, board) model's first start and release (`_FIRSTS` under `where`), as `dated` needs
    them."""
    names = con.sql(_FIRSTS.format(boards=where), params=params).pl()
    firsts = names.group_by(*GROUP, "model").agg(pl.col("first").min())
    return firsts.join(_releases(con, firsts["model"].unique().to_list()), on="model", how="left")


def _with(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, query: str, params: list | None = None
          ) -> pl.DataFrame:
    """`query` run with `frame` registered as `_wanted` (a hash join, where a long list parameter is compared
    with every row)."""
    con.register("_wanted", frame.to_arrow())
    try:
        return con.sql(query, params=params or None).pl()
    finally:
        con.unregister("_wanted")


def _releases(con: duckdb.DuckDBPyConnection, models: list[str]) -> pl.DataFrame:
    """model → release (`months_behind.dated`'s: the date-stamped id, else the catalogues' release date)."""
    wanted = pl.DataFrame({"model": models}, schema={"model": pl.String})
    known = _with(con, wanted, f"SELECT model_id AS model, release_date FROM ({RELEASES_SQL}) r "
                               "WHERE release_date IS NOT NULL AND model_id IN (SELECT model FROM _wanted)")
    return wanted.join(known, on="model", how="left").select(
        "model", pl.coalesce(stamped(pl.col("model")), pl.col("release_date")).alias("release"))


def _stored_models(con: duckdb.DuckDBPyConnection, boards: list[str], models: pl.Series) -> pl.DataFrame:
    """The `transform_score_model` rows of `models` on `boards`."""
    return _with(con, pl.DataFrame({"model": models.unique()}),
                 f"SELECT * FROM {MODELS} WHERE list_contains(?, board) AND model IN (SELECT model FROM _wanted)",
                 [boards])


def _board_figures(con: duckdb.DuckDBPyConnection, boards: list[str]) -> pl.DataFrame:
    """board, capability, category, weight, models, newest, published, changed of every mapped category of
    `boards`, from `transform_score_category` and the capability map."""
    kept = con.sql(f"SELECT * FROM transform_score_category WHERE {_among(boards)}", params=boards).pl()
    resolved = con.sql(_RESOLUTION.format(boards=_among(boards)), params=boards).pl()
    return (kept.join(resolved, on=["board", "category"])
            .group_by("board", "capability", "category")
            .agg(pl.col("weight").max(), pl.col("models", "newest", "published", "changed").first()))


def save_figures(con: duckdb.DuckDBPyConnection) -> None:
    """After a full recompute: every board category's names and figures (`_board_figures`)."""
    con.execute("DELETE FROM transform_score_name")
    con.execute(f"INSERT INTO transform_score_name SELECT DISTINCT board, category, model FROM leaderboard_score "
                f"WHERE {_RANKED}")
    replace(con, "transform_score_category", con.sql(_CATEGORY_FIGURES.format(
        rows=f"leaderboard_score WHERE {_RANKED}")).pl())


def _update_figures(con: duckdb.DuckDBPyConnection, boards: list[str], since: date) -> None:
    """Bring the names and figures of `boards` up to date with a change from day `since` on, from their intervals
    alive since then (one read): names are only ever added (each new one counted), and every other figure is a
    maximum, which only grows unless an interval that began and ended within a day (which no longer counts as
    lasting) was a category's newest; such a category's figures are read again whole."""
    mine = _among(boards)
    rows = con.sql(f"SELECT board, category, model, valid_from, valid_to, publish_date FROM leaderboard_score "
                   f"WHERE {_RANKED} AND {mine} AND (valid_to IS NULL OR CAST(valid_to AS DATE) >= ?)",
                   params=[*boards, since]).pl()
    con.register("_recent", rows.select("board", "category", "model").unique().to_arrow())
    try:
        new = con.sql("SELECT board, category, model FROM _recent "
                      "EXCEPT SELECT board, category, model FROM transform_score_name").pl()
    finally:
        con.unregister("_recent")
    insert(con, "transform_score_name", new)
    start, end = pl.col("valid_from").dt.date(), pl.col("valid_to").dt.date()
    now = rows.group_by("board", "category").agg(
        start.filter(end.is_null() | (end > start)).max().alias("newest"), pl.col("publish_date").max().alias(
            "published"), start.max().alias("changed"))
    added = new.group_by("board", "category").agg(pl.len().alias("models"))
    stored = con.sql(f"SELECT * FROM transform_score_category WHERE {mine}", params=boards).pl()
    dropped = rows.filter(end == start).select("board", "category", start.alias("day"))
    # A dropped interval lowers a category's newest only where it was the newest and no lasting one is as new.
    again = (dropped.join(stored, on=["board", "category"]).filter(pl.col("day") >= pl.col("newest"))
             .join(now.select("board", "category", pl.col("newest").alias("now")), on=["board", "category"],
                   how="left")
             .filter(pl.col("now").is_null() | (pl.col("now") < pl.col("day")))
             .select("board", "category").unique())
    dates = (pl.concat([stored.drop("models"), now.cast(dict(stored.drop("models").schema))])
             .group_by("board", "category").agg(pl.col("newest", "published", "changed").max()))
    if again.height:
        whole = con.sql(_CATEGORY_FIGURES.format(rows=f"leaderboard_score WHERE {_RANKED} AND {mine}"),
                        params=boards).pl().join(again, on=["board", "category"]).drop("models")
        dates = pl.concat([dates.join(again, on=["board", "category"], how="anti"), whole.cast(dict(dates.schema))])
    models = (pl.concat([stored.select("board", "category", "models"), added.cast(
        {"models": stored.schema["models"]})]).group_by("board", "category").agg(pl.col("models").sum()))
    replace(con, "transform_score_category", dates.join(models, on=["board", "category"]), f"WHERE {mine}", boards)


def _update_models(con: duckdb.DuckDBPyConnection, boards: list[str], since: date, raw: pl.DataFrame,
                   scored: pl.DataFrame, whole: bool) -> None:
    """Bring `transform_score_model` up to date for a change of `boards` from day `since` on: `raw` and `scored`
    hold every interval of theirs alive since then. Only the models of intervals starting or ending since then
    can have another first start; a first start only moves earlier, unless an interval that began and ended
    within a day (which `comparable_scores` drops) was the first and no lasting one starts that day: those
    models, and every model of the boards when `whole` (a name moved to another model), are read again from the
    score table."""
    mine = "list_contains(?, board)"
    if whole:
        replace(con, MODELS, _model_state(con, _among(boards, "s.board"), boards), f"WHERE {mine}", [boards])
        return
    moved = scored.filter((pl.col("start") >= since) | pl.col("end").is_not_null()).group_by(*GROUP, "model").agg(
        pl.col("start").min().alias("first"))
    dropped = raw.filter(pl.col("valid_to").is_not_null()
                         & (pl.col("valid_to").dt.date() == pl.col("valid_from").dt.date()))
    gone = dropped.select(*GROUP, pl.coalesce("model_id", "model").alias("model"),
                          pl.col("valid_from").dt.date().alias("day"))
    stored = _stored_models(con, boards, pl.concat([moved["model"], gone["model"]]))
    # A dropped interval moves a first start only where it was the first and no lasting one starts that day.
    lasting = scored.select(*GROUP, "model", pl.col("start").alias("day")).unique()
    again = (gone.join(stored.select(*GROUP, "model", pl.col("first").alias("day")), on=[*GROUP, "model", "day"])
             .join(lasting, on=[*GROUP, "model", "day"], how="anti")["model"].unique().to_list())
    rows = (moved.join(stored.select(*GROUP, "model", pl.col("first").alias("was")), on=[*GROUP, "model"],
                       how="left")
            .select(*GROUP, "model", pl.min_horizontal("first", "was").alias("first"))
            .filter(~pl.col("model").is_in(again)))
    rows = rows.join(_releases(con, rows["model"].unique().to_list()), on="model", how="left")
    if again:  # every name of those models, on these boards
        names = [*dropped["model"].unique().to_list(), *(r[0] for r in con.execute(
            "SELECT source_model FROM model_alias WHERE list_contains(?, model_id)", [again]).fetchall())]
        rows = pl.concat([rows, _model_state(con, f"{_among(boards, 's.board')} AND list_contains(?, s.model)",
                                             [*boards, names]).filter(pl.col("model").is_in(again))])
    con.register("_moved", moved.select(*GROUP, "model").to_arrow())
    try:
        con.execute(f"DELETE FROM {MODELS} m WHERE EXISTS (SELECT 1 FROM _moved o WHERE o.capability = m.capability "
                    "AND o.board = m.board AND o.model = m.model)")
    finally:
        con.unregister("_moved")
    replace(con, MODELS, rows.select(*MODEL_COLUMNS), f"WHERE {mine} AND list_contains(?, model)", [boards, again])


def _update_records(con: duckdb.DuckDBPyConnection, boards: list[str], since: date, scored: pl.DataFrame) -> None:
    """The records of `boards` from the earliest day an interval starting on or after `since` counts from
    (`months_behind.dated`), `scored` holding at least every interval of theirs starting on or after `since`.

    An interval starting before `since` counts from the same day as before (its model's first start and release
    are older than the change or unchanged), so the records before that day stand, but for those of intervals
    listed since `since` (which may have changed). What counts from it or later: the intervals starting then,
    and every interval of a model released then and listed before (a score listed before the release counts
    from the release)."""
    mine = "list_contains(?, board)"
    new = scored.filter(pl.col("start") >= since)
    models = _stored_models(con, boards, new["model"])
    known = models.select("model", pl.col("release").alias("release_date")).unique("model")
    new = dated(new, known, models)
    # A record of an interval listed since `since` may go: its interval may have changed or moved to another model.
    suspect = con.execute(f'SELECT min("start") FROM transform_score_record WHERE {_among(boards)} AND listed >= ?',
                          [*boards, since]).fetchall()[0][0]
    day = min(d for d in (since, new["start"].min() if new.height else None, suspect) if d is not None)
    late = [r[0] for r in con.execute(f"SELECT DISTINCT model FROM {MODELS} WHERE {mine} AND release >= ? "
                                      "AND first < ?", [boards, day, day]).fetchall()]
    if day < since or late:  # the intervals counting from `day` on are not all in `scored`
        wanted = [*late, *(r[0] for r in con.execute(
            "SELECT source_model FROM model_alias WHERE list_contains(?, model_id)", [late]).fetchall())]
        read = f"{_among(boards, 's.board')} AND (CAST(s.valid_from AS DATE) >= ? OR list_contains(?, s.model))"
        scored = comparable_scores(_scores(con, read, [*boards, day, wanted]), _groups(con))
        models = _stored_models(con, boards, scored["model"])
        known = models.select("model", pl.col("release").alias("release_date")).unique("model")
        new = dated(scored, known, models)
    mine = "list_contains(?, board)"
    earlier = con.sql(f'SELECT * FROM transform_score_record WHERE {mine} AND "start" < ?',
                      params=[boards, day]).pl().cast(RECORDS_SCHEMA)
    replace(con, "transform_score_record", extend_records(earlier, new, day), f'WHERE {mine} AND "start" >= ?',
            [boards, day])


def redate(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """After the catalogues' release dates moved: `transform_score_model`'s releases brought up to date (each
    model's release as `_releases` reads it now). Returns the rows whose release moved (capability, board, model,
    first, release: the one their records were computed with, now: the new one), for `update_redated` once the
    score changes of the same derive are applied (which then date their intervals by the new releases)."""
    stored = con.sql(f"SELECT * FROM {MODELS}").pl()
    now = _releases(con, stored["model"].unique().to_list()).rename({"release": "now"})
    moved = stored.join(now, on="model").filter(pl.col("release").ne_missing(pl.col("now")))
    if moved.height:
        con.register("_redated", moved.select("model", "now").unique("model").to_arrow())
        try:
            con.execute(f"UPDATE {MODELS} m SET release = r.now FROM _redated r WHERE m.model = r.model")
        finally:
            con.unregister("_redated")
    return moved


def update_redated(con: duckdb.DuckDBPyConnection, settings: Settings, moved: pl.DataFrame,
                   rescored: list[str]) -> None:
    """The records of the boards where a model's release moved (`redate`'s rows), then `months_behind`.

    `months_behind.dated` moves an interval of a model to its release where the interval is the model's first or
    starts before the release, else keeps its listing day. So an interval whose day moved counts, before and after
    the move, from a day between the earlier and the later of the model's release (else first start) then and
    now: every record before that window stands, and every record after it too (the same intervals start before
    each of its days, the same on it), but for the release its holder is kept with. `rescored` are the boards a
    score change of the same derive extended (`update_boards`, dating by the new releases from its own day on,
    over records before it dated by the old): theirs are recomputed from the window on, to the end."""
    if not moved.height:
        return
    # `first` as the records were computed with: where a score change of this derive moved it, `update_boards`
    # extended the records from that listing on already.
    then, now = pl.coalesce("release", "first"), pl.coalesce("now", "first")
    spans = moved.select("board", pl.min_horizontal(then, now).alias("day"), pl.max_horizontal(then, now).alias(
        "until")).sort("board", "day")
    groups = _groups(con)
    for (board,), rows in spans.group_by("board", maintain_order=True):
        if board in rescored:
            _records_from(con, board, rows["day"].min(), None, groups)
            continue
        # Each window in turn, from the earliest: a window's floor is the best of the records before it, the
        # windows' before it recomputed already. Windows that overlap are one.
        merged: list[list[date]] = []
        for day, until in rows.select("day", "until").iter_rows():
            if merged and day <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], until)
            else:
                merged.append([day, until])
        for day, until in merged:
            _records_from(con, board, day, until, groups)
    con.register("_redated", moved.select("model", "now").unique("model").to_arrow())
    try:
        con.execute("UPDATE transform_score_record r SET release = m.now FROM _redated m WHERE r.model = m.model")
    finally:
        con.unregister("_redated")
    _save_months_behind(con, settings)


def _records_from(con: duckdb.DuckDBPyConnection, board: str, day: date, until: date | None,
                  groups: pl.DataFrame) -> None:
    """The records of `board` from `day` to `until` (None: on), every record outside standing
    (`transform_score_model` up to date), from the intervals counting from a day between them (as
    `_update_records` finds them) that can be a record.

    Only a score above the best before `day` on its lane (the lane's floor) can set a record from `day` on, and
    one at or below it changes no later record (`months_behind.records`), so the intervals at or below the lowest
    floor of their group's lanes are left in the warehouse. A lane with records but none before `day` has no
    floor, and its group is read whole from `day`; a lane with no record has no interval at all (whatever the
    dates, its first would be one)."""
    earlier = con.sql('SELECT * FROM transform_score_record WHERE board = ? AND "start" < ?',
                      params=[board, day]).pl().cast(RECORDS_SCHEMA)
    lanes = con.sql("SELECT DISTINCT capability, board, lane FROM transform_score_record WHERE board = ?",
                    params=[board]).pl()
    floors = (lanes.join(earlier.group_by(RECORD_KEYS).agg(pl.col("score").max().alias("floor")), on=RECORD_KEYS,
                         how="left")
              .group_by(GROUP).agg(pl.col("floor").min(), pl.col("floor").null_count().alias("unfloored"))
              .filter(pl.col("unfloored") == 0).select(*GROUP, "floor"))
    last = until or date.max
    # Intervals listed outside the window may count from a release in it: a model's first (listed after the
    # window too) and those listed before their release.
    late = [r[0] for r in con.execute(f"SELECT DISTINCT model FROM {MODELS} WHERE board = ? "
                                      "AND release BETWEEN ? AND ?", [board, day, last]).fetchall()]
    wanted = [*late, *(r[0] for r in con.execute(
        "SELECT source_model FROM model_alias WHERE list_contains(?, model_id)", [late]).fetchall())]
    con.register("_floors", floors.to_arrow())
    try:
        raw = _scores(con, "s.board = ? AND (CAST(s.valid_from AS DATE) BETWEEN ? AND ? OR list_contains(?, s.model)) "
                           "AND NOT EXISTS (SELECT 1 FROM _floors f WHERE f.capability = g.capability "
                           "AND f.board = s.board AND s.score <= f.floor)", [board, day, last, wanted])
    finally:
        con.unregister("_floors")
    scored = comparable_scores(raw, groups)
    models = _stored_models(con, [board], scored["model"])
    new = dated(scored, models.select("model", pl.col("release").alias("release_date")).unique("model"), models)
    found = extend_records(earlier, new.filter(pl.col("start") <= last), day)
    replace(con, "transform_score_record", found, 'WHERE board = ? AND "start" BETWEEN ? AND ?', [board, day, last])


def _save_months_behind(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """`months_behind` and its summary from the records (`transform_score_record`)."""
    found = con.sql("SELECT * FROM transform_score_record").pl().cast(RECORDS_SCHEMA)
    behind = months_behind_from_records(found, settings.months_behind_tolerance)
    replace(con, "months_behind", behind)
    replace(con, "months_behind_summary", months_behind_summary(behind))


def update_reference(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date, state: dict[str, str],
                     quality_since: date | None, top_since: date | None) -> None:
    """The reference board's quality intervals from `quality_since` on and its top N on the grid days from
    `top_since` on (each skipped when None), from the board's intervals alive since the earlier of the two."""
    board = state[REFERENCE_BOARD]
    since = min(d for d in (quality_since, top_since) if d is not None)
    capability = settings.quality_capability
    scored = comparable_scores(_alive(con, since, _cached(state), [capability], board), _groups(con))
    if quality_since is not None:
        _update_quality(con, reference_quality(
            scored.filter(pl.col("end").is_null() | (pl.col("end") >= quality_since)), capability, board),
            quality_since)
    if top_since is not None:
        days = grid(as_of, date.fromisoformat(state[FIRST_SCORE_DAY]), settings.price_index_grid_days)
        top = top_on_grid(scored, days.filter(pl.col("date") >= top_since), board, capability, TOP_N)
        replace(con, "openness_top", openness_of_top(top), "WHERE date >= ?", [top_since])


def update_as_of(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date, state: dict[str, str],
                 preferences: pl.DataFrame, boards: list[str] | None = None) -> str | None:
    """The figures "as of" the newest day, from the intervals alive then: the headline, the gap table, the
    reference board (FULL when it moved) and its top N now. Returns FULL or None.

    With `boards` (a change of those boards on the day the figures are already as of), only the capabilities
    those boards score (and the general and quality capabilities, which the reference board is chosen by) are
    recomputed: no other capability's figures read anything that changed."""
    groups = _groups(con)
    ours, capabilities = groups, None
    if boards is not None:
        capabilities = sorted({*groups.filter(pl.col("board").is_in(boards))["capability"].to_list(),
                               GENERAL, settings.quality_capability})
        ours = groups.filter(pl.col("capability").is_in(capabilities))
    on_day = (pl.col("valid_from").dt.date() <= as_of) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() > as_of))
    current = _alive(con, as_of, _cached(state), capabilities).filter(on_day)
    scored = comparable_scores(current, groups)
    fresh = dict(con.execute("SELECT board, newest FROM transform_board_fresh").fetchall())
    headline = gap_headline(current, ours, preferences, as_of, settings.headline_max_age_days, fresh)
    mine = pl.lit(True) if boards is None else pl.col("capability").is_in(ours["capability"].unique().to_list())
    kept = con.sql("SELECT * FROM gap_headline").pl().filter(~mine) if boards is not None else None
    if kept is not None:
        headline = pl.concat([kept.select(headline.columns).cast(dict(headline.schema)), headline.filter(mine)])
    board = reference_board(scored, headline, as_of, settings.quality_capability, settings.gap_board_priority,
                            ours)
    if str(board) != state.get(REFERENCE_BOARD, "None"):
        return FULL  # quality, tiers and the top N are read from another board now
    over_time = con.sql("SELECT * FROM gap_over_time").pl().filter(mine)
    where = "" if boards is None else f"WHERE {_among(ours['capability'].unique().to_list(), 'capability')}"
    where_params = [] if boards is None else ours["capability"].unique().to_list()
    replace(con, "gap_headline", headline.filter(mine), where, where_params)
    replace(con, "gap_by_capability", gap_table(scored, over_time, as_of, headline,
                                                ours.select(*GROUP, "newest")).filter(mine), where, where_params)
    step = settings.price_index_grid_days
    days = grid(as_of, None, step)  # the as-of day alone
    replace(con, "main_board_top", top_now(top_on_grid(scored, days, board, settings.quality_capability, TOP_N),
                                            as_of))
    return None


def _cached(state: dict[str, str]) -> date:
    """The as-of day `transform_score_alive` was last brought up to date for every board (the last derive's)."""
    return date.fromisoformat(state[AS_OF])


def _update_quality(con: duckdb.DuckDBPyConnection, quality: pl.DataFrame, since: date) -> None:
    """Replace the reference quality intervals alive since `since` by `quality`, those of the models whose
    intervals changed only, and bring those models' newest quality (`transform_quality_latest`) up to date."""
    alive = '"end" IS NULL OR "end" >= ?'
    columns = ', '.join(f'"{c}"' for c in QUALITY_COLUMNS)
    stored = con.sql(f"SELECT {columns} FROM transform_quality WHERE {alive}", params=[since]).pl()
    quality = quality.select(QUALITY_COLUMNS).cast(dict(stored.schema))
    changed = pl.concat([stored.join(quality, on=QUALITY_COLUMNS, how="anti", nulls_equal=True),
                         quality.join(stored, on=QUALITY_COLUMNS, how="anti", nulls_equal=True)])
    models = changed["model_id"].unique()
    if not models.len():
        return
    wanted = pl.DataFrame({"model_id": models})
    con.register("_changed", wanted.to_arrow())
    try:
        mine = "model_id IN (SELECT model_id FROM _changed)"
        replace(con, "transform_quality", quality.filter(pl.col("model_id").is_in(models.implode())),
                f"WHERE ({alive}) AND {mine}", [since])
        con.execute(f"DELETE FROM {LATEST} WHERE {mine}")
        con.execute(f"INSERT INTO {LATEST} {_LATEST} WHERE {mine} GROUP BY model_id")
    finally:
        con.unregister("_changed")


def save_quality(con: duckdb.DuckDBPyConnection) -> None:
    """After a full recompute: each model's newest reference quality, from `transform_quality`."""
    con.execute(f"DELETE FROM {LATEST}")
    con.execute(f"INSERT INTO {LATEST} {_LATEST} GROUP BY model_id")


def tiers_now(con: duckdb.DuckDBPyConnection, as_of: date) -> pl.DataFrame:
    """The quality tiers on `as_of` from each model's newest reference quality (`transform_quality_latest`: no
    interval starts after the newest collection day)."""
    return quality_tiers(con.sql(f'SELECT model_id, score, "start" FROM {LATEST}').pl(), as_of)
