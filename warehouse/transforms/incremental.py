"""Recompute only the transform tables an ingest's changes reach, from the tables as they were.

Each ingest records, in its own transaction, the fact keys its diff touched (`touched.record_touches`, called
by `warehouse.ingest` with the history write) in `transform_touched`; the derive stage (`refresh`) consumes them:

- A price change of keys K on day S rewrites the `price_blended` and `price_moves` rows of K (read from K's
  history only) and the price index and frontier from grid day S on (read from the intervals alive then), and
  the default scenario; the score and gap tables are left alone.
- A score change of boards B from day S extends the score tables from S on and moves their as-of figures
  (`score_state`); the price grid tables follow from S on when B holds the reference board, whole only when a
  model's quality tier moved (a tier rates a model's whole price history).
- A new day (the first collection of a day) adds the grid days it reaches and moves the as-of rows: the grids
  sample fixed dates (`grid`), so nothing older is recomputed.
- A name identity gave another model, openness, maker or modality (`transform_names` keeps the verdicts the
  tables were computed with; they are compared only when a fingerprint of aliases, models, openness evidence
  and non-text models moved)
  counts as a change of its price keys, over their whole history, and of its boards.
- A release date that moved (a fingerprint of the models' release dates, `inputs.RELEASES_SQL`, differs)
  redates the models' score state and recomputes the records behind months behind of the boards those models
  are scored on within the window their intervals move in (`score_state.redate`, `update_redated`).
- Anything else the diffs do not describe is compared as a fingerprint with what the tables were last computed
  from: the capability map, the price roles (warehouse/price_roles.py), the settings and the first price day.
  A difference, or no record at all (a new warehouse, a reparse), recomputes everything, as
  `refresh_transforms` (`gapwatch transforms`) does; so do the few changes `score_state` cannot extend (a group
  compares another category, the reference board moved).
- Any other family declared in `families.FAMILIES` is recomputed whole when one of its inputs changed.

The result equals a full recompute (`tests/warehouse/transforms/test_incremental.py` checks it on random and
real diffs, new days and days with both).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date

import duckdb
import polars as pl

from gapwatch.settings import Settings
from warehouse.price_roles import with_roles
from warehouse.transforms import inputs, score_state
from warehouse.transforms.families import (
    AS_OF,
    CAPABILITY_MAP,
    FAMILIES,
    IDENTITY,
    PRICE,
    QUALITY,
    RELEASE_DATES,
    SCORE,
    SETTINGS,
    Family,
    Frames,
    price_quality_tables,
    price_tables,
)
from warehouse.transforms.grid import grid
from warehouse.transforms.prices import blended, price_index
from warehouse.transforms.score_state import FULL, REFERENCE_BOARD
from warehouse.transforms.touched import PRICE_KEY
from warehouse.transforms.write import replace

log = logging.getLogger(__name__)

# The families `refresh` brings up to date itself, part by part (a moved identity verdict reaches them as touched
# keys and boards); every other family is recomputed whole when one of its inputs changed.
UPDATED_ABOVE = frozenset({"gap", "prices", "price_quality", "top"})

FIRST_PRICE_DAY = "first_price_day"
ALIVE_PRICES = "transform_price_alive"
PRICE_ROLES = "price_roles"

# Price facts matching `{facts}` with their names' model and openness (`inputs.named_facts`).
_NAMES = inputs.named_facts("{facts}", "f.source, f.provider, f.model, f.tier",
                            "f.input_per_mtok, f.output_per_mtok, f.valid_from, f.valid_to, f.modality")

# Every name identity knows (an alias or openness evidence) with its model and openness as `v_model_names`
# gives them; any other name reads as unmatched and unknown.
_IDENTITY = """
WITH own AS (
    SELECT source, source_model, arg_min(openness, evidence_order(rank, openness)) AS openness
    FROM openness_evidence WHERE openness <> 'unknown'
    GROUP BY source, source_model
), named AS (
    SELECT source, source_model FROM model_alias UNION SELECT source, source_model FROM own
)
SELECT n.source, n.source_model, a.model_id,
       coalesce(nullif(m.openness, 'unknown'), own.openness, 'unknown') AS openness, mm.maker,
       mo.modality AS model_modality
