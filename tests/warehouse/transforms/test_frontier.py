"""The price-quality frontier on literal frames (expected membership worked out by hand)."""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.transforms.frontier import price_frontier
from warehouse.transforms.grid import grid

D = date.fromisoformat
DAYS = grid(D("2026-03-01"), D("2026-02-22"), 7)  # k0 03-01, k1 02-22


def frame(rows: list[tuple], value: str) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"model_id": pl.String, "k": pl.Int64, value: pl.Float64}, orient="row")


def test_pareto_set_of_quality_and_price() -> None:
    # k0: cheap (0.5, 1200) < mid (2, 1250) = twin (2, 1250) < best (8, 1300): all on it;
    # worse (3, 1100) is beaten by mid, pricier (9, 1300) by best; nameless has a price but no score.
    cheapest = frame([("cheap", 0, 0.5), ("mid", 0, 2.0), ("twin", 0, 2.0), ("best", 0, 8.0), ("worse", 0, 3.0),
                      ("pricier", 0, 9.0), ("nameless", 0, 0.1), ("best", 1, 8.0), ("mid", 1, 2.0)], "blended_price")
    quality = frame([("cheap", 0, 1200.0), ("mid", 0, 1250.0), ("twin", 0, 1250.0), ("best", 0, 1300.0),
                     ("worse", 0, 1100.0), ("pricier", 0, 1300.0), ("best", 1, 1300.0), ("mid", 1, 1350.0)], "score")
    result = price_frontier(cheapest, quality, DAYS)
    assert result.columns == ["date", "model", "quality_score", "blended_price", "on_frontier"]
    assert result.filter(date=D("2026-03-01")).select("model", "on_frontier").rows() == [
        ("cheap", True), ("mid", True), ("twin", True), ("worse", False), ("best", True), ("pricier", False)
    ]
    # On 02-22 the cheaper model also scores higher, so the dearer one is dominated.
    assert result.filter(date=D("2026-02-22")).select("model", "on_frontier").rows() == [
        ("mid", True), ("best", False)
    ]


def test_equal_price_lower_quality_is_dominated() -> None:
    cheapest = frame([("a", 0, 1.0), ("b", 0, 1.0)], "blended_price")
    quality = frame([("a", 0, 10.0), ("b", 0, 9.0)], "score")
    assert price_frontier(cheapest, quality, DAYS).select("model", "on_frontier").rows() == [
        ("a", True), ("b", False)
    ]
