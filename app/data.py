"""The app's read side: every figure a page shows comes from one query here, against the published snapshot.

Reads are cached with `st.cache_data` keyed on the snapshot's identity (path, `snapshot_info.version` and the
file's mtime), so a new publish is picked up on the next rerun without restarting the server, while reruns of an
unchanged snapshot cost nothing. The version alone is not enough: a rebuilt warehouse restarts at version 1.

The views of the other parts may be absent from an older or empty snapshot; a read that needs a missing
relation returns None and the page shows its "no data yet" state instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from gapwatch.settings import get_settings
from gapwatch.vocabulary import CAPABILITIES, is_open
from warehouse import schedule_file
from warehouse.db import first
from warehouse.publish import attach_snapshot, open_snapshot
from warehouse.runs import source_status
from warehouse.transforms.main_board import TOP_N as TOP_N  # the pages label the top N with it


@dataclass(frozen=True)
class Snapshot:
    path: str
    mtime_ns: int
    version: int | None
    published_at: datetime | None


def snapshot() -> Snapshot | None:
    """The published snapshot as it is now, or None when nothing has been published yet."""
    path = get_settings().published_file
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    version, published_at = _snapshot_info(str(path), stat.st_mtime_ns)
    return Snapshot(str(path), stat.st_mtime_ns, version, published_at)


@st.cache_data(show_spinner=False, max_entries=16)
def _snapshot_info(path: str, mtime_ns: int) -> tuple[int | None, datetime | None]:
    with open_snapshot(Path(path)) as con:
        if "snapshot_info" not in _names(con):
            return None, None
        row = first(con.execute("SELECT max(version), max(published_at) FROM snapshot_info").fetchall())
    return row[0], row[1]


def _names(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return frozenset(r[0] for r in rows)


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(path: str, version: int | None, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot version, shared by every session of the server: opening one costs
    tens of milliseconds, a query on an open one less. A newer publish is a new key; the replaced connection is
    dropped from the cache (two entries: the one being read and the next) and closes when unreferenced.

    The file is attached to a private in-memory database (`attach_snapshot`) rather than opened with
    `duckdb.connect(path)`: DuckDB reuses an open database of the same path within a process, so a plain connect
    would keep reading the replaced file after a publish, and would refuse the SQL page's own connection (opened
    with another configuration) while this one is open."""
    return attach_snapshot(Path(path))


def _cursor(path: str, version: int | None, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # A cursor per query: DuckDB connections are not for concurrent use, cursors over one database are. A cursor
    # starts in the in-memory catalog, so it is pointed at the snapshot again.
    cursor = _connection(path, version, mtime_ns).cursor()
    cursor.execute("USE snapshot")
    return cursor


@st.cache_data(show_spinner=False, max_entries=16)
def _relations(path: str, version: int | None, mtime_ns: int) -> frozenset[str]:
    with _cursor(path, version, mtime_ns) as con:
        return _names(con)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, version: int | None, mtime_ns: int, sql: str, params: tuple) -> pl.DataFrame:
    with _cursor(path, version, mtime_ns) as con:
        return con.sql(sql, params=list(params)).pl()


def has(snap: Snapshot | None, *names: str) -> bool:
    return snap is not None and set(names) <= _relations(snap.path, snap.version, snap.mtime_ns)


def read(snap: Snapshot | None, sql: str, params: tuple = (), *, needs: tuple[str, ...]) -> pl.DataFrame | None:
    """Run `sql` on the snapshot; None when there is no snapshot or a relation it needs is missing."""
    if not has(snap, *needs):
        return None
    return _query(snap.path, snap.version, snap.mtime_ns, sql, params)


def present(frame: pl.DataFrame | None) -> bool:
    return frame is not None and not frame.is_empty()


# -- Landscape ---------------------------------------------------------------------------------------------------

HEADLINE_COLUMNS = ("definition", "capability", "board", "best_open_model", "best_open_score", "best_closed_model",
                    "best_closed_score", "gap_abs", "gap_rel", "as_of", "note", "data_date", "age_days", "stale",
                    "unknown_model", "gap_if_unknown_open")


def gap_table(snap: Snapshot | None, definition: str) -> pl.DataFrame | None:
    """Every board per capability; `is_headline` marks the one board per capability the seed's table shows."""
    return read(
        snap,
        "SELECT capability, board, best_open_model, best_open_score, best_closed_model, best_closed_score, gap_abs, "
        "gap_rel, change_30d, change_90d, change_365d, as_of, is_headline FROM v_gap_by_capability "
        "WHERE definition = ? ORDER BY list_position(?, capability) NULLS LAST, capability, board",
        (definition, list(CAPABILITIES)),
        needs=("v_gap_by_capability",),
    )


