"""Blended prices, price moves and the open vs closed price index on literal frames (expected values by hand)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.warehouse.transforms.frames import prices
from warehouse.transforms.grid import extreme_on_grid, grid
from warehouse.transforms.prices import blended, cheapest_on_grid, price_index, price_moves
from warehouse.transforms.quality import quality_tiers

D = date.fromisoformat


def test_blended_price_is_weighted_and_null_when_a_side_is_missing() -> None:
    frame = prices(
        ("p", "x", "closed", 3.0, 15.0, "2026-01-01", None),
        ("p", "y", "closed", 1.0, None, "2026-01-01", None),
    )
    assert blended(frame, 3, 1)["blended_price"].to_list() == [6.0, None]  # (3·3 + 15) / 4
    assert blended(frame, 1, 1)["blended_price"].to_list() == [9.0, None]


def test_price_moves_are_changes_of_the_blended_price() -> None:
    frame = prices(
        ("p", "x", "closed", 2.0, 8.0, "2026-01-01", "2026-02-01"),  # 3.5
        ("p", "x", "closed", 1.0, 4.0, "2026-02-01", "2026-03-01"),  # 1.75: a 50 % cut
        ("p", "x", "closed", 1.0, 4.0, "2026-03-01", None),  # same blended (a cache price changed): no move
        ("p", "free", "open-source", 0.0, 0.0, "2026-01-01", "2026-02-15"),
        ("p", "free", "open-source", 1.0, 1.0, "2026-02-15", None),  # from free: a hike with no percentage
        ("p", "half", "closed", 1.0, None, "2026-01-01", "2026-02-01"),
        ("p", "half", "closed", 2.0, None, "2026-02-01", None),  # no blended price on either side
    )
    moves = price_moves(blended(frame, 3, 1))
    assert moves.select("model", "from_date", "to_date", "before_blended", "after_blended", "change_pct").rows() == [
        ("x", D("2026-01-01"), D("2026-02-01"), 3.5, 1.75, -50.0),
        ("free", D("2026-01-01"), D("2026-02-15"), 0.0, 1.0, None),
    ]
    assert moves.columns == ["provider", "model", "source", "tier", "from_date", "to_date", "before_blended",
                             "after_blended", "change_pct"]


def test_grid_steps_back_from_as_of() -> None:
    assert grid(D("2026-03-01"), D("2026-02-01"), 7)["date"].to_list() == [
        D("2026-03-01"), D("2026-02-22"), D("2026-02-15"), D("2026-02-08"), D("2026-02-01")
    ]
    assert grid(D("2026-03-01"), None, 7)["date"].to_list() == [D("2026-03-01")]


def test_grid_counts_start_in_and_end_out_and_keeps_the_extreme() -> None:
    intervals = pl.DataFrame({
        "id": ["a", "b", "b", "c", "d"], "v": [5.0, 2.0, 1.0, 7.0, 9.0],
        "start": [D("2026-02-01"), D("2026-02-10"), D("2026-02-20"), D("2026-03-02"), D("2025-01-01")],
        "end": [D("2026-02-15"), None, D("2026-03-01"), None, D("2026-02-02")],
    })
    days = grid(D("2026-03-01"), D("2026-02-01"), 7)
    # grid: k0 03-01, k1 02-22, k2 02-15, k3 02-08, k4 02-01. a ends on 02-15 (not covered); b's second price
    # (02-20 to 03-01) is cheaper on 02-22 only; c starts after as_of; d reaches back before the grid.
    low = extreme_on_grid(intervals, "id", "v", days, largest=False).sort("id", "k")
    assert low.rows() == [("a", 3, 5.0), ("a", 4, 5.0), ("b", 0, 2.0), ("b", 1, 1.0), ("b", 2, 2.0), ("d", 4, 9.0)]
    high = extreme_on_grid(intervals, "id", "v", days, largest=True).filter(id="b").sort("k")
    assert high["v"].to_list() == [2.0, 2.0, 2.0]


QUALITY = pl.DataFrame(
    {"model_id": ["m1", "m2", "m3", "m4", "m5"], "score": [1300.0, 1100.0, 1250.0, 1200.0, 1000.0],
     "start": [D("2026-01-01")] * 5, "end": [None] * 5},
    schema={"model_id": pl.String, "score": pl.Float64, "start": pl.Date, "end": pl.Date},
)


def test_quality_tiers_by_percentile_rank() -> None:
    # ranks 1..5 → p = 0.2 (m5), 0.4 (m2), 0.6 (m4), 0.8 (m3), 1.0 (m1); top > 2/3, middle > 1/3.
    tiers = dict(quality_tiers(QUALITY, D("2026-03-01")).rows())
    assert tiers == {"m1": "top", "m3": "top", "m2": "middle", "m4": "middle", "m5": "bottom"}


def test_quality_tiers_use_the_latest_score_before_as_of() -> None:
    later = pl.DataFrame({"model_id": ["m5"], "score": [2000.0], "start": [D("2026-02-01")], "end": [None]},
                         schema=QUALITY.schema)
    history = pl.concat([QUALITY.with_columns(end=pl.when(pl.col("model_id") == "m5").then(D("2026-02-01"))), later])
    assert dict(quality_tiers(history, D("2026-03-01")).rows())["m5"] == "top"
    assert dict(quality_tiers(history, D("2026-01-15")).rows())["m5"] == "bottom"


def test_price_index_is_the_median_cheapest_price_per_group_and_tier() -> None:
    frame = prices(
        ("a", "m1", "closed", 10.0, 10.0, "2026-02-01", None),
        ("b", "m1", "closed", 8.0, 8.0, "2026-02-20", None),  # a cheaper provider: m1 costs 8 from 02-22 on
        ("x", "m3", "open-source", 2.0, 2.0, "2026-02-01", None),
        ("y", "m3", "open-source", 1.0, 1.0, "2026-02-10", "2026-02-23"),
        ("a", "m2", "closed", 4.0, 4.0, "2026-02-01", "2026-02-15"),  # ends on a grid day: not priced then
        ("z", "m4", "open-weights-restricted", 0.5, 0.5, "2026-02-16", None),
        ("z", "m6", "open-source", 0.5, 0.5, "2026-02-16", None),  # no quality tier: left out
        ("z", "m5", "unknown", 0.1, 0.1, "2026-02-16", None),  # unknown openness: left out
    )
    as_of = D("2026-03-01")
    days = grid(as_of, D("2026-02-01"), 7)
    cheapest = cheapest_on_grid(blended(frame, 3, 1), days)
    index = price_index(cheapest, quality_tiers(QUALITY, as_of), days, min_models=1)
    assert index.rows() == [
        (D("2026-02-01"), "closed", "middle", 4.0, 1),
        (D("2026-02-01"), "closed", "top", 10.0, 1),
        (D("2026-02-01"), "open", "top", 2.0, 1),
        (D("2026-02-08"), "closed", "middle", 4.0, 1),
        (D("2026-02-08"), "closed", "top", 10.0, 1),
        (D("2026-02-08"), "open", "top", 2.0, 1),
        (D("2026-02-15"), "closed", "top", 10.0, 1),
        (D("2026-02-15"), "open", "top", 1.0, 1),
        (D("2026-02-22"), "closed", "top", 8.0, 1),
        (D("2026-02-22"), "open", "middle", 0.5, 1),
        (D("2026-02-22"), "open", "top", 1.0, 1),
        (D("2026-03-01"), "closed", "top", 8.0, 1),
        (D("2026-03-01"), "open", "middle", 0.5, 1),
        (D("2026-03-01"), "open", "top", 2.0, 1),
    ]


def test_price_index_median_over_models() -> None:
    frame = prices(
        ("a", "m1", "closed", 10.0, 10.0, "2026-02-01", None),
        ("a", "m3", "closed", 4.0, 4.0, "2026-02-01", None),
        ("a", "m2", "open-source", 1.0, 1.0, "2026-02-01", None),
        ("a", "m4", "open-source", 2.0, 2.0, "2026-02-01", None),
        ("a", "m5", "open-source", 9.0, 9.0, "2026-02-01", None),
    )
    as_of = D("2026-02-01")
    tiers = pl.DataFrame({"model_id": ["m1", "m2", "m3", "m4", "m5"], "quality_tier": ["top"] * 5})
    days = grid(as_of, as_of, 7)
    index = price_index(cheapest_on_grid(blended(frame, 3, 1), days), tiers, days, min_models=2)
    assert index.rows() == [(as_of, "closed", "top", 7.0, 2), (as_of, "open", "top", 2.0, 3)]


def test_a_point_of_the_index_needs_three_models_of_its_side() -> None:
    """Two closed models are two prices, not an index: that side has no point (a gap on the page)."""
    frame = prices(
        ("a", "m1", "closed", 10.0, 10.0, "2026-02-01", None),
        ("a", "m3", "closed", 4.0, 4.0, "2026-02-01", None),
        ("a", "m2", "open-source", 1.0, 1.0, "2026-02-01", None),
        ("a", "m4", "open-source", 2.0, 2.0, "2026-02-01", None),
        ("a", "m5", "open-source", 9.0, 9.0, "2026-02-01", None),
    )
    as_of = D("2026-02-01")
    tiers = pl.DataFrame({"model_id": ["m1", "m2", "m3", "m4", "m5"], "quality_tier": ["top"] * 5})
    days = grid(as_of, as_of, 7)
    index = price_index(cheapest_on_grid(blended(frame, 3, 1), days), tiers, days)
    assert index.rows() == [(as_of, "open", "top", 2.0, 3)]


@pytest.mark.parametrize("role", ["reseller", "grey_market"])
def test_a_resellers_or_grey_markets_price_is_never_a_models_price(role: str) -> None:
    frame = pl.concat([
        prices(("anthropic", "claude-opus-4.5", "closed", 5.0, 25.0, "2026-02-01", None)),
        prices(("cheapapi", "claude-opus-4.5", "closed", 0.5, 2.5, "2026-02-01", None)).with_columns(role=pl.lit(role)),
    ])
    cheapest = cheapest_on_grid(blended(frame, 3, 1), grid(D("2026-02-01"), None, 7))
    assert cheapest["blended_price"].to_list() == [10.0]


def test_an_image_models_price_is_not_a_per_token_price() -> None:
    frame = prices(("openai", "gpt-image-1", "closed", 5.0, 40.0, "2026-02-01", None)).with_columns(
        per_token=pl.lit(False))
    assert cheapest_on_grid(blended(frame, 3, 1), grid(D("2026-02-01"), None, 7)).height == 0


@pytest.mark.parametrize("tier", ["batch", "flex"])
def test_only_standard_tier_prices_enter_the_index(tier: str) -> None:
    frame = prices(("a", "m1", "closed", 1.0, 1.0, "2026-02-01", None)).with_columns(tier=pl.lit(tier))
    assert cheapest_on_grid(blended(frame, 3, 1), grid(D("2026-02-01"), None, 7)).height == 0


def test_a_models_price_on_a_day_is_its_list_price_outvoting_one_sources_slip() -> None:
    """genai-prices listed DeepSeek's deepseek-chat at $0.014/$0.028 for four months (10-40× too cheap, under
    the guard's 100×) while LiteLLM and models.dev said $0.27/$1.10: the list price is the sources' median."""
    frame = pl.concat([
        prices(("deepseek", "deepseek-chat", "open-weights-permissive", 0.014, 0.028, "2026-02-01", None)),
        prices(("deepseek", "deepseek-chat", "open-weights-permissive", 0.27, 1.1, "2026-02-01", None))
        .with_columns(source=pl.lit("litellm")),
        prices(("deepseek", "deepseek-chat", "open-weights-permissive", 0.27, 1.1, "2026-02-01", None))
        .with_columns(source=pl.lit("models_dev")),
        # a host sells the weights cheaper: the model's price is still its maker's list price
        prices(("deepinfra", "deepseek-chat", "open-weights-permissive", 0.2, 0.8, "2026-02-01", None))
        .with_columns(role=pl.lit("host")),
    ])
    cheapest = cheapest_on_grid(blended(frame, 3, 1), grid(D("2026-02-01"), None, 7))
    assert cheapest["blended_price"].to_list() == [pytest.approx((3 * 0.27 + 1.1) / 4)]
