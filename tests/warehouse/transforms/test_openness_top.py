"""The Licences page's series: openness classes of the top N on the capability's headline board, per grid day."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.transforms.grid import grid
from warehouse.transforms.openness_top import openness_of_top


def scored(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, orient="row",
        schema={"g": pl.Int64, "capability": pl.String, "board": pl.String, "model": pl.String,
                "openness": pl.String, "score": pl.Float64, "start": pl.Date, "end": pl.Date},
    )


def test_top_two_per_day_by_class_on_the_headline_board() -> None:
    facts = scored([
        (0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 1), None),
        (0, "general", "arena", "b", "open-weights-restricted", 1250.0, date(2025, 1, 1), date(2025, 1, 15)),
        (0, "general", "arena", "c", "open-source", 1200.0, date(2025, 1, 1), None),
        # b returns later with a higher score; d appears below the top two
        (0, "general", "arena", "b", "open-weights-restricted", 1350.0, date(2025, 1, 15), None),
        (0, "general", "arena", "d", "closed", 1100.0, date(2025, 1, 10), None),
        # another board of the capability with fewer models is not the headline one
        (1, "general", "small", "e", "closed", 99.0, date(2025, 1, 1), None),
    ])
    days = grid(date(2025, 1, 22), date(2025, 1, 1), 7)  # 22nd, 15th, 8th, 1st
    out = openness_of_top(facts, days, 7, [], "general", 2)
    got = {(d.isoformat(), o): n for d, o, n in out.select("date", "openness", "models").iter_rows()}
    assert set(out["board"]) == {"arena"}
    assert got == {
        ("2025-01-01", "closed"): 1, ("2025-01-01", "open-weights-restricted"): 1,
        ("2025-01-08", "closed"): 1, ("2025-01-08", "open-weights-restricted"): 1,
        # on the 15th b's first interval has ended and its second began: b (1350) and a (1300)
        ("2025-01-15", "closed"): 1, ("2025-01-15", "open-weights-restricted"): 1,
        ("2025-01-22", "closed"): 1, ("2025-01-22", "open-weights-restricted"): 1,
    }


def test_a_model_listed_twice_counts_once() -> None:
    facts = scored([
        (0, "general", "arena", "a", "closed", 1300.0, date(2025, 1, 1), None),
        (0, "general", "arena", "a", "closed", 1290.0, date(2025, 1, 1), None),
        (0, "general", "arena", "c", "open-source", 1200.0, date(2025, 1, 1), None),
    ])
    out = openness_of_top(facts, grid(date(2025, 1, 1), date(2025, 1, 1), 7), 7, [], "general", 2)
    assert dict(zip(out["openness"], out["models"], strict=True)) == {"closed": 1, "open-source": 1}


def test_nothing_scored_is_an_empty_series() -> None:
    out = openness_of_top(scored([]), grid(date(2025, 1, 1), None, 7), 7, [], "general", 10)
    assert out.is_empty() and out.columns == ["capability", "board", "date", "openness", "models"]
