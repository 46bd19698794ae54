"""Events read straight from the ingest's fact diff: price moves, catalogue arrivals/removals, licence labels.

Only accepted documents produce a diff (a rejected one writes no facts), so nothing here can come from a
quarantined page. A source's first accepted snapshot is a baseline: it "adds" everything and means nothing.
"""

from __future__ import annotations

from typing import Any

from gapwatch.settings import Settings
from gapwatch.source import FactChange
from warehouse.changes.events import ChangeEvent, Context, evidence
from warehouse.facts import FACT_TABLES
from warehouse.price_roles import with_roles
from warehouse.transforms.prices import blend

# The price fields compared one by one (and blended when they disagree).
_PRICES = ("input_per_mtok", "output_per_mtok")


def previous_evidence(ctx: Context, change: FactChange) -> str | None:
    """The document that showed the value this change ends (its interval closed at this observation)."""
    spec = next(t for t in FACT_TABLES.values() if t.name == change.table)
    memo_key = ("closed_evidence", spec.name)
    if memo_key not in ctx.memo:
        # One query per table and ingest: a large price list changes thousands of facts at once.
        rows = ctx.con.execute(
            f"SELECT {', '.join(spec.key)}, evidence_sha256 FROM {spec.name} WHERE source = ? AND valid_to = ? "
            "ORDER BY valid_from",
            [ctx.source, ctx.at],
        ).fetchall()
        ctx.memo[memo_key] = {tuple(r[:-1]): r[-1] for r in rows}
    return ctx.memo[memo_key].get(tuple(change.key[k] for k in spec.key))


def _pct(before: float | None, after: float | None) -> float | None:
    if before is None or after is None or before <= 0:
        return None
    return (after - before) / before * 100.0


def _blended(values: dict[str, Any], settings: Settings) -> float | None:
    price_in, price_out = (values.get(k) for k in _PRICES)
    if price_in is None or price_out is None:
        return None
    return blend(price_in, price_out, settings.blend_input_weight, settings.blend_output_weight)


def price_move(change: FactChange, settings: Settings) -> tuple[str, float, dict[str, float | None]] | None:
    """Kind, magnitude (%) and per-component changes of one price change, or None if nothing comparable moved.

    Input and output prices are compared separately; the magnitude is the larger move when they agree in
    direction. When they move in opposite directions the blended price (weights from the settings) decides.
    """
    before, after = change.before or {}, change.after or {}
    moves = {f"{k.removesuffix('_per_mtok')}_change_pct": _pct(before.get(k), after.get(k)) for k in _PRICES}
    moves["blended_change_pct"] = _pct(_blended(before, settings), _blended(after, settings))
    parts = [m for k, m in moves.items() if k != "blended_change_pct" and m]
    if not parts:
        return None
    if all(m < 0 for m in parts) or all(m > 0 for m in parts):
        magnitude = max(parts, key=abs)
    elif moves["blended_change_pct"]:
        magnitude = moves["blended_change_pct"]
    else:
        return None
    return ("price_cut" if magnitude < 0 else "price_hike"), magnitude, moves


# What a moved listing is to its model (warehouse/price_roles.py) and the model's price a buyer pays now
# (`v_price_of_model`), for the alert to say whether the move is the list price's or a reseller's.
_LISTING_SQL = """
WITH _moved AS (
    SELECT c.source, c.provider, c.model, n.model_id, n.openness, NULL::VARCHAR AS modality
    FROM (SELECT ? AS source, unnest(?::VARCHAR[]) AS provider, unnest(?::VARCHAR[]) AS model) c
    LEFT JOIN v_model_names n ON n.source = c.source AND n.source_model = c.model
)
SELECT r.provider, r.model, r.role, p.kind, p.provider, p.blended_per_mtok
FROM ({roles}) r LEFT JOIN v_price_of_model p ON p.model_id = r.model_id AND p.tier = 'standard'
"""
_LISTING_NEEDS = ("v_model_names", "v_price_of_model", "price_maker")