# Before `v_gap_headline` exists in a snapshot, the same rows from the headline boards of v_gap_by_capability:
# one row per capability of the six, a note where no board has a usable score.
_HEADLINE_FALLBACK = (
    "WITH caps AS (SELECT unnest(?::VARCHAR[]) AS capability), "
    "h AS (SELECT * FROM v_gap_by_capability WHERE definition = ? AND is_headline) "
    "SELECT ?::VARCHAR AS definition, caps.capability, h.board, h.best_open_model, h.best_open_score, "
    "h.best_closed_model, h.best_closed_score, h.gap_abs, h.gap_rel, h.as_of, "
    "CASE WHEN h.board IS NULL THEN 'no board with scores for this capability yet' "
    "     WHEN h.best_open_score IS NULL THEN 'no open model scored on this board' "
    "     WHEN h.best_closed_score IS NULL THEN 'no closed model scored on this board' END AS note, "
    "NULL::DATE AS data_date, NULL::INTEGER AS age_days, NULL::BOOLEAN AS stale, NULL::VARCHAR AS unknown_model, "
    "NULL::DOUBLE AS gap_if_unknown_open "
    "FROM caps LEFT JOIN h USING (capability)"
)


def gap_headline(snap: Snapshot | None, definition: str) -> pl.DataFrame | None:
    """The seed's table: one row per capability (all six, in vocabulary order) with its main board, plus the
    90-day change of the gap on that board where the transforms have it."""
    if has(snap, "v_gap_headline"):
        base = f"SELECT {', '.join(HEADLINE_COLUMNS)} FROM v_gap_headline WHERE definition = ?"
        params: tuple = (definition,)
    elif has(snap, "v_gap_by_capability"):
        base, params = _HEADLINE_FALLBACK, (list(CAPABILITIES), definition, definition)
    else:
        return None
    change = "g.change_90d" if has(snap, "v_gap_by_capability") else "NULL::DOUBLE"
    join = ("LEFT JOIN v_gap_by_capability g ON g.definition = h.definition AND g.capability = h.capability "
            "AND g.board = h.board") if has(snap, "v_gap_by_capability") else ""
    return _query(
        snap.path, snap.version, snap.mtime_ns,
        f"SELECT h.*, {change} AS change_90d FROM ({base}) h {join} "
        "ORDER BY list_position(?, h.capability) NULLS LAST, h.capability",
        (*params, list(CAPABILITIES)),
    )


def headline_series(snap: Snapshot | None, definition: str, boards: tuple[tuple[str, str], ...]
                    ) -> pl.DataFrame | None:
    """The gap over time on each capability's headline board, for the Landscape's small charts."""
    if not boards:
        return None
    return read(
        snap,
        "SELECT capability, board, date, gap_abs FROM v_gap_over_time WHERE definition = ? "
        "AND list_contains(?::VARCHAR[], capability || chr(31) || board) ORDER BY capability, date",
        (definition, [f"{c}\x1f{b}" for c, b in boards]),
        needs=("v_gap_over_time",),
    )


def models_tracked(snap: Snapshot | None) -> int | None:
    """Canonical models once identity resolution exists; until then, nothing (names are not models)."""
    frame = read(snap, "SELECT count(*) AS n FROM v_model_openness", needs=("v_model_openness",))
    return int(frame["n"][0]) if frame is not None else None


def top_models(snap: Snapshot | None) -> pl.DataFrame | None:
    """The top TOP_N distinct models of the main board now, best first, with their openness: ranked once by the
    transforms (`v_main_board_top`, warehouse/transforms/main_board.py), the ranking the Licences chart counts."""
    return read(
        snap,
        "SELECT board, rank, model, model_id, score, openness FROM v_main_board_top ORDER BY rank",
        needs=("v_main_board_top",),
    )


def open_share_top(top: pl.DataFrame | None, definition: str) -> float | None:
    if not present(top):
        return None
    counted = top["openness"].map_elements(lambda o: is_open(o, definition), return_dtype=pl.Boolean)
    return float(counted.sum()) / top.height


