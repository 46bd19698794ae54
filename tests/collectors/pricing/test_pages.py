"""Provider pricing pages: each layout parsed into concrete prices; a changed layout is a ParseError."""

from __future__ import annotations

import pytest

from collectors.pricing import (
    anthropic_pricing,
    deepseek_pricing,
    google_pricing,
    mistral_pricing,
    openai_pricing,
)
from collectors.pricing.html_tables import grid, soup
from gapwatch.source import ParseError, Source
from tests.collectors.pricing.serving import parse, prices
from tests.conftest import fixture_bytes

PAGES = {
    anthropic_pricing.SOURCE: ("pricing_2025-08-20.html", "pricing_2025-11-25.html"),
    google_pricing.SOURCE: ("pricing_2025-06-01.html", "pricing_2025-07-20.html"),
    deepseek_pricing.SOURCE: ("pricing_2025-08-01.html", "pricing_2025-09-10.html"),
    mistral_pricing.SOURCE: ("pricing_2024-09-01.html", "pricing_2024-09-20.html"),
    openai_pricing.SOURCE: ("pricing_2025-06-01.html", "pricing_2025-06-15.html"),
}


def page(source: Source, which: int) -> bytes:
    return fixture_bytes(source.id, PAGES[source][which])


def test_anthropic_base_cache_batch_and_long_context() -> None:
    found = prices(parse(anthropic_pricing.SOURCE, page(anthropic_pricing.SOURCE, 1)))
    assert found[("anthropic", "Claude Opus 4.5", "standard")] == (5.0, 25.0, 0.5, 6.25)
    assert found[("anthropic", "Claude Haiku 3.5", "standard")] == (0.8, 4.0, 0.08, 1.0)
    assert found[("anthropic", "Claude Opus 4.1", "batch")] == (7.5, 37.5, None, None)
    assert found[("anthropic", "Claude Sonnet 3.7", "standard")][:2] == (3.0, 15.0)  # "(deprecated)" dropped
    # Long-context rates apply to the models the text names, and "Sonnet 4" does not match inside "Sonnet 4.5".
    assert found[("anthropic", "Claude Sonnet 4.5", "above_200k")][:2] == (6.0, 22.5)
    assert found[("anthropic", "Claude Sonnet 4", "above_200k")][:2] == (6.0, 22.5)
    assert ("anthropic", "Claude Opus 4.5", "above_200k") not in found
    older = prices(parse(anthropic_pricing.SOURCE, page(anthropic_pricing.SOURCE, 0)))
    assert [k for k in older if k[2] == "above_200k"] == [("anthropic", "Claude Sonnet 4", "above_200k")]


def test_google_paid_tier_long_context_and_batch() -> None:
    found = prices(parse(google_pricing.SOURCE, page(google_pricing.SOURCE, 1)))
    assert found[("google", "gemini-2.5-pro", "standard")][:3] == (1.25, 10.0, 0.31)
    assert found[("google", "gemini-2.5-pro", "above_200k")][:3] == (2.5, 15.0, 0.625)
    assert found[("google", "gemini-2.5-pro", "batch")][:2] == (0.625, 5.0)
    assert found[("google", "gemini-2.5-pro", "above_200k_batch")][:2] == (1.25, 7.5)
    assert found[("google", "gemini-2.5-flash", "standard")][:3] == (0.3, 2.5, 0.075)  # text price, not audio
    june = prices(parse(google_pricing.SOURCE, page(google_pricing.SOURCE, 0)))
    assert june[("google", "gemini-2.5-flash-preview-05-20", "standard")][:2] == (0.15, 0.6)


