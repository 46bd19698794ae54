"""genai-prices: dated periods chosen by observed_at, context tiers, time-of-day windows."""

from __future__ import annotations

from datetime import datetime

import pytest

from collectors.pricing import genai_prices
from gapwatch.rows import PriceRow
from gapwatch.source import ParseError
from tests.collectors.pricing.serving import parse, prices
from tests.conftest import fixture_bytes, realdata
from warehouse import validate

OCT_2025 = fixture_bytes("genai_prices", "data_2025-10-27.json")


def test_dated_periods_follow_observed_at() -> None:
    before_cut = prices(parse(genai_prices.SOURCE, OCT_2025, datetime(2025, 6, 1)))
    after_cut = prices(parse(genai_prices.SOURCE, OCT_2025, datetime(2025, 6, 10)))
    assert before_cut[("openai", "o3", "standard")] == (10.0, 40.0, 0.5, None)
    assert after_cut[("openai", "o3", "standard")] == (2.0, 8.0, 0.5, None)


def test_tiered_values_become_base_and_above_tiers() -> None:
    found = prices(parse(genai_prices.SOURCE, OCT_2025))
    assert found[("google", "gemini-2.5-pro", "standard")][:3] == (1.25, 10.0, 0.31)
    assert found[("google", "gemini-2.5-pro", "above_200k")][:3] == (2.5, 15.0, 0.625)
    assert found[("google", "gemini-1.5-flash", "above_128k")][0] == 0.15


def test_time_of_day_window_covering_most_of_the_day_is_standard() -> None:
    found = prices(parse(genai_prices.SOURCE, OCT_2025, datetime(2025, 10, 27, 3)))
    assert found[("deepseek", "deepseek-chat", "standard")] == (0.27, 1.1, 0.07, None)
    assert found[("deepseek", "deepseek-chat", "off_peak")] == (0.135, 0.55, 0.035, None)
    # The hour of collection never changes the answer (a 20:00 collection is inside the off-peak window).
    assert prices(parse(genai_prices.SOURCE, OCT_2025, datetime(2025, 10, 27, 20))) == found


def test_explicitly_free_variants_are_tier_free_and_other_zeros_are_skipped() -> None:
    june = parse(genai_prices.SOURCE, fixture_bytes("genai_prices", "data_2025-06-23.json"), datetime(2025, 6, 23))
    assert prices(june)[("mistral", "mistral-nemo:free", "free")][:2] == (0.0, 0.0)
    october = parse(genai_prices.SOURCE, OCT_2025)
    assert "mistral/mistral-nemo:free: no text token price (missing or 0)" in october.skipped


def test_bad_documents_raise_parse_error() -> None:
    with pytest.raises(ParseError, match="got HTML"):
        parse(genai_prices.SOURCE, b"<html><body>rate limited</body></html>")
    with pytest.raises(ParseError, match="list of providers"):
        parse(genai_prices.SOURCE, b'{"providers": []}')
    with pytest.raises(ParseError, match="JSON"):
        parse(genai_prices.SOURCE, OCT_2025[:500])


@pytest.mark.realdata
def test_every_realdata_version_parses_cleanly() -> None:
    counts = []
    for path in sorted(realdata("genai-prices").glob("data_*.json")):
        observed = datetime.fromisoformat(path.name.split("_")[1])
        result = parse(genai_prices.SOURCE, path.read_bytes(), observed)
        assert validate.problems(result, expected_types=(PriceRow,), min_rows=10) == [], path.name
        counts.append(len({(r.provider, r.model) for r in result.rows}))
    assert min(counts) > 500, counts
