"""pydantic/genai-prices `prices/new_data/v2/data.json`: a list of providers, each with models and prices in USD
per 1M.

The upstream stopped updating `prices/data.json` on 2026-07-25 and publishes its current data under
`prices/new_data/v2/` (same schema; `v3/` is a new, different one): that frozen file kept answering, so nothing
failed. The old file's history (the realdata staging set) still backfills through the same parser.

`prices` is one object or a list of periods. Periods constrained by `start_date` are price history: the
one in force at `meta.observed_at` is emitted (the last whose start date has passed), so parsing stays pure
and a backfill at an old date sees the old price. A value may be tiered by prompt size,
`{base, tiers: [{start, price}]}`: the base goes to tier `standard`, each threshold to `above_<start>`.
Periods constrained by time of day (`start_time`/`end_time`, DeepSeek's off-peak discount) never depend on
the hour of collection, or the price would flap with the schedule: the price in force for the larger part
of the day is `standard`, the other window is `off_peak` when cheaper (`peak` when dearer).
Fields other than text tokens (audio, per-request counts) are not token-LLM prices and are ignored.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from collectors.parsing import load_json, to_float
from collectors.pricing import tiers
from gapwatch.rows import ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source

_FIELDS = {"input_mtok": "input", "output_mtok": "output", "cache_read_mtok": "cache_read",
           "cache_write_mtok": "cache_write"}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _clock(value: Any) -> time | None:
    try:
        return time.fromisoformat(str(value).rstrip("Z")) if value else None
    except ValueError:
        return None


def _window_hours(constraint: dict[str, Any]) -> float | None:
    start, end = _clock(constraint.get("start_time")), _clock(constraint.get("end_time"))
    if start is None or end is None:
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (minutes % (24 * 60)) / 60


def _periods_in_force(periods: list[Any], on: date) -> tuple[dict[str, Any] | None, dict[str, Any] | None, float]:
    """(prices by date in force on `on`, prices of a time-of-day window or None, that window's length in hours)."""
    by_date: dict[str, Any] | None = None
    window: dict[str, Any] | None = None
    hours = 0.0
    for period in periods:
        if not isinstance(period, dict) or not isinstance(period.get("prices"), dict):
            continue
        constraint = period.get("constraint") or {}
        start = _day(constraint.get("start_date"))
        if start is not None and start > on:
            continue
        length = _window_hours(constraint)
        if length is not None:
            window, hours = period["prices"], length
        else:
            by_date = period["prices"]
    return by_date, window, hours


def _split_tiers(prices: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """{field: value | {base, tiers}} → {tier: {field: price}}; thresholds keep base prices for untiered fields."""
    base: dict[str, float | None] = {}
    above: dict[str, dict[str, float | None]] = {}
    for key, field in _FIELDS.items():
        value = prices.get(key)
        if isinstance(value, dict):
            base[field] = to_float(value.get("base"))
            for step in value.get("tiers") or []:
                start = to_float(step.get("start")) if isinstance(step, dict) else None
                if start is not None:
                    above.setdefault(tiers.above(int(start)), {})[field] = to_float(step.get("price"))
        else:
            base[field] = to_float(value)
    out = {tiers.STANDARD: base}
    for name, fields in above.items():
        out[name] = {**base, **fields}
    return out


def _row(provider: str, model: str, tier: str, prices: dict[str, float | None]) -> PriceRow:
    return PriceRow(provider=provider, model=model, tier=tiers.label(tier, model), input_per_mtok=prices.get("input"),
                    output_per_mtok=prices.get("output"), cache_read_per_mtok=prices.get("cache_read"),
                    cache_write_per_mtok=prices.get("cache_write"))


def _model_rows(provider: str, model: dict[str, Any], on: date) -> tuple[list[PriceRow], str | None]:
    model_id = str(model["id"])
    raw = model.get("prices")
    periods = raw if isinstance(raw, list) else [{"prices": raw}]
    by_date, window, hours = _periods_in_force(periods, on)
    if by_date is None and window is None:
        return [], f"{provider}/{model_id}: no price period in force on {on}"
    main, other = by_date, None
    if window is not None and by_date is not None:
        main, other = (window, by_date) if hours > 12 else (by_date, window)
    elif window is not None:
        main = window
    rows = []
    split = _split_tiers(main)
    if tiers.not_priced(split[tiers.STANDARD].get("input"), split[tiers.STANDARD].get("output"), model_id):
        return [], f"{provider}/{model_id}: no text token price (missing or 0)"
    for tier, prices in split.items():
        rows.append(_row(provider, model_id, tier, prices))
    if other is not None:
        alt = _split_tiers(other)[tiers.STANDARD]
        cheaper = (alt.get("input") or 0) < (split[tiers.STANDARD].get("input") or 0)
        rows.append(_row(provider, model_id, tiers.OFF_PEAK if cheaper else "peak", alt))
    return rows, None


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"genai-prices {meta.url}")
    if not isinstance(doc, list) or not all(isinstance(p, dict) and "models" in p for p in doc):
        raise ParseError(f"genai-prices {meta.url}: expected a list of providers, each with `models`")
    on = meta.observed_at.date()
    out = ParseResult()
    for provider in doc:
        provider_id = str(provider.get("id") or "")
        for model in provider["models"]:
            if not isinstance(model, dict) or not model.get("id") or "prices" not in model:
                out.skipped.append(f"{provider_id}: model entry without id/prices: {str(model)[:80]}")
                continue
            try:
                rows, reason = _model_rows(provider_id, model, on)
            except RowError as exc:
                rows, reason = [], f"{provider_id}/{model['id']}: {exc}"
            out.rows += rows
            if reason:
                out.skipped.append(reason)
    return out


SOURCE = Source(
    id="genai_prices",
    kind="pricing",
    label="genai-prices",
    base_url="https://raw.githubusercontent.com",
    paths=("/pydantic/genai-prices/main/prices/new_data/v2/data.json",),
    row_types=(PriceRow,),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=12)),
    max_age=timedelta(days=30),  # stale when its content stands still longer: weekly releases
    description="pydantic/genai-prices: curated USD per 1M prices with dated periods and context tiers.",
    min_rows=10,
    real_files="realdata §7: `prices/data.json` of pydantic/genai-prices, 4 versions (2025-06-23 to 2026-07-25).",
)
