from __future__ import annotations

from datetime import datetime

import pytest

from collectors.leaderboards import arena_catalog
from gapwatch.rows import ModelRow, PriceRow, ScoreRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes

TEXT_URL, PRICES_URL = arena_catalog.SOURCE.urls()
T = datetime(2025, 12, 17)


def parse(name: str, url: str):
    return arena_catalog.parse(fixture_bytes("arena_catalog", name), DocMeta("arena_catalog", url, T))


def test_ratings_per_category_with_intervals_and_ranks() -> None:
    result = parse("leaderboard-text_2025-12-11.json", TEXT_URL)
    assert not result.skipped and all(isinstance(r, ScoreRow) for r in result.rows)
    rows = {(r.category, r.model): r for r in result.rows}
    top = rows[("full", "gemini-3-pro")]  # real figures of the 2025-12-11 file
    assert (top.board, top.score_unit, top.rank) == ("arena-catalog-text", "elo", 1)
    assert top.score == pytest.approx(1486.6027120272704)
    assert (top.ci_low, top.ci_high) == pytest.approx((1480.4026895976556, 1492.8027344568852))
    assert rows[("long_user", "claude-opus-4-5-20251101")].rank == 1
    assert {c for c, _ in rows} == {"full", "coding", "math", "if", "long_user", "chinese", "english", "hard_6",
                                    "industry_mathematical"}


def test_catalogue_entries_carry_arenas_licence_and_prices_from_the_named_site() -> None:
    result = parse("scatterplot-data_2025-12-17.json", PRICES_URL)
    models = {r.model: r for r in result.rows if isinstance(r, ModelRow)}
    prices = {r.model: r for r in result.rows if isinstance(r, PriceRow)}
    assert (models["glm-4.6"].license, models["glm-4.6"].organization) == ("MIT", "Z.ai")
    assert models["chatgpt-4o-latest-20241120"].license == "Proprietary"
    gpt4o = prices["chatgpt-4o-latest-20241120"]
    assert (gpt4o.provider, gpt4o.input_per_mtok, gpt4o.output_per_mtok) == ("openai", 2.5, 10.0)
    assert set(models) > set(prices)  # entries without a price source are catalogue rows only


def test_provider_is_the_site_the_price_was_read_from() -> None:
    assert arena_catalog.provider_of("https://www.together.ai/pricing") == "together"
    assert arena_catalog.provider_of("https://api-docs.deepseek.com/quick_start/pricing") == "deepseek"
    assert arena_catalog.provider_of("n/a") is None


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"full": [1, 2]}', b"<html></html>", b""])
def test_bad_documents(body: bytes) -> None:
    with pytest.raises(ParseError):
        arena_catalog.parse(body, DocMeta("arena_catalog", TEXT_URL, T))
