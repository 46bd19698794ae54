"""LiteLLM's price map: per-token → per-1M, tiers, quirks of every version."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from collectors.pricing import litellm
from gapwatch.rows import PriceRow
from gapwatch.source import ParseError
from tests.collectors.pricing.serving import parse, prices
from tests.conftest import fixture_bytes, realdata
from warehouse import validate

SEPT_2024 = fixture_bytes("litellm", "prices_2024-09-28.json")
JUNE_2025 = fixture_bytes("litellm", "prices_2025-06-28.json")


def test_per_token_becomes_per_million_with_cache_prices() -> None:
    found = prices(parse(litellm.SOURCE, JUNE_2025))
    assert found[("openai", "gpt-4o", "standard")] == (2.5, 10.0, 1.25, None)
    assert found[("anthropic", "claude-3-5-sonnet-20240620", "standard")] == (3.0, 15.0, 0.3, 3.75)
    assert found[("openai", "gpt-4o-mini", "standard")] == (0.15, 0.6, 0.075, None)


def test_tiers_batch_and_long_context() -> None:
    found = prices(parse(litellm.SOURCE, JUNE_2025))
    assert found[("openai", "gpt-4o", "batch")] == (1.25, 5.0, None, None)
    assert found[("gemini", "gemini/gemini-2.5-pro", "above_200k")] == (2.5, 15.0, None, None)
    assert found[("gemini", "gemini/gemini-1.5-pro", "above_128k")] == (7.0, 21.0, None, None)


def test_quirks_sample_spec_zero_costs_modes_strings_and_metadata_keys() -> None:
    result = parse(litellm.SOURCE, JUNE_2025)
    models = {r.model for r in result.rows}
    assert "sample_spec" not in models and "last_updated" not in models and "fallback_generalizations" not in models
    assert "ollama/llama3" not in models  # 0.0/0.0 on a paid model: not priced
    assert "text-embedding-3-small" not in models
    assert any(s.startswith("text-embedding-3-small: mode 'embedding'") for s in result.skipped)
    assert any(s.startswith("ollama/llama3: no price") for s in result.skipped)
    assert prices(result)[("groq", "groq/llama3-70b-8192", "standard")][:2] == (0.59, 0.79)  # "5.9e-07" string


def test_2024_cache_hit_key_is_the_cache_read_price() -> None:
    found = prices(parse(litellm.SOURCE, SEPT_2024))
    assert found[("deepseek", "deepseek-chat", "standard")] == (0.14, 0.28, 0.014, None)
    assert found[("openai", "gpt-4o", "standard")] == (5.0, 15.0, None, None)


def test_oldest_format_without_provider_gets_one_derived() -> None:
    doc = {"gpt-4": {"max_tokens": 8192, "input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05},
           "claude-2": {"max_tokens": 100000, "input_cost_per_token": 1.102e-05, "output_cost_per_token": 3.268e-05},
           "together-ai-up-to-3b": {"input_cost_per_token": 1e-07, "output_cost_per_token": 1e-07}}
    found = prices(parse(litellm.SOURCE, json.dumps(doc).encode()))
    assert found[("openai", "gpt-4", "standard")] == (30.0, 60.0, None, None)
    assert found[("anthropic", "claude-2", "standard")] == (11.02, 32.68, None, None)
    assert ("together_ai", "together-ai-up-to-3b", "standard") in found


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        (b"<!DOCTYPE html><html><body>404: Not Found</body></html>", "got HTML"),
        (JUNE_2025[: len(JUNE_2025) // 3], "JSON"),
        (b'[{"gpt-4o": {}}]', "expected an object keyed by model name"),
    ],
)
def test_bad_documents_raise_parse_error(body: bytes, expect: str) -> None:
    with pytest.raises(ParseError, match=expect):
        parse(litellm.SOURCE, body)


@pytest.mark.realdata
def test_every_realdata_version_parses_cleanly_and_grows() -> None:
    files = sorted(realdata("litellm").glob("*.json")) + sorted(realdata("litellm_mirror_rocry").glob("*.json"))
    counts = []
    for path in files:
        result = parse(litellm.SOURCE, path.read_bytes(), datetime(2026, 8, 1))
        problems = validate.problems(result, expected_types=litellm.SOURCE.row_types, min_rows=litellm.SOURCE.min_rows)
        assert problems == [], f"{path.name}: {problems}"
        counts.append(len({(r.provider, r.model) for r in result.rows if isinstance(r, PriceRow)}))
    assert len(counts) >= 2 and counts == sorted(counts), counts
    assert counts[0] == 19 and counts[-1] > 2000
