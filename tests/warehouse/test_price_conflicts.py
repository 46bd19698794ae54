"""v_price_conflicts: the same provider/model/tier priced differently by different sources."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from collectors.pricing import deepseek_pricing, genai_prices, google_pricing, litellm, openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.collectors.pricing.serving import serve, settings_for
from tests.conftest import fixture_bytes

T = datetime(2025, 10, 27, 12)
DOCS = {
    litellm.SOURCE: ("litellm", "prices_2025-06-28.json"),
    genai_prices.SOURCE: ("genai_prices", "data_2025-10-27.json"),
    deepseek_pricing.SOURCE: ("deepseek_pricing", "pricing_2025-09-10.html"),
    google_pricing.SOURCE: ("google_pricing", "pricing_2025-07-20.html"),
    openrouter.SOURCE: ("openrouter", "models_2026-05-15.json"),
}


@pytest.fixture
def pipe(settings: Settings, origin: HTTPServer):
    for source, parts in DOCS.items():
        serve(origin, source, fixture_bytes(*parts))
    with Pipeline(settings_for(settings, origin, *DOCS)) as pipe:
        for source in DOCS:
            assert pipe.collect(source, T).status == "ok", source.id
        yield pipe


def test_deepseek_list_price_disagreement_is_flagged(pipe: Pipeline) -> None:
    found = pipe.con.execute(
        "SELECT sources, min_input, max_input, min_output, max_output, spread_pct FROM v_price_conflicts "
        "WHERE provider = 'deepseek' AND model = 'deepseek-chat' AND tier = 'standard'").fetchall()
    assert found == [(["deepseek_pricing", "genai_prices", "litellm"], 0.27, 0.56, 1.1, 1.68, 107.41)]


def test_agreeing_sources_with_different_names_are_not_conflicts(pipe: Pipeline) -> None:
    # LiteLLM's `gemini` / `gemini/gemini-2.5-pro` and Google's page `google` / `gemini-2.5-pro` are one price.
    same = pipe.con.execute(
        "SELECT source, source_provider, source_model FROM v_price_normalised "
        "WHERE provider = 'google' AND model = 'gemini-2.5-pro' AND tier = 'standard' ORDER BY source").fetchall()
    assert same == [("genai_prices", "google", "gemini-2.5-pro"), ("google_pricing", "google", "gemini-2.5-pro"),
                    ("litellm", "gemini", "gemini/gemini-2.5-pro")]
    assert pipe.con.execute(
        "SELECT count(*) FROM v_price_conflicts WHERE model = 'gemini-2.5-pro' AND tier = 'standard'"
    ).fetchone()[0] == 0


def test_resellers_are_not_compared(pipe: Pipeline) -> None:
    assert pipe.con.execute(
        "SELECT count(*) FROM v_price_normalised WHERE source = 'openrouter' OR provider = 'openrouter'"
    ).fetchone()[0] == 0
    assert pipe.con.execute("SELECT count(*) FROM v_prices_current WHERE provider = 'openrouter'").fetchone()[0] > 0
    spreads = [r[0] for r in pipe.con.execute("SELECT spread_pct FROM v_price_conflicts").fetchall()]
    assert spreads and min(spreads) > 1
