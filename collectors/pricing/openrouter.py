"""OpenRouter's public model list: `GET /api/v1/models`, prices as strings in USD per token.

Sentinels: a price of "-1" means "variable, set per request" (the `openrouter/auto` router), so no price
row is written; "0" is a real price only for `:free` variants, elsewhere it means "not priced".

Every price row's provider is `openrouter`: it resells other makers' models, so its prices are not the
makers' own and price comparisons leave them out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from collectors.parsing import load_json, per_token_to_per_mtok
from collectors.pricing import modality
from gapwatch.rows import ModelRow, ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source


def _price_tier(model_id: str) -> str:
    return "free" if model_id.endswith(":free") else "standard"


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"openrouter {meta.url}")
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise ParseError("openrouter: expected an object with a `data` list of models")
    out = ParseResult()
    for entry in doc["data"]:
        if not isinstance(entry, dict) or not entry.get("id"):
            # Which model it was is unknown: no fact of this document may read its absence as a removal.
            out.hold(f"entry without id: {str(entry)[:80]}")
            continue
        model_id = str(entry["id"])
        created = entry.get("created")
        out.rows.append(
            ModelRow(
                model=model_id,
                name=entry.get("name"),
                organization=model_id.split("/", 1)[0] if "/" in model_id else None,
                hugging_face_id=entry.get("hugging_face_id") or None,
                context_length=entry.get("context_length"),
                released=datetime.fromtimestamp(created, UTC).date() if isinstance(created, int | float) else None,
                open_weights=True if entry.get("hugging_face_id") else None,
            )
        )
        pricing = entry.get("pricing")
        if not isinstance(pricing, dict):
            out.skipped.append(f"{model_id}: no pricing object")
            continue
        raw_in, raw_out = pricing.get("prompt"), pricing.get("completion")
        if "-1" in (str(raw_in), str(raw_out)):
            out.skipped.append(f"{model_id}: variable pricing (-1 sentinel)")
            continue
        tier = _price_tier(model_id)
        architecture = entry.get("architecture") if isinstance(entry.get("architecture"), dict) else {}
        try:
            price_in, price_out = per_token_to_per_mtok(raw_in), per_token_to_per_mtok(raw_out)
        except RowError as exc:
            out.hold_error(exc, f"{model_id}: {exc}", PriceRow, provider="openrouter", model=model_id, tier=tier)
            continue
        if tier != "free" and not price_in and not price_out:
            out.skipped.append(f"{model_id}: zero/missing price on a paid model")
            continue
        try:
            out.rows.append(
                PriceRow(
                    provider="openrouter",
                    model=model_id,
                    tier=tier,
                    input_per_mtok=price_in,
                    output_per_mtok=price_out,
                    cache_read_per_mtok=per_token_to_per_mtok(pricing.get("input_cache_read")),
                    cache_write_per_mtok=per_token_to_per_mtok(pricing.get("input_cache_write")),
                    modality=modality.of_modalities(architecture.get("input_modalities"),
                                                    architecture.get("output_modalities")),
                )
            )
        except RowError as exc:
            out.hold_error(exc, f"{model_id}: {exc}", PriceRow, provider="openrouter", model=model_id, tier=tier)
    return out


SOURCE = Source(
    id="openrouter",
    kind="pricing",
    label="OpenRouter",
    base_url="https://openrouter.ai",
    paths=("/api/v1/models",),
    row_types=(PriceRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=6)),
    max_age=timedelta(days=14),  # stale when its content stands still longer: new models are listed every few days
    description="OpenRouter model list: per-token prices, context length, Hugging Face ids.",
    min_rows=10,
    reseller=True,
    real_files=(
        "realdata §6: a raw `GET /api/v1/models` response of 2026-05-15 (the URL fetched); fixtures "
        "`models_2026-05-15.json`, `models_2026-07-17.json`."
    ),
)
