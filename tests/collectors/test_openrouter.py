from __future__ import annotations

from datetime import date, datetime

import pytest

from collectors.pricing import openrouter
from gapwatch.rows import ModelRow, PriceRow
from gapwatch.source import DocMeta, ParseError
from tests.conftest import fixture_bytes, realdata

META = DocMeta(source="openrouter", url="https://openrouter.ai/api/v1/models", observed_at=datetime(2026, 5, 15))


def rows(body: bytes):
    result = openrouter.parse(body, META)
    prices = {r.model: r for r in result.rows if isinstance(r, PriceRow)}
    models = {r.model: r for r in result.rows if isinstance(r, ModelRow)}
    return result, prices, models


def test_prices_are_normalised_to_usd_per_million_tokens() -> None:
    _, prices, _ = rows(fixture_bytes("openrouter", "models_2026-05-15.json"))
    gpt4o = prices["openai/gpt-4o"]
    assert (gpt4o.input_per_mtok, gpt4o.output_per_mtok) == (2.5, 10.0)
    sonnet = prices["anthropic/claude-sonnet-4"]
    assert (sonnet.input_per_mtok, sonnet.output_per_mtok) == (3.0, 15.0)
    assert (sonnet.cache_read_per_mtok, sonnet.cache_write_per_mtok) == (0.3, 3.75)
    assert prices["mistralai/mistral-small-3.2-24b-instruct"].input_per_mtok == 0.075
    assert sonnet.provider == "openrouter" and sonnet.tier == "standard"


def test_sentinels_variable_and_free() -> None:
    result, prices, _ = rows(fixture_bytes("openrouter", "models_2026-05-15.json"))
    assert "openrouter/auto" not in prices
    assert any("openrouter/auto" in s and "-1" in s for s in result.skipped)
    free = prices["meta-llama/llama-3.3-70b-instruct:free"]
    assert (free.tier, free.input_per_mtok, free.output_per_mtok) == ("free", 0.0, 0.0)


def test_model_catalogue_fields() -> None:
    _, _, models = rows(fixture_bytes("openrouter", "models_2026-05-15.json"))
    llama = models["meta-llama/llama-3.3-70b-instruct"]
    assert llama.hugging_face_id == "meta-llama/Llama-3.3-70B-Instruct"
    assert llama.context_length == 131072 and llama.released == date(2024, 12, 6) and llama.open_weights is True
    assert models["openai/gpt-4o"].hugging_face_id is None and models["openai/gpt-4o"].open_weights is None
    assert models["google/gemini-2.5-pro"].hugging_face_id is None  # "" means none


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (fixture_bytes("openrouter", "models_2026-05-15.json")[:500], "truncated JSON"),
        (b"<!DOCTYPE html><html><body>Just a moment...</body></html>", "got HTML"),
        (b'{"error": {"code": 500}}', "`data` list"),
    ],
)
def test_bad_documents_raise_clear_errors(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        openrouter.parse(body, META)


def test_absurd_price_is_skipped_with_reason() -> None:
    body = b'{"data":[{"id":"x/y","pricing":{"prompt":"0.5","completion":"1"}}]}'  # $500k per 1M: unit mix-up
    result = openrouter.parse(body, META)
    assert not any(isinstance(r, PriceRow) for r in result.rows)
    assert "absurd" in result.skipped[0]


def test_real_snapshot_parses() -> None:
    path = realdata("openrouter", "modelsdev_api-v1-models_2026-05-15_c2c5cc8f21.json")
    result, prices, models = rows(path.read_bytes())
    assert len(models) == 364 and len(prices) > 330
    assert prices["ibm-granite/granite-4.1-8b"].input_per_mtok == 0.05
