"""The main board and its top N: the rule, the reference board, and one ranking for the as-of day and the grid."""

from __future__ import annotations

from datetime import date

import polars as pl

from tests.warehouse.transforms.frames import scores
from warehouse.transforms.grid import grid
from warehouse.transforms.headline import COLUMNS, gap_headline
from warehouse.transforms.main_board import (
    main_board,
    openness_of_top,
    reference_board,
    top_now,
    top_on_grid,
)
from warehouse.transforms.scores import comparable_scores


def scored(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [(*r[:4], r[3], *r[4:]) for r in rows], orient="row",
        schema={"g": pl.Int64, "capability": pl.String, "board": pl.String, "model": pl.String,
                "model_id": pl.String, "openness": pl.String, "score": pl.Float64, "start": pl.Date, "end": pl.Date},
    )


def headline(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    """gap_headline rows of (definition, capability, board)."""
    return pl.DataFrame([{"definition": d, "capability": c, "board": b, "note": ""} for d, c, b in rows],
                        schema={k: COLUMNS[k] for k in ("definition", "capability", "board", "note")})


def test_the_main_board_is_the_headline_board_under_open_weights() -> None:
    h = headline(("open-source", "general", "livebench"), ("open-weights", "general", "arena"),
                 ("open-weights", "coding", "swebench"), ("open-weights", "math", None))
    assert main_board(h) == "arena"
    assert main_board(h, "coding") == "swebench"
    assert main_board(h, "math") is None and main_board(headline()) is None


def test_the_reference_board_is_the_main_board_then_the_configured_then_the_largest() -> None:
    facts = scored([
        (0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 1), None),
        (1, "general", "big", "b", "closed", 90.0, date(2025, 1, 1), None),
        (1, "general", "big", "c", "closed", 80.0, date(2025, 1, 1), None),
        (2, "general", "set", "d", "closed", 70.0, date(2025, 1, 1), None),
    ])
    main = headline(("open-weights", "general", "arena"))
    day = date(2025, 1, 2)
    assert reference_board(facts, main, day, "general", ["set"]) == "arena"
    assert reference_board(facts, headline(), day, "general", ["set"]) == "set"
    assert reference_board(facts, headline(), day, "general", []) == "big"
    # No board scores coding: nothing rates it.
    assert reference_board(facts, main, day, "coding", []) is None


def test_top_two_per_day_by_class_on_the_board() -> None:
    facts = scored([
        (0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 5), None),
        (0, "general", "arena", "b", "open-weights-restricted", 1250.0, date(2025, 1, 5), date(2025, 1, 19)),
        (0, "general", "arena", "c", "open-source", 1200.0, date(2025, 1, 5), None),
        # b returns later with a higher score; d appears below the top two
        (0, "general", "arena", "b", "open-weights-restricted", 1350.0, date(2025, 1, 19), None),
        (0, "general", "arena", "d", "closed", 1100.0, date(2025, 1, 14), None),
        # another board of the capability is not ranked
        (1, "general", "small", "e", "closed", 9999.0, date(2025, 1, 5), None),
    ])
    days = grid(date(2025, 1, 26), date(2025, 1, 5), 7)  # Sundays: 26th, 19th, 12th, 5th
    top = top_on_grid(facts, days, "arena", "general", 2)
    out = openness_of_top(top)
    got = {(d.isoformat(), o): n for d, o, n in out.select("date", "openness", "models").iter_rows()}
    assert set(out["board"]) == {"arena"}
    assert got == {
        ("2025-01-05", "closed"): 1, ("2025-01-05", "open-weights-restricted"): 1,
        ("2025-01-12", "closed"): 1, ("2025-01-12", "open-weights-restricted"): 1,
        # on the 19th b's first interval has ended and its second began: b (1350) and a (1300)
        ("2025-01-19", "closed"): 1, ("2025-01-19", "open-weights-restricted"): 1,
        ("2025-01-26", "closed"): 1, ("2025-01-26", "open-weights-restricted"): 1,
    }
    now = top_now(top, date(2025, 1, 26))
    assert now.select("rank", "model", "score").rows() == [(1, "b", 1350.0), (2, "a", 1300.0)]


def test_a_model_listed_twice_counts_once() -> None:
    facts = scored([
        (0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 1), None),
        (0, "general", "arena", "a", "closed", 1290.0, date(2025, 1, 1), None),
        (0, "general", "arena", "c", "open-source", 1200.0, date(2025, 1, 1), None),
    ])
    top = top_on_grid(facts, grid(date(2025, 1, 1), date(2025, 1, 1), 7), "arena", "general", 2)
    assert top.select("rank", "model").rows() == [(1, "a"), (2, "c")]
    assert dict(zip(*openness_of_top(top).select("openness", "models"), strict=True)) == {
        "closed": 1, "open-source": 1}


def test_a_board_with_several_categories_of_a_capability_ranks_one_of_them() -> None:
    """Arena maps `full`, `hard_6` and `expert` to general: ranking their rows together would repeat the closed
    leaders of each slice and push every open model out of the top N."""
    rows = []
    for category, weight, bonus in (("full", 1.0, 0), ("hard_6", 0.5, 40), ("expert", 0.5, 60)):
        rows += [("arena", category, "general", m, o, 1300 + bonus - 10 * i, "2025-01-01", None, weight)
                 for i, (m, o) in enumerate([("c1", "closed"), ("c2", "closed"), ("o1", "open-source"),
                                             ("c3", "closed")])]
    frame = scores(*rows)
    preferences = pl.DataFrame({"capability": ["general"], "position": [1], "board": ["arena"]},
                               schema={"capability": pl.Utf8, "position": pl.Int32, "board": pl.Utf8})
    as_of = date(2025, 1, 2)
    facts = comparable_scores(frame)
    board = reference_board(facts, gap_headline(frame, facts, preferences, as_of, 365), as_of, "general", [])
    top = top_now(top_on_grid(facts, grid(as_of, date(2025, 1, 1), 7), board, "general", 3), as_of)
    assert top.select("model", "openness", "score").rows() == [
        ("c1", "closed", 1300.0), ("c2", "closed", 1290.0), ("o1", "open-source", 1280.0)]


def test_nothing_scored_or_no_board_is_an_empty_ranking() -> None:
    facts = scored([(0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 1), None)])
    for top in (top_on_grid(scored([]), grid(date(2025, 1, 1), None, 7), "arena", "general", 10),
                top_on_grid(facts, grid(date(2025, 1, 1), None, 7), None, "general", 10)):
        assert top.is_empty()
        assert top.columns == ["capability", "board", "date", "rank", "model", "model_id", "openness", "score"]
        assert openness_of_top(top).columns == ["capability", "board", "date", "openness", "models"]
