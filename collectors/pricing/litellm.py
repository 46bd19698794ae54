"""LiteLLM's price map (`model_prices_and_context_window.json`): one object keyed by model, USD per token.

Cost keys are `<field><suffix>`: `input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost`,
`cache_creation_input_token_cost`, with suffixes for service tiers (`_batches`, older `_batch_requests`,
`_priority`, `_flex`) and long-context prices (`_above_200k_tokens`, possibly followed by a service tier).
Quirks handled: the `sample_spec` documentation entry and non-model keys (`last_updated`,
`fallback_generalizations`); the 2023-09-06 file has no `litellm_provider` (derived from the name); 0.0 costs
(not priced, unless the name marks a free variant); string numbers. Only token-priced text generation is kept
(`chat`, `completion`, `responses`, or no mode in the oldest files): embeddings, images, audio, rerank and the
like are priced per something else or are not LLM generation, so they are skipped with the reason.

Tiers: `_batches`/`_batch_requests` → `batch`, `_priority` → `priority`, `_flex` → `flex`, `_above_<N>k_tokens` →
`above_<N>k`. The 2024 files' `input_cost_per_token_cache_hit` is read as the cache-read price.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import Any

from collectors.parsing import load_json, per_token_to_per_mtok
from collectors.pricing import modality, tiers
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source

GENERATION_MODES = frozenset({"chat", "completion", "responses", None})
NOT_MODELS = frozenset({"sample_spec", "last_updated", "fallback_generalizations"})

_FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}
_COST_KEY = re.compile(r"^(" + "|".join(_FIELDS) + r")(.*)$")
_SUFFIX = re.compile(r"^(?:_above_(\d+)k_tokens)?(?:_(batches|batch_requests|priority|flex))?$")
_SERVICE = {"batches": tiers.BATCH, "batch_requests": tiers.BATCH, "priority": tiers.PRIORITY, "flex": tiers.FLEX}

# The oldest file (2023-09-06) names no provider; these prefixes are what its keys and LiteLLM's routing imply.
_DERIVED_PROVIDER = (
    (re.compile(r"^(gpt-|text-|davinci|babbage|ada|curie|o\d)"), "openai"),
    (re.compile(r"^claude"), "anthropic"),
    (re.compile(r"^(chat|text|code|codechat)-bison"), "vertex_ai"),
    (re.compile(r"^command"), "cohere"),
    (re.compile(r"^together-ai-"), "together_ai"),
)


def derive_provider(key: str) -> str:
    if "/" in key:
        return key.split("/", 1)[0]
    for pattern, provider in _DERIVED_PROVIDER:
        if pattern.match(key):
            return provider
    return "unknown"


def _tier(suffix: str) -> tuple[str, str | None] | None:
    """`_above_200k_tokens_priority` → (`above_200k_priority`, `priority`); None for other suffixes."""
    if suffix == "_cache_hit":  # 2024 spelling of the cache-read price
        return tiers.STANDARD, None
    found = _SUFFIX.match(suffix)
    if not found:
        return None
    context, service = found.groups()
    service_tier = _SERVICE[service] if service else None
    parts = [tiers.above(int(context) * 1000) if context else None, service_tier]
    return "_".join(p for p in parts if p) or tiers.STANDARD, service_tier


@lru_cache(maxsize=4096)
def _classify(key: str) -> tuple[str, str, str | None] | None:
    """(field, tier, service tier) of a cost key, or None; cached because a few hundred key names repeat."""
    found = _COST_KEY.match(key)
    if not found:
        return None
    field, suffix = _FIELDS[found.group(1)], found.group(2)
    if suffix == "_cache_hit" and field == "input":
        field = "cache_read"
    tier = _tier(suffix)
    if tier is None:  # e.g. `_above_1hr` cache writes, per-audio-token cache reads: not text token prices
        return None
    return field, *tier


def _costs(entry: dict[str, Any]) -> tuple[dict[str, dict[str, float | None]], dict[str, str | None]]:
    """Per tier, the per-1M price of each field; and per tier, the service tier it falls back to."""
    by_tier: dict[str, dict[str, float | None]] = {}
    base_of: dict[str, str | None] = {}
    for key, value in entry.items():
        kind = _classify(key)
        if kind is None:
            continue
        field, name, service = kind
        prices = by_tier.setdefault(name, {})
        if prices.get(field) is None:
            prices[field] = per_token_to_per_mtok(value)
        if name.startswith("above_"):
            base_of[name] = service or tiers.STANDARD
    return by_tier, base_of


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"litellm {meta.url}")
    if not isinstance(doc, dict):
        raise ParseError(f"litellm {meta.url}: expected an object keyed by model name, got {type(doc).__name__}")
    out = ParseResult()
    for key, entry in doc.items():
        if key in NOT_MODELS or not isinstance(entry, dict):
            continue
        mode = entry.get("mode")
        if mode not in GENERATION_MODES:
            out.skipped.append(f"{key}: mode {mode!r} is not token-priced text generation")
            continue
        provider = str(entry.get("litellm_provider") or derive_provider(key))
        try:
            by_tier, base_of = _costs(entry)
        except RowError as exc:  # one unreadable price holds this model's prices, not the whole document
            out.hold_error(exc, f"{key}: {exc}", PriceRow, provider=provider, model=key)
            continue
        standard = by_tier.get(tiers.STANDARD, {})
        if tiers.not_priced(standard.get("input"), standard.get("output"), key):
            out.skipped.append(f"{key}: no price (missing or 0.0)")
            continue
        for tier, prices in by_tier.items():
            # A long-context tier that lists only the dearer input (or output) keeps the other at its base price.
            base = by_tier.get(base_of.get(tier) or "", {})
            price_in = prices.get("input") if prices.get("input") is not None else base.get("input")
            price_out = prices.get("output") if prices.get("output") is not None else base.get("output")
            if tier != tiers.STANDARD and tiers.not_priced(price_in, price_out, key):
                continue  # a tier with only cache prices, or 0.0 placeholders: that tier is not offered
            try:
                out.rows.append(
                    PriceRow(
                        provider=provider,
                        model=key,
                        tier=tiers.label(tier, key),
                        input_per_mtok=price_in,
                        output_per_mtok=price_out,
                        cache_read_per_mtok=prices.get("cache_read"),
                        cache_write_per_mtok=prices.get("cache_write"),
                        modality=modality.of_litellm_mode(mode),
                    )
                )
            except RowError as exc:
                out.hold_error(exc, f"{key} [{tier}]: {exc}")
    return out


SOURCE = Source(
    id="litellm",
    kind="pricing",
    label="LiteLLM",
    base_url="https://raw.githubusercontent.com",
    paths=("/BerriAI/litellm/main/model_prices_and_context_window.json",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=6)),
    max_age=timedelta(days=14),  # stale when its content stands still longer: the map is edited almost daily
    description="LiteLLM price map: USD per token for ~2,000 chat models across providers, with tiers.",
    min_rows=10,
    real_files=(
        "realdata §1: 12 versions of `model_prices_and_context_window.json` on BerriAI/litellm `main` (2023-09"
        " to 2026-03, read from a fork holding upstream history) and §1b (2026-07-24, via a mirror)."
    ),
)