FROM named n
LEFT JOIN model_alias a ON a.source = n.source AND a.source_model = n.source_model
LEFT JOIN model m ON m.model_id = a.model_id
LEFT JOIN own ON own.source = n.source AND own.source_model = n.source_model
LEFT JOIN v_model_maker mm ON mm.model_id = a.model_id
LEFT JOIN v_model_modality mo ON mo.model_id = a.model_id
"""

# Names whose model or openness differs from what the tables were computed with.
_MOVED_NAMES = f"""
CREATE OR REPLACE TEMP TABLE _moved_names AS
WITH now AS ({_IDENTITY})
SELECT coalesce(now.source, t.source) AS source, coalesce(now.source_model, t.source_model) AS source_model
FROM now FULL JOIN transform_names t ON t.source = now.source AND t.source_model = now.source_model
WHERE now.model_id IS DISTINCT FROM t.model_id
   OR coalesce(now.openness, 'unknown') IS DISTINCT FROM coalesce(t.openness, 'unknown')
   -- a listing's role and whether it is a token model's price follow the model's maker and modality
   OR now.maker IS DISTINCT FROM t.maker OR now.model_modality IS DISTINCT FROM t.model_modality
"""

_FINGERPRINTS = {
    # Not a reason for a full recompute: when it differs, the names whose verdict moved are looked for.
    IDENTITY: """SELECT concat_ws('/',
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(source, source_model, model_id)), 0) FROM model_alias),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(model_id, openness, organization)), 0) FROM model),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(source, source_model, openness, rank)), 0)
         FROM openness_evidence),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(model_id, modality)), 0) FROM v_model_modality
         WHERE modality <> 'text'))""",
    # The role file and the registry's reseller flags: any change recomputes every listing's role.
    PRICE_ROLES: """SELECT concat_ws('/',
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(maker, position, match, pattern)), 0) FROM price_maker),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(maker, provider)), 0) FROM price_maker_provider),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(provider, role)), 0) FROM price_provider_role),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(pattern, modality)), 0) FROM price_media_pattern),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(alias, provider)), 0) FROM price_provider_alias),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(source)), 0) FROM source_info WHERE reseller))""",
    CAPABILITY_MAP: """SELECT concat_ws('/',
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(board, category, capability, weight)), 0)
         FROM capability_map),
        (SELECT count(*) || ':' || coalesce(bit_xor(hash(capability, position, board, lag_days)), 0)
         FROM headline_preference))""",
    FIRST_PRICE_DAY: "SELECT CAST(min(valid_from)::DATE AS VARCHAR) FROM price",
    RELEASE_DATES: "SELECT count(*) || ':' || coalesce(bit_xor(hash(model_id, release_date)), 0) "
                   f"FROM ({inputs.RELEASES_SQL})",
}


# -- the derive stage ----------------------------------------------------------------------------------------
def fingerprints(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> dict[str, str]:
    found = {name: str(con.execute(sql).fetchall()[0][0]) for name, sql in _FINGERPRINTS.items()}
    found[SETTINGS] = hashlib.sha256(settings.model_dump_json().encode()).hexdigest()
    found[AS_OF] = as_of.isoformat()
    return found


_write = replace


def _save_state(con: duckdb.DuckDBPyConnection, state: dict[str, str]) -> None:
    con.execute("DELETE FROM transform_names")
    con.execute(f"INSERT INTO transform_names {_IDENTITY}")
    con.execute("DELETE FROM transform_state")
    con.executemany("INSERT INTO transform_state VALUES (?, ?)", [[k, v] for k, v in sorted(state.items())])
    con.execute("DELETE FROM transform_touched")


def _save_quality(con: duckdb.DuckDBPyConnection, frames: Frames) -> None:
    _write(con, "transform_quality", frames.quality)
    score_state.save_quality(con)
    _write(con, "transform_quality_tier", frames.tiers)


def full(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date, state: dict[str, str]) -> None:
    """Every family recomputed from the whole warehouse; the state they were computed from saved."""
    frames = Frames(con, settings, as_of)
    for family in FAMILIES:
        for name, frame in family.compute(frames).items():
            _write(con, name, frame)
    _save_quality(con, frames)
    _save_alive_prices(con, frames.prices, as_of)
    score_state.save_figures(con)
    kept = score_state.save(con, frames.history, frames.fresh, frames.releases, as_of) | {
        REFERENCE_BOARD: str(frames.reference_board)}
    _save_state(con, state | kept)


def refresh(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date | None = None) -> str | None:
    """Bring the transform tables up to date with the warehouse, recomputing only what changed (in the caller's
    transaction). Returns what was done ("full", "partial", "nothing"), None when nothing was ever collected."""
    as_of = as_of or inputs.as_of(con)
    if as_of is None:
        return None
    state = fingerprints(con, settings, as_of)
    before = dict(con.execute("SELECT name, value FROM transform_state").fetchall())
    changed = sorted(k for k in state if k not in (IDENTITY, AS_OF, RELEASE_DATES) and before.get(k) != state[k])
    last_day = date.fromisoformat(before[AS_OF]) if AS_OF in before else None
    if (changed or last_day is None or last_day > as_of or IDENTITY not in before or REFERENCE_BOARD not in before
            or RELEASE_DATES not in before):
        log.debug("transforms recomputed in full: %s changed", ", ".join(changed) or "no earlier state")
        full(con, settings, as_of, state)
        return "full"
    new_day = last_day != as_of
    identity_moved = False
    if before[IDENTITY] != state[IDENTITY]:  # aliases, models or evidence changed: which verdicts moved?
        identity_moved = _touch_moved_names(con)
        con.execute("UPDATE transform_state SET value = ? WHERE name = ?", [state[IDENTITY], IDENTITY])
    touched = con.execute(
        "SELECT fact, scope, min(day) FROM transform_touched GROUP BY fact, scope"
    ).fetchall()
    redated = before[RELEASE_DATES] != state[RELEASE_DATES]
    if not touched and not identity_moved and not new_day and not redated:
        return "nothing"
    prices = [(tuple(scope), day) for fact, scope, day in touched if fact == PRICE]
    boards = {scope[0]: day for fact, scope, day in touched if fact == SCORE}
    frames = Frames(con, settings, as_of)
    dirty: set[str] = {IDENTITY} if identity_moved else set()
    # A release moved: the score model state first (what a score change below dates its intervals by), the
    # records of its boards once those changes are in.
    moved = score_state.redate(con) if redated else None
    if boards:
        dirty.add(SCORE)
        if score_state.update_boards(con, settings, as_of, sorted(boards), min(boards.values()), before,
                                     whole=identity_moved) == FULL:
            full(con, settings, as_of, state)
            return "full"
    if moved is not None:
        dirty.add(RELEASE_DATES)
        score_state.update_redated(con, settings, moved, sorted(boards))
        con.execute("UPDATE transform_state SET value = ? WHERE name = ?", [state[RELEASE_DATES], RELEASE_DATES])
    same_day = None if new_day else sorted(boards)  # the other capabilities' as-of figures stand
    if (boards or new_day) and score_state.update_as_of(con, settings, as_of, before, frames.preferences,
                                                        same_day) == FULL:
        full(con, settings, as_of, state)
        return "full"
    quality_since = min(boards.values()) if before[REFERENCE_BOARD] in boards else None
    # A new day moves the as-of row (on the last day, kept only where that is a fixed grid day) and adds the grid
    # days after it; every older row is of a fixed day whose inputs stand.
    added = dict.fromkeys((settings.price_index_grid_days, settings.frontier_grid_days), last_day) if new_day else {}
    top_since = _earliest(quality_since, added.get(settings.price_index_grid_days))
    if top_since is not None and before[REFERENCE_BOARD] != "None":  # no reference board: no top N
        score_state.update_reference(con, settings, as_of, before, quality_since, top_since)
    if quality_since is not None:
        dirty.add(QUALITY)
    if prices:
        dirty.add(PRICE)
        _update_prices(con, settings, [key for key, _ in prices], as_of)
    grid_since = _earliest(*(day for _, day in prices), quality_since, *added.values())
    tiers_moved = False
    if QUALITY in dirty:  # a new day alone starts no quality interval: the tiers stand
        tiers = score_state.tiers_now(con, as_of)
        stored = con.sql("SELECT model_id, quality_tier FROM transform_quality_tier").pl()
        if not _same(stored, tiers):
            _write(con, "transform_quality_tier", tiers)
            tiers_moved = True
    if grid_since is not None:
        _update_price_quality(con, settings, as_of, _first_price_day(state), grid_since, last_day)
    if tiers_moved:  # a tier rates the model's whole price history: every day of the index moves
        _reaggregate_price_index(con, settings, as_of, _first_price_day(state))
    for family in FAMILIES:  # the others: whole, when one of their inputs changed
        if family.name not in UPDATED_ABOVE and family.depends_on & (dirty | ({AS_OF} if new_day else set())):
            _recompute(con, family, frames)
    if new_day:
        con.execute("UPDATE transform_state SET value = ? WHERE name = ?", [state[AS_OF], AS_OF])
    con.execute("DELETE FROM transform_touched")
    return "partial"


def _earliest(*days: date | None) -> date | None:
    found = [d for d in days if d is not None]
    return min(found) if found else None


def _touch_moved_names(con: duckdb.DuckDBPyConnection) -> bool:
    """Names identity gave another model or openness since the last computation: their price keys (over their
    whole history) and boards count as touched, and the recorded verdicts move on."""
    con.execute(_MOVED_NAMES)
    try:
        if not con.execute("SELECT count(*) FROM _moved_names").fetchall()[0][0]:
            return False
        con.execute("""
            INSERT INTO transform_touched
            SELECT 'price', [source, provider, model, tier], min(valid_from)::DATE FROM price
            WHERE (source, model) IN (SELECT (source, source_model) FROM _moved_names)
            GROUP BY source, provider, model, tier
            UNION ALL
            SELECT DISTINCT 'leaderboard_score', [board], min(valid_from)::DATE FROM leaderboard_score
            WHERE (source, model) IN (SELECT (source, source_model) FROM _moved_names)
            GROUP BY board""")
        con.execute("DELETE FROM transform_names "
                    "WHERE (source, source_model) IN (SELECT (source, source_model) FROM _moved_names)")
        con.execute(f"INSERT INTO transform_names SELECT * FROM ({_IDENTITY}) "
                    "WHERE (source, source_model) IN (SELECT (source, source_model) FROM _moved_names)")
        return True
    finally:
        con.execute("DROP TABLE _moved_names")


def _recompute(con: duckdb.DuckDBPyConnection, family: Family, frames: Frames) -> None:
    for name, frame in family.compute(frames).items():
        _write(con, name, frame)


def _first_price_day(state: dict[str, str]) -> date | None:
    value = state.get(FIRST_PRICE_DAY)
    return date.fromisoformat(value) if value not in (None, "None") else None


def _same(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    if a.height != b.height:
        return False
    b = b.select(a.columns)
    return a.sort(a.columns, nulls_last=True).equals(b.sort(a.columns, nulls_last=True))


def _prices_where(con: duckdb.DuckDBPyConnection, where: str, params: list | None = None) -> pl.DataFrame:
    """Price intervals matching `where` (on table `price`), with their names' model and openness."""
    query = with_roles(_NAMES.format(facts=f"SELECT * FROM price WHERE {where}"))
    return con.sql(query, params=params or None).pl()