def test_deepseek_standard_and_off_peak_then_one_price() -> None:
    august = prices(parse(deepseek_pricing.SOURCE, page(deepseek_pricing.SOURCE, 0)))
    assert august[("deepseek", "deepseek-chat", "standard")] == (0.27, 1.1, 0.07, None)
    assert august[("deepseek", "deepseek-reasoner", "standard")] == (0.55, 2.19, 0.14, None)
    assert august[("deepseek", "deepseek-reasoner", "off_peak")] == (0.135, 0.55, 0.035, None)
    september = prices(parse(deepseek_pricing.SOURCE, page(deepseek_pricing.SOURCE, 1)))
    assert september == {
        ("deepseek", "deepseek-chat", "standard"): (0.56, 1.68, 0.07, None),  # one cell spanning both models
        ("deepseek", "deepseek-reasoner", "standard"): (0.56, 1.68, 0.07, None),
    }


def test_mistral_api_names_and_the_september_2024_cut() -> None:
    before = prices(parse(mistral_pricing.SOURCE, page(mistral_pricing.SOURCE, 0)))
    after = parse(mistral_pricing.SOURCE, page(mistral_pricing.SOURCE, 1))
    assert before[("mistral", "mistral-large-2407", "standard")][:2] == (3.0, 9.0)
    assert prices(after)[("mistral", "mistral-large-2407", "standard")][:2] == (2.0, 6.0)
    assert prices(after)[("mistral", "open-mistral-nemo", "standard")][:2] == (0.15, 0.15)
    assert any(s.startswith("mistral-embed: no output price") for s in after.skipped)


def test_openai_text_token_tiers_only() -> None:
    result = parse(openai_pricing.SOURCE, page(openai_pricing.SOURCE, 1))
    found = prices(result)
    assert found[("openai", "o3", "standard")] == (2.0, 8.0, 0.5, None)
    assert found[("openai", "o3", "batch")] == (1.0, 4.0, None, None)
    assert found[("openai", "o3", "flex")] == (1.0, 4.0, 0.25, None)
    assert found[("openai", "o1-pro", "standard")] == (150.0, 600.0, None, None)
    assert not any(model.startswith(("gpt-4o-audio", "text-embedding")) for _, model, _ in found)
    assert prices(parse(openai_pricing.SOURCE, page(openai_pricing.SOURCE, 0)))[("openai", "o3", "standard")][:2] == (
        10.0, 40.0)


@pytest.mark.parametrize("source", list(PAGES), ids=lambda s: s.id)
def test_json_or_empty_answers_are_parse_errors(source: Source) -> None:
    with pytest.raises(ParseError, match="expected an HTML page"):
        parse(source, b'{"error": "not found"}')
    with pytest.raises(ParseError, match="layout changed"):
        parse(source, b"<!DOCTYPE html><html><body><h1>Pricing</h1><p>Moved to a new page.</p></body></html>")


@pytest.mark.parametrize(
    ("source", "old", "new"),
    [
        (anthropic_pricing.SOURCE, b"Base Input Tokens", b"Input"),
        (google_pricing.SOURCE, b"Paid Tier, per 1M tokens in USD", b"Standard"),
        (deepseek_pricing.SOURCE, b">MODEL<", b">Name<"),
        (mistral_pricing.SOURCE, b"<table>", b"<ul>"),
        (openai_pricing.SOURCE, b'<h3 id="text-tokens">Text tokens</h3>', b""),
    ],
    ids=lambda v: v.id if isinstance(v, Source) else None,
)
def test_changed_layout_is_a_parse_error_not_an_empty_list(source: Source, old: bytes, new: bytes) -> None:
    body = page(source, 1)
    assert old in body
    with pytest.raises(ParseError, match="layout changed"):
        parse(source, body.replace(old, new))


def test_grid_expands_row_and_column_spans() -> None:
    table = soup(b"<table><tr><th colspan=2>MODEL</th><th>a</th></tr>"
                 b"<tr><td rowspan=2>G</td><td>x</td><td>1</td></tr><tr><td>y</td><td>2</td></tr></table>", "t")
    assert grid(table.find("table")) == [["MODEL", "MODEL", "a"], ["G", "x", "1"], ["G", "y", "2"]]