def model_prices(snap: Snapshot | None) -> pl.DataFrame | None:
    """The price of each matched model, as board-wide figures read it: model_id, price (blended $/1M tokens), since,
    whose price it is (kind `list` or `market`, provider, tier), and its input and output prices. The one place
    that picks it: the price a buyer pays (`v_price_of_model`: the maker's list price, else the cheapest host's
    market price; never a reseller's or a grey market's), standard tier."""
    return read(
        snap,
        "SELECT p.model_id, p.blended_per_mtok AS price, p.kind, p.provider, p.tier, l.since, p.input_per_mtok, "
        "p.output_per_mtok "
        "FROM v_price_of_model p LEFT JOIN (SELECT model_id, tier, provider, max(since) AS since "
        "  FROM v_model_listings GROUP BY ALL) l USING (model_id, tier, provider) "
        "WHERE p.tier = 'standard' AND p.blended_per_mtok IS NOT NULL",
        needs=("v_price_of_model", "v_model_listings"),
    )


def with_side_prices(headline: pl.DataFrame, prices: pl.DataFrame | None) -> pl.DataFrame:
    """`headline` with what each side costs: `open_price` and `closed_price`, the blended price (3 input : 1 output
    tokens, $ per 1M) a buyer pays for the side's best model (`model_prices`), NULL where it has no such price."""
    # One price per model (the view gives one per model and tier); were there two, the cheaper, never a failed page.
    one = prices.sort("price").unique("model_id", keep="first") if prices is not None else None
    ids, values = (one["model_id"], one["price"]) if one is not None else ([], [])
    return headline.with_columns(
        pl.col(f"best_{side}_model").replace_strict(ids, values, default=None, return_dtype=pl.Float64)
        .alias(f"{side}_price") for side in ("open", "closed"))


def cheapest_of_top(snap: Snapshot | None) -> pl.DataFrame | None:
    """Of the top models (`top_models`) with a price (`model_prices`), the cheapest: rank, model, price, since."""
    top, prices = top_models(snap), model_prices(snap)
    if not present(top) or prices is None:
        return None
    return (top.join(prices, on="model_id").sort("price", "rank").head(1)
            .select("rank", "model", "price", "since", "kind", "provider", "tier"))


# What an event's row says of its source, from its declaration (`source_info i`): how it names itself, and
# whether it writes licence texts (its licence events then name a licence, not a model).
_SOURCE_DECLARED = ("coalesce(i.label, c.source) AS source_label, "
                    "coalesce(list_contains(i.fact_tables, 'license_text'), false) AS names_licence")


def changes(snap: Snapshot | None, kinds: tuple[str, ...] = (), limit: int = 200, *, sources: tuple[str, ...] = (),
            since: date | None = None, until: date | None = None) -> pl.DataFrame | None:
    """The newest events first; empty `kinds`/`sources` mean every one; `since`/`until` bound observed_at."""
    return read(
        snap,
        "SELECT c.observed_at, c.kind, c.entity, c.source, c.magnitude, CAST(c.before AS VARCHAR) AS before, "
        "CAST(c.after AS VARCHAR) AS after, c.evidence, c.backfill, c.event_key, "
        # Price and catalogue events name the source's model inside their facts (as warehouse/changes/ writes them).
        "coalesce(c.after ->> 'model', c.before ->> 'model') AS model, "
        f"{_SOURCE_DECLARED} "
        "FROM v_changes c LEFT JOIN source_info i ON i.source = c.source "
        "WHERE (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], c.kind)) "
        "AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], c.source)) "
        "AND (?::DATE IS NULL OR c.observed_at >= ?::DATE) AND (?::DATE IS NULL OR c.observed_at < ?::DATE) "
        "ORDER BY c.observed_at DESC, c.event_key LIMIT ?",
        (list(kinds), list(kinds), list(sources), list(sources), since, since, until, until, limit),
        needs=("v_changes", "source_info"),
    )


def source_labels(snap: Snapshot | None) -> dict[str, str]:
    """Each registered source's own label (its declaration, as `source_info` holds it)."""
    frame = read(snap, "SELECT source, label FROM source_info ORDER BY position", needs=("source_info",))
    return dict(frame.iter_rows()) if frame is not None else {}


def change_sources(snap: Snapshot | None) -> list[str]:
    frame = read(snap, "SELECT DISTINCT source FROM v_changes WHERE source IS NOT NULL ORDER BY source",
                 needs=("v_changes",))
    return frame["source"].to_list() if frame is not None else []


def change_span(snap: Snapshot | None) -> tuple[date, date] | None:
    frame = read(snap, "SELECT min(observed_at)::DATE AS a, max(observed_at)::DATE AS b FROM v_changes",
                 needs=("v_changes",))
    return (frame["a"][0], frame["b"][0]) if present(frame) and frame["a"][0] is not None else None