def _not_ended(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The intervals of `frame` not ended before `as_of`: what the derive may read on that day or later."""
    return frame.filter(pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() >= as_of))


def _save_alive_prices(con: duckdb.DuckDBPyConnection, prices: pl.DataFrame, as_of: date) -> None:
    _write(con, ALIVE_PRICES, _not_ended(prices, as_of))


def _alive_prices(con: duckdb.DuckDBPyConnection, since: date, cached: date) -> pl.DataFrame:
    """The price intervals alive on `since` or later. `transform_price_alive` holds every interval not ended
    before day `cached` (the touched keys' brought up to date): all of them when `since` is that day or later;
    before it, the price table is read."""
    alive = "valid_to IS NULL OR CAST(valid_to AS DATE) > ?"
    if since >= cached:
        return con.sql(f"SELECT * FROM {ALIVE_PRICES} WHERE {alive}", params=[since]).pl()
    return _prices_where(con, alive, [since])


def _update_prices(con: duckdb.DuckDBPyConnection, settings: Settings, keys: list[tuple[str, ...]],
                   as_of: date) -> None:
    """Rewrite the `price_blended` and `price_moves` rows of `keys` from those keys' whole history, and their
    intervals in `transform_price_alive`."""
    frame = pl.DataFrame([list(k) for k in keys], schema=list(PRICE_KEY), orient="row")
    con.register("_touched", frame.to_arrow())
    try:
        # EXISTS on the key columns: a hash join, where a row-constructor IN compares structs row by row.
        match = ("EXISTS (SELECT 1 FROM _touched t WHERE t.source = {0}.source AND t.provider = {0}.provider "
                 "AND t.model = {0}.model AND t.tier = {0}.tier)")
        history = _prices_where(con, match.format("price"))
        priced = blended(history, settings.blend_input_weight, settings.blend_output_weight)
        for name, rows in price_tables(priced).items():
            _write(con, name, rows, "WHERE " + match.format(name))
        _write(con, ALIVE_PRICES, _not_ended(history, as_of), "WHERE " + match.format(ALIVE_PRICES))
    finally:
        con.unregister("_touched")


def _reaggregate_price_index(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date,
                             first: date | None) -> None:
    """`price_index` whole, from the cheapest prices on its grid (`transform_cheapest`) and the tiers now."""
    days = grid(as_of, first, settings.price_index_grid_days)
    cheapest = con.sql("SELECT model_id, openness, date, blended_price FROM transform_cheapest").pl()
    tiers = con.sql("SELECT model_id, quality_tier FROM transform_quality_tier").pl()
    _write(con, "price_index", price_index(cheapest.join(days, on="date").drop("date"), tiers, days))


def _update_price_quality(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date, first: date | None,
                          since: date, cached: date) -> None:
    """The price index and frontier from grid day `since` on, and the default scenario, from the price and
    quality intervals alive on one of those days (`_alive_prices`)."""
    priced = blended(_alive_prices(con, since, cached), settings.blend_input_weight, settings.blend_output_weight)
    quality = con.sql(
        'SELECT model_id, openness, score, start, "end" FROM transform_quality WHERE "end" IS NULL OR "end" > $since',
        params={"since": since},
    ).pl()
    tiers = con.sql("SELECT model_id, quality_tier FROM transform_quality_tier").pl()
    tables = price_quality_tables(priced, quality, tiers, as_of, first, settings, since=since)
    for name in ("price_index", "price_frontier", "transform_cheapest"):
        _write(con, name, tables[name], "WHERE date >= ?", [since])
    _write(con, "tco_scenarios", tables["tco_scenarios"])
