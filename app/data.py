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

from collectors import registry
from gapwatch.settings import get_settings
from gapwatch.vocabulary import CAPABILITIES, is_open
from warehouse.publish import open_snapshot
from warehouse.runs import source_status

TOP_N = 10


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
        row = con.execute("SELECT max(version), max(published_at) FROM snapshot_info").fetchone()
    return row[0], row[1]


def _names(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return frozenset(r[0] for r in rows)


@st.cache_data(show_spinner=False, max_entries=16)
def _relations(path: str, version: int | None, mtime_ns: int) -> frozenset[str]:
    with open_snapshot(Path(path)) as con:
        return _names(con)


@st.cache_data(show_spinner=False, max_entries=512)
def _query(path: str, version: int | None, mtime_ns: int, sql: str, params: tuple) -> pl.DataFrame:
    with open_snapshot(Path(path)) as con:
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


def models_tracked(snap: Snapshot | None) -> int | None:
    """Canonical models once identity resolution exists; until then, nothing (names are not models)."""
    frame = read(snap, "SELECT count(*) AS n FROM v_model_openness", needs=("v_model_openness",))
    return int(frame["n"][0]) if frame is not None else None


# The capability's headline board under open-weights (for general: v_main_board): every board-wide figure (the
# open share and openness mix of the top models, the frontier's quality) reads the board the gap table reads.
MAIN_BOARD_SQL = ("SELECT board FROM v_gap_headline WHERE capability = ? AND definition = 'open-weights' "
                  "AND board IS NOT NULL")


def top_models(snap: Snapshot | None, capability: str = "general") -> pl.DataFrame | None:
    """The current top models of the capability's main board, with their openness (contract: via v_model_names)."""
    return read(
        snap,
        "WITH cur AS (SELECT s.board, s.model, s.score, s.source FROM v_capability_scores s "
        "  WHERE s.capability = ? AND s.valid_to IS NULL), "
        f"main_board AS ({MAIN_BOARD_SQL}) "
        "SELECT cur.board, cur.model, cur.score, coalesce(n.openness, 'unknown') AS openness "
        "FROM cur JOIN main_board USING (board) "
        "LEFT JOIN v_model_names n ON n.source = cur.source AND n.source_model = cur.model "
        "ORDER BY cur.score DESC, cur.model LIMIT ?",
        (capability, capability, TOP_N),
        needs=("v_capability_scores", "v_model_names", "v_gap_headline"),
    )


def open_share_top(top: pl.DataFrame | None, definition: str) -> float | None:
    if not present(top):
        return None
    counted = top["openness"].map_elements(lambda o: is_open(o, definition), return_dtype=pl.Boolean)
    return float(counted.sum()) / top.height


def cheapest_at_frontier(snap: Snapshot | None) -> pl.DataFrame | None:
    """Of the TOP_N highest-quality models on the latest frontier date, the cheapest (blended $/1M tokens)."""
    return read(
        snap,
        "WITH latest AS (SELECT * FROM v_price_frontier WHERE date = (SELECT max(date) FROM v_price_frontier)), "
        "top AS (SELECT * FROM latest ORDER BY quality_score DESC, model LIMIT ?) "
        "SELECT date, model, quality_score, blended_price FROM top ORDER BY blended_price, model LIMIT 1",
        (TOP_N,),
        needs=("v_price_frontier",),
    )


def changes(snap: Snapshot | None, kinds: tuple[str, ...] = (), limit: int = 200) -> pl.DataFrame | None:
    """The newest events first; `kinds` empty means every kind."""
    return read(
        snap,
        "SELECT observed_at, kind, entity, source, magnitude, CAST(before AS VARCHAR) AS before, "
        "CAST(after AS VARCHAR) AS after, evidence, backfill, event_key, "
        # Price and catalogue events name the source's model inside their facts (as warehouse/changes/ writes them).
        "coalesce(after ->> 'model', before ->> 'model') AS model "
        "FROM v_changes WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], kind) "
        "ORDER BY observed_at DESC, event_key LIMIT ?",
        (list(kinds), list(kinds), limit),
        needs=("v_changes",),
    )


def change_kinds(snap: Snapshot | None) -> list[str]:
    frame = read(snap, "SELECT DISTINCT kind FROM v_changes ORDER BY kind", needs=("v_changes",))
    return frame["kind"].to_list() if frame is not None else []


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
    """The biggest cuts first (most negative change)."""
    return read(
        snap,
        "SELECT provider, model, source, tier, from_date, to_date, before_blended, after_blended, change_pct "
        "FROM v_price_moves ORDER BY change_pct, model LIMIT ?",
        (limit,),
        needs=("v_price_moves",),
    )


def frontier_dates(snap: Snapshot | None) -> list[date]:
    frame = read(snap, "SELECT DISTINCT date FROM v_price_frontier ORDER BY date", needs=("v_price_frontier",))
    return frame["date"].to_list() if frame is not None else []


def price_frontier(snap: Snapshot | None, on: date) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT model, quality_score, blended_price, on_frontier FROM v_price_frontier WHERE date = ? "
        "ORDER BY blended_price, model",
        (on,),
        needs=("v_price_frontier",),
    )