def change_kinds(snap: Snapshot | None) -> list[str]:
    frame = read(snap, "SELECT DISTINCT kind FROM v_changes ORDER BY kind", needs=("v_changes",))
    return frame["kind"].to_list() if frame is not None else []


def as_of(snap: Snapshot | None) -> date | None:
    """The day the transforms computed the figures for (the latest collection that saw data)."""
    frame = read(snap, "SELECT max(as_of) AS d FROM v_gap_by_capability", needs=("v_gap_by_capability",))
    return frame["d"][0] if present(frame) else None


# -- Gap trends --------------------------------------------------------------------------------------------------

def gap_boards(snap: Snapshot | None, definition: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT DISTINCT capability, board FROM v_gap_over_time WHERE definition = ? ORDER BY capability, board",
        (definition,),
        needs=("v_gap_over_time",),
    )


def gap_over_time(snap: Snapshot | None, definition: str, capability: str, board: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT date, best_open_model, best_open_score, best_closed_model, best_closed_score, gap_abs "
        "FROM v_gap_over_time WHERE definition = ? AND capability = ? AND board = ? ORDER BY date",
        (definition, capability, board),
        needs=("v_gap_over_time",),
    )


def months_behind_summary(snap: Snapshot | None, definition: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT capability, mean_months, median_months, matched, unmatched FROM v_months_behind_summary "
        "WHERE definition = ? ORDER BY list_position(?, capability) NULLS LAST, capability",
        (definition, list(CAPABILITIES)),
        needs=("v_months_behind_summary",),
    )


def months_behind(snap: Snapshot | None, definition: str, capability: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT board, closed_model, closed_date, closed_score, open_model, open_date, months_behind "
        "FROM v_months_behind WHERE definition = ? AND capability = ? ORDER BY closed_date DESC, board",
        (definition, capability),
        needs=("v_months_behind",),
    )


# -- Prices ------------------------------------------------------------------------------------------------------

def price_index(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT date, openness_group, quality_tier, index_value, models FROM v_price_index "
        "ORDER BY quality_tier, openness_group, date",
        needs=("v_price_index",),
    )


def price_moves(snap: Snapshot | None, limit: int = 20) -> pl.DataFrame | None:
    """The biggest cuts, most negative first (a rise is no cut, however few cuts there are), one row per
    (provider, model, tier) and move however many sources saw it (o3's June 2025 cut is one move per tier, not
    one per source), with the tier shown. A move the price guard took as a correction of a wrong price
    (`v_price_jumps`) is not a cut."""
    return read(
        snap,
        "WITH moves AS (SELECT m.* FROM v_price_moves m WHERE m.change_pct < 0 "
        "  AND NOT EXISTS (SELECT 1 FROM v_price_jumps j "
        "  WHERE j.action = 'corrected' AND j.source = m.source AND j.provider = m.provider AND j.model = m.model "
        "  AND j.tier = m.tier AND CAST(j.observed_at AS DATE) = m.to_date)) "
        "SELECT lower(provider) AS provider, any_value(model ORDER BY length(model)) AS model, tier, "
        "min(from_date) AS from_date, min(to_date) AS to_date, any_value(before_blended) AS before_blended, "
        "any_value(after_blended) AS after_blended, any_value(change_pct) AS change_pct, "
        "string_agg(DISTINCT source, ', ' ORDER BY source) AS sources "
        "FROM moves GROUP BY lower(provider), regexp_replace(lower(model), '^.*/', ''), tier, "
        "round(before_blended, 4), round(after_blended, 4) "
        "ORDER BY change_pct, model, tier LIMIT ?",
        (limit,),
        needs=("v_price_moves", "v_price_jumps"),
    )


def frontier_dates(snap: Snapshot | None) -> list[date]:
    frame = read(snap, "SELECT DISTINCT date FROM v_price_frontier ORDER BY date", needs=("v_price_frontier",))
    return frame["date"].to_list() if frame is not None else []


def price_frontier(snap: Snapshot | None, on: date) -> pl.DataFrame | None:
    """The frontier on `on`, each model with its side (`open`, `closed`, `unknown`) for the legend."""
    return read(
        snap,
        "SELECT f.model, f.quality_score, f.blended_price, f.on_frontier, "
        "CASE WHEN o.openness = 'closed' THEN 'closed' WHEN o.openness LIKE 'open-%' THEN 'open' "
        "ELSE 'unknown' END AS side "
        "FROM v_price_frontier f LEFT JOIN v_model_openness o ON o.model_id = f.model WHERE f.date = ? "
        "ORDER BY f.blended_price, f.model",
        (on,),
        needs=("v_price_frontier", "v_model_openness"),
    )


