"""The app's pure helpers: event links and decision factors."""

from __future__ import annotations

import polars as pl

from app import data, decision, links


def test_links_follow_the_event_kind() -> None:
    assert links.entity_link("price_cut", "openrouter/deepseek/x", "deepseek/x") == "prices?model=deepseek%2Fx"
    assert links.entity_link("license_change", "llama-4 <b>", None) == "licences?model_id=llama-4+%3Cb%3E"
    assert links.entity_link("license_change", "llama3.1", None, names_licence=True) == "licences?licence=llama3.1"
    assert links.entity_link("gap_threshold", "open-weights/coding/aider", None) == (
        "gap_trends?capability=coding&board=aider")
    assert links.entity_link("new_leader", "lmarena-text/overall", None) == "gap_trends"
    assert links.entity_link("source_failing", "openrouter", None) == "sources"
    assert links.entity_link("something_new", "x", None) is None


def test_every_factor_leans_somewhere_with_a_reason() -> None:
    rows = decision.assess(decision.SENSITIVITY[2], 5_000, decision.TEAM[0], decision.PERFORMANCE[2],
                           decision.VENDOR_RISK[2], "gap 12.0")
    assert [r.factor for r in rows] == ["data sensitivity", "volume", "team", "performance need", "vendor risk"]
    by = {r.factor: r for r in rows}
    assert by["data sensitivity"].leans == decision.OPEN
    assert by["team"].leans == decision.CLOSED
    assert by["volume"].leans == decision.OPEN
    assert "gap 12.0" in by["performance need"].why
    low = decision.assess(decision.SENSITIVITY[0], 10, decision.TEAM[2], decision.PERFORMANCE[0],
                          decision.VENDOR_RISK[0], "gap 12.0")
    assert {r.factor: r.leans for r in low}["volume"] == decision.CLOSED
    assert "gap" not in {r.factor: r.why for r in low}["performance need"]


def test_each_side_gets_its_best_models_price_or_none() -> None:
    headline = pl.DataFrame({"best_open_model": ["glm-5.2", "unmatched name", None],
                             "best_closed_model": ["gpt-5.5", "glm-5.2", "gpt-5.5"]})
    # a model listed twice (never by the view; were it so) takes its cheaper price rather than failing the page
    prices = pl.DataFrame({"model_id": ["glm-5.2", "gpt-5.5", "glm-5.2"], "price": [2.15, 11.25, 1.9]})
    priced = data.with_side_prices(headline, prices)
    assert priced["open_price"].to_list() == [1.9, None, None]
    assert priced["closed_price"].to_list() == [11.25, 1.9, 11.25]
    unpriced = data.with_side_prices(headline, None)  # a snapshot without the price views
    assert unpriced["open_price"].null_count() == unpriced["closed_price"].null_count() == 3
