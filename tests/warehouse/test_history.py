"""History with validity intervals, including snapshots that arrive out of order."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from gapwatch.rows import PriceRow
from warehouse import db, history
from warehouse.facts import table_for

SPEC = table_for(PriceRow)
D = [datetime(2025, m, 1) for m in range(1, 13)]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return db.connect(tmp_path / "w.duckdb")


def snap(con, at: datetime, prices: dict[str, float]) -> history.Diff:
    items = [(PriceRow("openai", m, p, p * 4), f"sha-{at:%m}") for m, p in prices.items()]
    diff = history.apply_snapshot(con, SPEC, "src", items, at)
    con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status) "
                "VALUES ('src', ?, ?, ?, 'ok')", [at, at, at])
    return diff


def intervals(con, model: str) -> list[tuple]:
    return con.execute(
        "SELECT input_per_mtok, valid_from, valid_to FROM price WHERE model = ? ORDER BY valid_from", [model]
    ).fetchall()


def test_in_order_changes_close_and_open_intervals(con) -> None:
    assert snap(con, D[0], {"gpt-4o": 5.0, "gpt-4": 30.0}).counts == (2, 0, 0)
    assert snap(con, D[1], {"gpt-4o": 5.0, "gpt-4": 30.0}).counts == (0, 0, 0)
    diff = snap(con, D[2], {"gpt-4o": 2.5})
    assert diff.counts == (0, 1, 1)
    assert diff.changed[0].before["input_per_mtok"] == 5.0 and diff.changed[0].after["input_per_mtok"] == 2.5
    assert intervals(con, "gpt-4o") == [(5.0, D[0], D[2]), (2.5, D[2], None)]
    assert intervals(con, "gpt-4") == [(30.0, D[0], D[2])]


def test_out_of_order_snapshot_splits_the_interval(con) -> None:
    snap(con, D[0], {"m": 5.0})
    snap(con, D[4], {"m": 5.0})  # unchanged observation at May
    snap(con, D[8], {"m": 2.0})
    # A backfilled document from March says the price was 4.0 then.
    diff = snap(con, D[2], {"m": 4.0})
    assert diff.counts == (0, 1, 0)
    assert intervals(con, "m") == [(5.0, D[0], D[2]), (4.0, D[2], D[4]), (5.0, D[4], D[8]), (2.0, D[8], None)]


def test_out_of_order_snapshot_equal_to_next_value_extends_it_backwards(con) -> None:
    snap(con, D[0], {"m": 5.0})
    snap(con, D[6], {"m": 2.0})
    snap(con, D[3], {"m": 2.0})  # the cut was already visible in April
    assert intervals(con, "m") == [(5.0, D[0], D[3]), (2.0, D[3], None)]


def test_backfill_before_all_history(con) -> None:
    snap(con, D[5], {"m": 2.0})
    snap(con, D[1], {"m": 3.0, "old": 1.0})
    assert intervals(con, "m") == [(3.0, D[1], D[5]), (2.0, D[5], None)]
    assert intervals(con, "old") == [(1.0, D[1], D[5])]


def test_replaying_the_same_snapshot_adds_nothing(con) -> None:
    snap(con, D[0], {"m": 5.0})
    snap(con, D[3], {"m": 4.0})
    before = intervals(con, "m")
    replay = [(PriceRow("openai", "m", 5.0, 20.0), "x")]
    assert history.apply_snapshot(con, SPEC, "src", replay, D[0]).counts == (0, 0, 0)
    assert intervals(con, "m") == before


def test_partial_snapshot_never_ends_omitted_facts(con) -> None:
    snap(con, D[0], {"a": 1.0, "b": 2.0})
    diff = history.apply_snapshot(con, SPEC, "src", [(PriceRow("openai", "a", 1.5, 6.0), "x")], D[1],
                                  full_snapshot=False)
    assert diff.counts == (0, 1, 0)
    assert intervals(con, "b") == [(2.0, D[0], None)]


def _partial(con, at: datetime, prices: dict[str, float]) -> history.Diff:
    items = [(PriceRow("openai", m, p, p * 4), f"sha-{at:%m}") for m, p in prices.items()]
    diff = history.apply_snapshot(con, SPEC, "src", items, at, full_snapshot=False)
    con.execute("INSERT INTO collection_run (source, observed_at, started_at, finished_at, status) "
                "VALUES ('src', ?, ?, ?, 'ok')", [at, at, at])
    return diff


def test_a_partial_snapshot_fitted_before_newer_data_holds_until_the_keys_own_next_interval(con) -> None:
    """Own evaluations imported out of order: the newer file said nothing of `b`, so `b` does not end there."""
    _partial(con, D[2], {"a": 1.0})
    _partial(con, D[1], {"b": 2.0})  # fitted: the source's next observation (D[2]) omitted b
    assert intervals(con, "b") == [(2.0, D[1], None)]
    _partial(con, D[3], {"b": 3.0})
    _partial(con, D[0], {"b": 1.0})  # before all: holds until b's own next interval
    assert intervals(con, "b") == [(1.0, D[0], D[1]), (2.0, D[1], D[3]), (3.0, D[3], None)]
    _partial(con, D[2], {"b": 2.5})  # a change between two of b's intervals splits the one in force
    assert intervals(con, "b") == [(1.0, D[0], D[1]), (2.0, D[1], D[2]), (2.5, D[2], D[3]), (3.0, D[3], None)]
    assert intervals(con, "a") == [(1.0, D[2], None)]


def test_a_document_only_ends_facts_of_the_scopes_it_covers(con) -> None:
    from gapwatch.rows import ScoreRow

    spec = table_for(ScoreRow)

    def boards(at: datetime, rows: list[tuple[str, str, float]]) -> history.Diff:
        items = [(ScoreRow(board, "overall", model, score), "sha") for board, model, score in rows]
        return history.apply_snapshot(con, spec, "arena", items, at)

    boards(D[0], [("text", "a", 1300.0), ("text", "b", 1250.0), ("vision", "a", 1200.0)])
    diff = boards(D[1], [("text", "a", 1310.0)])  # a text-only document: vision is out of its scope
    assert diff.counts == (0, 1, 1) and diff.removed[0].key["model"] == "b"
    current = con.execute("SELECT board, model FROM leaderboard_score WHERE valid_to IS NULL ORDER BY 1, 2").fetchall()
    assert current == [("text", "a"), ("vision", "a")]