def priced_models(snap: Snapshot | None) -> list[str]:
    frame = read(snap, "SELECT DISTINCT model FROM v_price_history ORDER BY model", needs=("v_price_history",))
    return frame["model"].to_list() if frame is not None else []


def most_repriced_model(snap: Snapshot | None) -> str | None:
    """The model whose standard price changed most often (ties: most recent change, then name)."""
    frame = read(
        snap,
        "SELECT model FROM v_price_history WHERE tier = 'standard' GROUP BY model "
        "ORDER BY count(*) DESC, max(valid_from) DESC, model LIMIT 1",
        needs=("v_price_history",),
    )
    return frame["model"][0] if present(frame) else None


def price_history(snap: Snapshot | None, model: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT source, provider, tier, input_per_mtok, output_per_mtok, cache_read_per_mtok, currency, "
        "valid_from, valid_to FROM v_price_history WHERE model = ? ORDER BY provider, source, tier, valid_from",
        (model,),
        needs=("v_price_history",),
    )


def prices_current(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT source, provider, model, tier, input_per_mtok, output_per_mtok, currency, since "
        "FROM v_prices_current WHERE tier = 'standard' ORDER BY model, provider, source",
        needs=("v_prices_current",),
    )


def tco_scenarios(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT scenario, option, model, monthly_tokens, input_share, monthly_cost_low, monthly_cost_high, "
        "per_mtok_low, providers, crossover_tokens_per_month FROM v_tco_scenarios ORDER BY scenario, option",
        needs=("v_tco_scenarios",),
    )


def tco_prices(snap: Snapshot | None) -> pl.DataFrame | None:
    """Every current standard-tier listing of a matched token model with both sides known, one per model and
    provider (the value most sources agree on), with its role (`v_model_listings`: `maker`, `host`, `reseller`,
    `grey_market`) and the model's list and market price (`v_model_price`) beside it."""
    return read(
        snap,
        "WITH listed AS (SELECT *, count(DISTINCT source) OVER (PARTITION BY model_id, provider, "
        "  round(input_per_mtok, 6), "
        "  round(output_per_mtok, 6)) AS agreeing FROM v_model_listings "
        "  WHERE tier = 'standard' AND input_per_mtok IS NOT NULL AND output_per_mtok IS NOT NULL) "
        "SELECT l.model_id, l.openness, l.provider, l.role, l.role NOT IN ('maker', 'host') AS reseller, l.tier, "
        "l.input_per_mtok, l.output_per_mtok, l.blended_per_mtok AS blended_price "
        "FROM listed l "
        "QUALIFY row_number() OVER (PARTITION BY l.model_id, l.provider ORDER BY l.agreeing DESC, l.since DESC, "
        "  l.source) = 1 "
        "ORDER BY l.model_id, l.provider",
        needs=("v_model_listings",),
    )


# -- Licences ----------------------------------------------------------------------------------------------------

def model_openness(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT model_id, organization, openness, license_id, CAST(evidence AS VARCHAR) AS evidence "
        "FROM v_model_openness ORDER BY model_id",
        needs=("v_model_openness",),
    )


def license_current(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(snap, "SELECT * FROM v_license_current", needs=("v_license_current",))


def openness_of_top_over_time(snap: Snapshot | None) -> pl.DataFrame | None:
    """The openness classes of the top models of the main general board over time (precomputed by the
    transforms, `v_openness_top`: ranking every model at every date is too slow for a page)."""
    return read(
        snap,
        "SELECT board, date, openness, models FROM v_openness_top ORDER BY date, openness",
        needs=("v_openness_top",),
    )


def license_changes(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT c.observed_at, c.entity, c.source, CAST(c.before AS VARCHAR) AS before, "
        f"CAST(c.after AS VARCHAR) AS after, {_SOURCE_DECLARED} "
        "FROM v_changes c LEFT JOIN source_info i ON i.source = c.source "
        "WHERE c.kind = 'license_change' ORDER BY c.observed_at DESC, c.event_key",
        needs=("v_changes", "source_info"),
    )


def license_diffs(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT license_id, from_valid, to_valid, lines_added, lines_removed, diff, from_sha256, to_sha256 "
        "FROM v_license_diffs ORDER BY to_valid DESC, license_id",
        needs=("v_license_diffs",),
    )


def license_text_versions(snap: Snapshot | None, license_id: str) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT version, url, chars, valid_from, valid_to, text_sha256 FROM v_license_text_versions "
        "WHERE license_id = ? ORDER BY version",
        (license_id,),
        needs=("v_license_text_versions",),
    )


