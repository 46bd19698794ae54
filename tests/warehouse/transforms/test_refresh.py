"""refresh_transforms on a real warehouse (all migrations): reads the views, writes the tables, views expose them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.settings import Settings
from gapwatch.source import Outcome
from warehouse.db import connect, transaction
from warehouse.transforms.refresh import refresh_transforms, transforms_hook

T1, T2, T3 = datetime(2026, 1, 10, 12), datetime(2026, 2, 10, 12), datetime(2026, 3, 1, 12)

CONTRACT = {
    "v_gap_by_capability": ["definition", "capability", "board", "best_open_model", "best_open_score",
                            "best_closed_model", "best_closed_score", "gap_abs", "gap_rel", "change_30d",
                            "change_90d", "change_365d", "as_of"],
    "v_gap_over_time": ["definition", "capability", "board", "date", "best_open_model", "best_open_score",
                        "best_closed_model", "best_closed_score", "gap_abs"],
    "v_months_behind": ["definition", "capability", "board", "closed_model", "closed_date", "closed_score",
                        "open_model", "open_date", "months_behind"],
    "v_months_behind_summary": ["definition", "capability", "mean_months", "median_months", "matched", "unmatched"],
    "v_price_index": ["date", "openness_group", "quality_tier", "index_value", "models"],
    "v_price_moves": ["provider", "model", "source", "tier", "from_date", "to_date", "before_blended",
                      "after_blended", "change_pct"],
    "v_price_frontier": ["date", "model", "quality_score", "blended_price", "on_frontier"],
    "v_gap_headline": ["definition", "capability", "board", "best_open_model", "best_open_score",
                       "best_closed_model", "best_closed_score", "gap_abs", "gap_rel", "as_of", "note"],
    "v_main_board": ["capability", "board", "as_of", "note"],
    "v_main_board_top": ["capability", "board", "date", "rank", "model", "model_id", "openness", "score"],
    "v_months_behind_headline": ["definition", "capability", "board", "mean_months", "median_months", "matched",
                                 "unmatched"],
}


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = connect(tmp_path / "warehouse.duckdb")
    con.execute("INSERT INTO capability_map VALUES ('arena', 'overall', 'general', 1.0, NULL)")
    con.execute("INSERT INTO headline_preference (capability, position, board) VALUES ('general', 1, 'arena')")
    con.executemany(
        "INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, valid_from, valid_to) "
        "VALUES ('arena-src', 'arena', 'overall', ?, ?, 'elo', ?, ?)",
        [("GPT-X", 1300.0, T1, None), ("Llama-Y", 1250.0, T1, T2), ("Llama-Y", 1280.0, T2, None),
         ("Mystery", 1200.0, T1, None)],
    )
    con.executemany("INSERT INTO model (model_id, openness) VALUES (?, ?)",
                    [("gpt-x", "closed"), ("llama-y", "open-weights-restricted")])
    con.executemany(
        "INSERT INTO model_alias VALUES (?, ?, ?, 'exact', 1.0)",
        [("arena-src", "GPT-X", "gpt-x"), ("arena-src", "Llama-Y", "llama-y"),
         ("prices-src", "openai/gpt-x", "gpt-x"), ("prices-src", "meta/llama-y", "llama-y")],
    )
    con.executemany(
        "INSERT INTO price (source, provider, model, tier, input_per_mtok, output_per_mtok, currency, valid_from, "
        "valid_to) VALUES ('prices-src', ?, ?, 'standard', ?, ?, 'USD', ?, ?)",
        [("openai", "openai/gpt-x", 2.0, 8.0, T1, T2), ("openai", "openai/gpt-x", 1.0, 4.0, T2, None),
         ("together", "meta/llama-y", 0.6, 0.6, T1, None), ("groq", "meta/llama-y", 0.4, 0.8, T1, None)],
    )
    con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status) "
                "VALUES ('arena-src', ?, ?, ?, 'ok')", [T3, T3, T3])
    yield con
    con.close()


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        assert refresh_transforms(con, Settings(_env_file=None))


def test_views_have_the_contract_columns(con: duckdb.DuckDBPyConnection) -> None:
    refresh(con)
    for view, columns in CONTRACT.items():
        names = [d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description]
        assert names[: len(columns)] == columns, view


def test_gap_through_the_warehouse_views(con: duckdb.DuckDBPyConnection) -> None:
    refresh(con)
    rows = con.execute(
        "SELECT definition, best_open_model, best_closed_model, gap_abs, change_30d, as_of, is_headline, "
        "unknown_models FROM v_gap_by_capability WHERE capability = 'general' ORDER BY definition"
    ).fetchall()
    # as_of = the latest collection (03-01); 30 days earlier (01-30) Llama-Y stood at 1250: gap 50 → 20.
    assert rows == [
        ("open-source", None, "gpt-x", None, None, date(2026, 3, 1), False, 1),  # no open-source model: no headline
        ("open-weights", "llama-y", "gpt-x", 20.0, -30.0, date(2026, 3, 1), True, 1),
    ]
    headline = con.execute("SELECT definition, board, best_open_model, gap_abs, as_of FROM v_gap_headline "
                           "WHERE capability = 'general' ORDER BY definition").fetchall()
    # as_of of the headline: when the snapshot holding the current scores was observed (Llama-Y's 1280 at T2)
    assert headline == [("open-source", None, None, None, None), ("open-weights", "arena", "llama-y", 20.0, T2)]
    assert con.execute("SELECT capability, board FROM v_main_board").fetchall() == [("general", "arena")]
    # The top N of the main board now: distinct models, best first, the unmatched name under its own name.
    top = con.execute("SELECT board, date, rank, model, model_id, openness, score FROM v_main_board_top "
                      "ORDER BY rank").fetchall()
    assert top == [("arena", date(2026, 3, 1), 1, "gpt-x", "gpt-x", "closed", 1300.0),
                   ("arena", date(2026, 3, 1), 2, "llama-y", "llama-y", "open-weights-restricted", 1280.0),
                   ("arena", date(2026, 3, 1), 3, "Mystery", None, "unknown", 1200.0)]
    stack = con.execute("SELECT openness, models FROM v_openness_top WHERE date = DATE '2026-03-01' "
                        "ORDER BY openness").fetchall()
    assert stack == [("closed", 1), ("open-weights-restricted", 1), ("unknown", 1)]


def test_prices_frontier_and_tco_through_the_warehouse_views(con: duckdb.DuckDBPyConnection) -> None:
    refresh(con)
    moves = con.execute("SELECT model, before_blended, after_blended, change_pct FROM v_price_moves").fetchall()
    assert moves == [("openai/gpt-x", 3.5, 1.75, -50.0)]
    frontier = con.execute("SELECT model, quality_score, blended_price, on_frontier FROM v_price_frontier "
                           "WHERE date = DATE '2026-03-01' ORDER BY blended_price").fetchall()
    assert frontier == [("llama-y", 1280.0, 0.5, True), ("gpt-x", 1300.0, 1.75, True)]
    tco = {r[0]: r[1:] for r in con.execute(
        "SELECT option, model, monthly_cost_low, monthly_cost_high FROM v_tco_scenarios").fetchall()}
    # 1,500 Mtok a month at 3:1: gpt-x 0.75·1 + 0.25·4 = $1.75; llama-y $0.50 (groq) to $0.60 (together).
    assert tco["closed_api"] == ("gpt-x", pytest.approx(2_625.0), pytest.approx(2_625.0))
    assert tco["hosted_open"] == ("llama-y", pytest.approx(750.0), pytest.approx(900.0))
    assert tco["self_hosted"] == ("llama-y", pytest.approx(4_250.0), pytest.approx(4_250.0))
    blended = con.execute("SELECT count(*) FROM v_price_blended WHERE blended_price IS NOT NULL").fetchone()
    assert blended == (4,)


def test_refresh_replaces_rather_than_appends(con: duckdb.DuckDBPyConnection) -> None:
    refresh(con)
    counts = con.execute("SELECT (SELECT count(*) FROM gap_over_time), (SELECT count(*) FROM price_moves)").fetchall()
    refresh(con)
    assert con.execute("SELECT (SELECT count(*) FROM gap_over_time), (SELECT count(*) FROM price_moves)"
                       ).fetchall() == counts


@pytest.mark.parametrize(("status", "written"), [("ok", True), ("unchanged", False), ("failed", False)])
def test_hook_runs_only_after_an_ok_ingest(con: duckdb.DuckDBPyConnection, status: str, written: bool) -> None:
    hook = transforms_hook(Settings(_env_file=None))
    with transaction(con):
        hook(con, None, Outcome("arena-src", status, T3))
    assert (con.execute("SELECT count(*) FROM gap_by_capability").fetchone()[0] > 0) is written


def test_empty_warehouse_writes_nothing(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    with transaction(con):
        assert refresh_transforms(con, Settings(_env_file=None)) is False
    con.close()
