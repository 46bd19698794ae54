"""models.dev `api.json`: `{provider_id: {id, name, models: {model_id: {..., cost, limit, open_weights}}}}`.

Costs are already USD per 1M tokens. Long-context prices come nested in `cost`, as `context_over_200k`
(a price object) or `tiers` (a list of `{tier: {type, size}, input, output, cache_read}`); both become tier
`above_<size>`. An entry still naming a `base_model` (`"openai/gpt-5"`) inherits that model's fields from the
same document, except those listed in `base_model_omit`. Also yields one `ModelRow` per model id with
`open_weights`, `release_date` and context limit, the openness evidence models.dev gives.

Each `ModelRow` field is decided by majority over the providers listing the model (an even split of
`open_weights` stays unknown).
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta
from typing import Any

from collectors.parsing import load_json, to_float
from collectors.pricing import modality, tiers
from collectors.pricing.models_dev_tree import api_document, deep_merge, omit, read_tarball
from gapwatch.rows import ModelRow, ParseResult, PriceRow, RowError
from gapwatch.source import DocMeta, ParseError, Schedule, Source, TreeFormat

_PRICE_FIELDS = ("input", "output", "cache_read", "cache_write")


def _resolve(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    base_ref = entry.get("base_model")
    if not isinstance(base_ref, str) or "/" not in base_ref:
        return entry
    lab, base_id = base_ref.split("/", 1)
    base = ((doc.get(lab) or {}).get("models") or {}).get(base_id)
    if not isinstance(base, dict):
        return entry
    inherited = omit(copy.deepcopy(base), list(entry.get("base_model_omit") or []))
    return deep_merge(inherited, entry)


def _prices(cost: dict[str, Any]) -> dict[str, float | None]:
    return {f: to_float(cost.get(f)) for f in _PRICE_FIELDS}


def _tiers(cost: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    base = _prices(cost)
    out = {tiers.STANDARD: base}
    extra: list[tuple[int, dict[str, Any]]] = []
    for key, value in cost.items():
        if key.startswith("context_over_") and isinstance(value, dict):
            size = key.removeprefix("context_over_").lower()
            scale = 1_000_000 if size.endswith("m") else 1000
            digits = size.rstrip("km")
            if digits.isdigit():
                extra.append((int(digits) * scale, value))
    for step in cost.get("tiers") or []:
        spec = step.get("tier") if isinstance(step, dict) else None
        size = to_float(spec.get("size")) if isinstance(spec, dict) else None
        if size is not None and spec.get("type", "context") == "context":
            extra.append((int(size), step))
    for size, value in extra:
        prices = _prices(value)
        for field in ("input", "output"):  # a tier that lists only one side keeps the other at base
            if prices[field] is None:
                prices[field] = base[field]
        out[tiers.above(size)] = prices
    return out


def _released(value: Any) -> date | None:
    text = str(value or "")
    try:
        if len(text) == 7:  # `YYYY-MM`: models.dev's month precision
            return date.fromisoformat(text + "-01")
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _model_row(model_id: str, entry: dict[str, Any]) -> ModelRow:
    limit = entry.get("limit") if isinstance(entry.get("limit"), dict) else {}
    context = to_float(limit.get("context"))
    lab = str(entry["base_model"]).split("/", 1)[0] if isinstance(entry.get("base_model"), str) else None
    open_weights = entry.get("open_weights")
    return ModelRow(
        model=model_id,
        name=entry.get("name") or None,
        organization=lab or (model_id.split("/", 1)[0] if "/" in model_id else None),
        context_length=int(context) if context is not None else None,
        released=_released(entry.get("release_date")),
        open_weights=open_weights if isinstance(open_weights, bool) else None,
    )


def _consensus(rows: list[ModelRow]) -> ModelRow:
    """One row per model id from every provider listing it: each field by majority, so one provider's slip
    (an open model marked `open_weights = false`) does not decide; an even split of openness stays unknown."""

    def vote(field: str) -> Any:
        counts = Counter(getattr(r, field) for r in rows if getattr(r, field) is not None)
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if field == "open_weights" and len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    return ModelRow(model=rows[0].model, name=vote("name"), organization=vote("organization"),
                    context_length=vote("context_length"), released=vote("released"),
                    open_weights=vote("open_weights"))


def parse(body: bytes, meta: DocMeta) -> ParseResult:
    doc = load_json(body, f"models.dev {meta.url}")
    if not isinstance(doc, dict) or not doc or not all(
        isinstance(p, dict) and isinstance(p.get("models"), dict) for p in doc.values()
    ):
        raise ParseError(f"models.dev {meta.url}: expected {{provider_id: {{..., models: {{...}}}}}}")
    out = ParseResult()
    catalogue: dict[str, list[ModelRow]] = {}
    for provider_id, provider in doc.items():
        for model_id, raw in provider["models"].items():
            if not isinstance(raw, dict):
                out.skipped.append(f"{provider_id}/{model_id}: not an object")
                continue
            entry = _resolve(doc, raw)
            model_name = str(entry.get("id") or model_id)
            try:
                row = _model_row(model_name, entry)
            except RowError as exc:
                out.hold_error(exc, f"{provider_id}/{model_name}: {exc}")
                continue
            catalogue.setdefault(model_name, []).append(row)
            cost = entry.get("cost")
            by_tier = _tiers(cost) if isinstance(cost, dict) else {}
            standard = by_tier.get(tiers.STANDARD, {})
            if tiers.not_priced(standard.get("input"), standard.get("output"), model_name):
                out.skipped.append(f"{provider_id}/{model_name}: no price (missing or 0)")
                continue
            shown = entry.get("modalities")
            output_modality = modality.of_modalities(*(shown.get(k) for k in ("input", "output"))) \
                if isinstance(shown, dict) else None
            for tier, prices in by_tier.items():
                try:
                    out.rows.append(PriceRow(provider=str(provider_id), model=model_name,
                                             tier=tiers.label(tier, model_name),
                                             input_per_mtok=prices["input"], output_per_mtok=prices["output"],
                                             cache_read_per_mtok=prices["cache_read"],
                                             cache_write_per_mtok=prices["cache_write"],
                                             modality=output_modality))
                except RowError as exc:
                    out.hold_error(exc, f"{provider_id}/{model_name} [{tier}]: {exc}")
    out.rows += [_consensus(catalogue[name]) for name in sorted(catalogue)]
    return out


SOURCE = Source(
    id="models_dev",
    kind="pricing",
    label="models.dev",
    base_url="https://models.dev",
    paths=("/api.json",),
    row_types=(PriceRow, ModelRow),
    parse=parse,
    schedule=Schedule(every=timedelta(hours=12)),
    max_age=timedelta(days=14),  # stale when its content stands still longer: the repository changes almost daily
    description="models.dev: USD per 1M prices per provider, open_weights flags, release dates, limits.",
    min_rows=10,
    # The site builds api.json from a repository of TOML files: its git history is the document's history.
    tree=TreeFormat(".toml", api_document, read_tarball),
    real_files=(
        "no real copy of `https://models.dev/api.json` itself: realdata §2 holds the models.dev TOML tree it "
        "is built from (5 snapshots, which the source's tree backfill reads); fixtures `api_2025-09-30.json`, "
        "`api_2026-03-21.json`."
    ),
)