# -- Sources -----------------------------------------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=16)
def _source_health(path: str, version: int | None, mtime_ns: int, schedule_mtime_ns: int) -> pl.DataFrame:
    with _cursor(path, version, mtime_ns) as con:
        rows = source_status(con, schedule=schedule_file.newer_than_snapshot(con, Path(path)))
    return pl.DataFrame(
        [
            {"source": s.source, "kind": s.kind, "last_success": s.last_success, "last_run": s.last_run,
             "last_status": s.last_status, "failures_in_a_row": s.failure_streak, "rows": s.rows,
             "next_run": s.next_run, "last_error": s.last_error, "retired": s.retired,
             "newest_data": s.newest_data, "stale": s.stale, "held_back": s.held_back}
            for s in rows
        ],
        schema={"source": pl.Utf8, "kind": pl.Utf8, "last_success": pl.Datetime, "last_run": pl.Datetime,
                "last_status": pl.Utf8, "failures_in_a_row": pl.Int64, "rows": pl.Int64, "next_run": pl.Datetime,
                "last_error": pl.Utf8, "retired": pl.Utf8, "newest_data": pl.Date, "stale": pl.Boolean,
                "held_back": pl.Utf8},
    )


def source_health(snap: Snapshot | None) -> pl.DataFrame | None:
    if not has(snap, "collection_run", "source_schedule"):
        return None
    try:  # the service's schedule file moves every run, the snapshot only when data or health changed
        schedule_mtime = schedule_file.path_for(Path(snap.path)).stat().st_mtime_ns
    except OSError:
        schedule_mtime = 0
    return _source_health(snap.path, snap.version, snap.mtime_ns, schedule_mtime)


def names_seen(snap: Snapshot | None) -> int | None:
    frame = read(snap, "SELECT count(*) AS n FROM v_model_names", needs=("v_model_names",))
    return int(frame["n"][0]) if frame is not None else None


def unmatched_names(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(snap, "SELECT * FROM v_unmatched_names", needs=("v_unmatched_names",))


# -- SQL ---------------------------------------------------------------------------------------------------------

def documented_views(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT t.table_name AS view, string_agg(c.column_name, ', ' ORDER BY c.ordinal_position) AS columns "
        "FROM information_schema.tables t JOIN information_schema.columns c USING (table_schema, table_name) "
        "WHERE t.table_schema = 'main' AND t.table_type = 'VIEW' AND t.table_name LIKE 'v\\_%' ESCAPE '\\' "
        "GROUP BY t.table_name ORDER BY t.table_name",
        needs=(),
    )


# -- Your evaluations --------------------------------------------------------------------------------------------

def own_gap(snap: Snapshot | None) -> pl.DataFrame | None:
    """`v_own_gap` (one row per own board and category), with the capability the user's map puts it on."""
    return read(
        snap,
        "SELECT g.*, (SELECT string_agg(DISTINCT r.capability, ', ') FROM v_capability_scores r "
        "             WHERE r.source = 'own_evals' AND r.board = g.board AND r.category = g.category "
        "             AND r.valid_to IS NULL AND r.capability <> 'none') AS capability "
        "FROM v_own_gap g ORDER BY g.board, g.category",
        needs=("v_own_gap", "v_capability_scores"),
    )


def own_changes(snap: Snapshot | None) -> pl.DataFrame | None:
    """Each own score the newest import of its board brought: the score before (NULL: the model is new there)."""
    return read(
        snap,
        "WITH latest AS (SELECT board, max(valid_from) AS at FROM leaderboard_score WHERE source = 'own_evals' "
        "                GROUP BY board) "
        "SELECT s.board, s.category, s.model, p.score AS before, s.score AS after, s.valid_from AS imported_run "
        "FROM leaderboard_score s JOIN latest l ON l.board = s.board AND s.valid_from = l.at "
        "LEFT JOIN leaderboard_score p ON p.source = s.source AND p.board = s.board AND p.category = s.category "
        "     AND p.model = s.model AND p.valid_to = s.valid_from "
        "WHERE s.source = 'own_evals' ORDER BY s.board, s.category, s.model",
        needs=("leaderboard_score",),
    )