def priced_models(snap: Snapshot | None) -> list[str]:
    frame = read(snap, "SELECT DISTINCT model FROM v_price_history ORDER BY model", needs=("v_price_history",))
    return frame["model"].to_list() if frame is not None else []


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
    """Current standard prices of matched models with both sides known, the cheapest listing per provider
    (the same selection as the transforms' default scenario, `tco_default.current_prices`)."""
    return read(
        snap,
        "SELECT model_id, openness, provider, input_per_mtok, output_per_mtok, blended_price FROM v_price_blended "
        "WHERE valid_to IS NULL AND tier = 'standard' AND model_id IS NOT NULL AND input_per_mtok IS NOT NULL "
        "AND output_per_mtok IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY model_id, provider ORDER BY blended_price, source) = 1 "
        "ORDER BY model_id, provider",
        needs=("v_price_blended",),
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


def openness_of_top_over_time(snap: Snapshot | None, capability: str = "general") -> pl.DataFrame | None:
    """At each date a standing changed on the capability's main board, the openness classes of the TOP_N.

    The class is each model's current one (v_model_names): a licence change re-labels its past too.
    """
    return read(
        snap,
        "WITH s AS (SELECT * FROM v_capability_scores WHERE capability = ?), "
        f"main_board AS ({MAIN_BOARD_SQL}), "
        "dates AS (SELECT DISTINCT valid_from AS at FROM s JOIN main_board USING (board)), "
        "ranked AS (SELECT d.at, s.source, s.model, row_number() OVER (PARTITION BY d.at ORDER BY s.score DESC, "
        "  s.model) AS pos FROM dates d JOIN s ON s.valid_from <= d.at AND (s.valid_to IS NULL OR s.valid_to > d.at) "
        "  JOIN main_board USING (board)) "
        "SELECT r.at AS date, coalesce(n.openness, 'unknown') AS openness, count(*) AS models FROM ranked r "
        "LEFT JOIN v_model_names n ON n.source = r.source AND n.source_model = r.model WHERE r.pos <= ? "
        "GROUP BY ALL ORDER BY date, openness",
        (capability, capability, TOP_N),
        needs=("v_capability_scores", "v_model_names", "v_gap_headline"),
    )


def license_changes(snap: Snapshot | None) -> pl.DataFrame | None:
    return read(
        snap,
        "SELECT observed_at, entity, source, CAST(before AS VARCHAR) AS before, CAST(after AS VARCHAR) AS after "
        "FROM v_changes WHERE kind = 'license_change' ORDER BY observed_at DESC, event_key",
        needs=("v_changes",),
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
def _source_health(path: str, version: int | None, mtime_ns: int) -> pl.DataFrame:
    with open_snapshot(Path(path)) as con:
        rows = source_status(con, registry.SOURCES)
    return pl.DataFrame(
        [
            {"source": s.source, "kind": s.kind, "last_success": s.last_success, "last_run": s.last_run,
             "last_status": s.last_status, "failures_in_a_row": s.failure_streak, "rows": s.rows,
             "next_run": s.next_run, "last_error": s.last_error, "retired": s.retired,
             "newest_data": s.newest_data, "stale": s.stale}
            for s in rows
        ],
        schema={"source": pl.Utf8, "kind": pl.Utf8, "last_success": pl.Datetime, "last_run": pl.Datetime,
                "last_status": pl.Utf8, "failures_in_a_row": pl.Int64, "rows": pl.Int64, "next_run": pl.Datetime,
                "last_error": pl.Utf8, "retired": pl.Utf8, "newest_data": pl.Date, "stale": pl.Boolean},
    )


def source_health(snap: Snapshot | None) -> pl.DataFrame | None:
    if not has(snap, "collection_run", "source_schedule"):
        return None
    return _source_health(snap.path, snap.version, snap.mtime_ns)


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
