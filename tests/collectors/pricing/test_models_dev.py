"""models.dev: api.json prices and openness, nested tiers, base_model inheritance, the TOML tree converter."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from collectors.pricing import models_dev
from collectors.pricing.models_dev_tree import read_tarball, tree_to_api
from gapwatch.rows import ModelRow, PriceRow
from gapwatch.source import ParseError
from tests.collectors.pricing.serving import parse, prices
from tests.conftest import fixture_bytes, realdata
from warehouse import validate

SEPT_2025 = fixture_bytes("models_dev", "api_2025-09-30.json")
MARCH_2026 = fixture_bytes("models_dev", "api_2026-03-21.json")


def catalogue(body: bytes) -> dict[str, ModelRow]:
    return {r.model: r for r in parse(models_dev.SOURCE, body).rows if isinstance(r, ModelRow)}


def test_prices_are_already_per_million() -> None:
    found = prices(parse(models_dev.SOURCE, MARCH_2026))
    assert found[("openai", "gpt-4o", "standard")] == (2.5, 10.0, 1.25, None)
    assert found[("deepseek", "deepseek-chat", "standard")][:3] == (0.28, 0.42, 0.028)
    assert found[("groq", "llama-3.3-70b-versatile", "standard")][:2] == (0.59, 0.79)


def test_context_over_200k_becomes_a_tier() -> None:
    found = prices(parse(models_dev.SOURCE, MARCH_2026))
    assert found[("xai", "grok-4.20-0309-non-reasoning", "standard")][:3] == (2.0, 6.0, 0.2)
    assert found[("xai", "grok-4.20-0309-non-reasoning", "above_200k")][:3] == (4.0, 12.0, 0.4)


def test_base_model_entries_inherit_from_the_named_model() -> None:
    result = parse(models_dev.SOURCE, MARCH_2026)
    assert prices(result)[("openrouter", "openai/gpt-5", "standard")][:3] == (1.25, 10.0, 0.125)
    inherited = catalogue(MARCH_2026)["openai/gpt-5"]
    assert inherited.open_weights is False and inherited.released == date(2025, 8, 7)
    assert inherited.organization == "openai" and inherited.name == "GPT-5"


def test_open_weights_and_catalogue_facts() -> None:
    models = catalogue(SEPT_2025)
    assert models["openai/gpt-oss-120b"].open_weights is True
    assert models["gpt-4o"].open_weights is False and models["gpt-4o"].context_length == 128000
    assert models["qwen/qwen3-30b-a3b-2507"].open_weights is True


def test_unpriced_models_are_skipped_with_a_reason() -> None:
    result = parse(models_dev.SOURCE, SEPT_2025)
    assert any(s.startswith("lmstudio/qwen/qwen3-30b-a3b-2507: no price") for s in result.skipped)
    assert ("lmstudio", "qwen/qwen3-30b-a3b-2507", "standard") not in prices(result)


def test_bad_documents_raise_parse_error() -> None:
    with pytest.raises(ParseError, match="got HTML"):
        parse(models_dev.SOURCE, b"<!doctype html><title>models.dev</title>")
    with pytest.raises(ParseError, match="expected"):
        parse(models_dev.SOURCE, json.dumps({"openai": {"id": "openai", "models": []}}).encode())
    with pytest.raises(ParseError, match="JSON"):
        parse(models_dev.SOURCE, MARCH_2026[:-200])


def test_tree_converter_resolves_base_model_and_omissions() -> None:
    files = {
        "providers/openai/provider.toml": b'name = "OpenAI"\nenv = ["OPENAI_API_KEY"]\n',
        "providers/openai/models/gpt-5.4.toml": b'base_model = "openai/gpt-5.4"\n[cost]\ninput = 2.5\noutput = 15\n'
                                                b'[[cost.tiers]]\ntier = { type = "context", size = 272_000 }\n'
                                                b'input = 5\noutput = 22.5\n',
        "providers/amazon-bedrock/provider.toml": b'name = "Amazon Bedrock"\n',
        "providers/amazon-bedrock/models/openai.gpt-5.4.toml": b'base_model = "openai/gpt-5.4"\n'
                                                               b'base_model_omit = ["limit.input"]\n'
                                                               b'[cost]\ninput = 2.75\noutput = 16.50\n',
        "models/openai/gpt-5.4.toml": b'name = "GPT-5.4"\nrelease_date = 2026-03-05\nopen_weights = false\n'
                                      b'[limit]\ncontext = 1_050_000\ninput = 922_000\noutput = 128_000\n',
    }
    api = tree_to_api(files)
    bedrock = api["amazon-bedrock"]["models"]["openai.gpt-5.4"]
    assert bedrock["name"] == "GPT-5.4" and bedrock["release_date"] == "2026-03-05"
    assert bedrock["limit"] == {"context": 1_050_000, "output": 128_000}
    found = prices(parse(models_dev.SOURCE, json.dumps(api).encode()))
    assert found[("openai", "gpt-5.4", "above_272k")][:2] == (5.0, 22.5)
    assert found[("amazon-bedrock", "openai.gpt-5.4", "standard")][:2] == (2.75, 16.5)


@pytest.mark.realdata
def test_every_realdata_tree_parses_cleanly_and_grows() -> None:
    priced, open_models = [], []
    for path in sorted(realdata("models.dev").glob("tree_*.tar.gz")):
        body = json.dumps(tree_to_api(read_tarball(path))).encode()
        result = parse(models_dev.SOURCE, body, datetime(2026, 8, 1))
        problems = validate.problems(result, expected_types=models_dev.SOURCE.row_types, min_rows=10)
        assert problems == [], f"{path.name}: {problems}"
        priced.append(len({(r.provider, r.model) for r in result.rows if isinstance(r, PriceRow)}))
        open_models.append(sum(1 for r in result.rows if isinstance(r, ModelRow) and r.open_weights))
    assert len(priced) >= 2 and priced == sorted(priced), priced
    assert open_models[-1] > 500, open_models