def _listings(ctx: Context, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    if not keys or not all(ctx.has(n) for n in _LISTING_NEEDS):
        return {}
    sql = _LISTING_SQL.format(roles=with_roles("SELECT * FROM _moved"))
    rows = ctx.con.execute(sql, [ctx.source, [k[0] for k in keys], [k[1] for k in keys]]).fetchall()
    return {(provider, model): {"role": role, "model_price_kind": kind, "model_price_provider": seller,
                                "model_price_blended": blended}
            for provider, model, role, kind, seller, blended in rows}


def price_changes(ctx: Context) -> list[ChangeEvent]:
    """`price_cut` / `price_hike` for each price this ingest changed by at least the configured percentage, with
    the listing's role and its model's list (or market) price as annotations."""
    moved = []
    for change in ctx.outcome.diff.changed:
        if change.table != "price":
            continue
        move = price_move(change, ctx.settings)
        if move is None or abs(move[1]) < ctx.settings.price_change_min_pct:
            continue
        moved.append((change, move))
    listed = _listings(ctx, sorted({(c.key["provider"], c.key["model"]) for c, _ in moved}))
    out = []
    for change, (kind, magnitude, detail) in moved:
        key = change.key
        entity = f"{key['provider']}/{key['model']}" + ("" if key["tier"] == "standard" else f" [{key['tier']}]")
        listing = listed.get((key["provider"], key["model"]), {})
        out.append(ChangeEvent(
            kind, entity, ctx.source, {**key, **(change.before or {})},
            {**key, **(change.after or {}), **detail, **listing},
            round(magnitude, 4), evidence(change.evidence, previous_evidence(ctx, change)), ctx.at,
            annotations=tuple(listing),
        ))
    return out


def _openness(ctx: Context, models: list[str]) -> dict[str, str]:
    if not models or not ctx.has("v_model_names"):
        return {}
    return dict(ctx.con.execute(
        "SELECT source_model, openness FROM v_model_names WHERE source = ? AND list_contains(?, source_model)",
        [ctx.source, models]).fetchall())


def catalogue_moves(ctx: Context) -> list[ChangeEvent]:
    """`new_model` / `model_removed` for a source's model catalogue (the `source_model` facts)."""
    if ctx.baseline:
        return []
    out = []
    added = [c for c in ctx.outcome.diff.added if c.table == "source_model"]
    openness = _openness(ctx, [c.key["model"] for c in added])
    for change in added:
        model = change.key["model"]
        after = {"model": model, **(change.after or {}), "openness": openness.get(model)}
        out.append(ChangeEvent("new_model", model, ctx.source, None, after, None, evidence(change.evidence), ctx.at,
                               annotations=("openness",)))
    for change in ctx.outcome.diff.removed:
        if change.table == "source_model":
            model = change.key["model"]
            before = {"model": model, **(change.before or {})}
            # The documents that no longer list it, then the one that last did.
            shown = evidence(*ctx.documents, previous_evidence(ctx, change))
            out.append(ChangeEvent("model_removed", model, ctx.source, before, None, None, shown, ctx.at))
    return out


def _licence(values: dict[str, Any] | None) -> str | None:
    text = (values or {}).get("license")
    return text.strip() if isinstance(text, str) and text.strip() else None


# Fact tables whose rows state a model's licence label, and the key field naming the model.
_LICENSED = {"source_model": "model", "leaderboard_score": "model", "hub_model": "repo"}


def source_license_moves(ctx: Context) -> list[ChangeEvent]:
    """A licence label a source states for a model changed (first mention is not a change)."""
    out = []
    for change in ctx.outcome.diff.changed:
        if change.table not in _LICENSED:
            continue
        old, new = _licence(change.before), _licence(change.after)
        if old is None or new is None or old.casefold() == new.casefold():
            continue
        model = change.key[_LICENSED[change.table]]
        org = (change.after or {}).get("organization")
        # One event per model even when a board lists it in several categories: same key, stored once.
        out.append(ChangeEvent("license_change", model, ctx.source, {"license": old},
                               {"license": new, "organization": org},
                               None, evidence(change.evidence, previous_evidence(ctx, change)), ctx.at))
    return out
