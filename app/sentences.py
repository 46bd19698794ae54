"""Tables a reader reads: change events as sentences, the gap table with trend arrows.

Event facts are the JSON the detectors in `warehouse/changes/` write (price keys and `*_per_mtok`, board entries
with `model`/`score`, `open_model`/`closed_model` side by side, licence ids); a fact a sentence needs but an event
lacks is left out of the sentence rather than shown as "None".
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from app import format

# A gap that moved less than this over 90 days (in the board's units) reads as flat.
FLAT = 0.5


def _facts(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _price(values: dict[str, Any]) -> str | None:
    ins, outs = values.get("input_per_mtok"), values.get("output_per_mtok")
    if ins is None and outs is None:
        return None
    if outs is None or ins == outs:
        return format.usd(ins)
    if ins is None:
        return f"{format.usd(outs)} out"
    return f"{format.usd(ins)} in / {format.usd(outs)} out"


def _board(entity: str | None) -> str:
    """`lmarena-text/overall` → `lmarena-text (overall)`."""
    board, _, category = (entity or "").partition("/")
    return f"{board} ({category})" if category else board


def _score(value: Any) -> str:
    return format.num(value, 1) if isinstance(value, int | float) else format.MISSING


def _new_leader(entity: str | None, model: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """The leader (or the models sharing the lead) at the snapshot, and where the previous leader stands now: its
    score before the snapshot can be higher than the new leader's (the board was rescored, or it left)."""
    leaders = [after.get("model", model), *after.get("tied_with", [])]
    verb = f"{' and '.join(leaders)} share the lead on" if len(leaders) > 1 else f"{leaders[0]} leads"
    lead = f"{verb} {_board(entity)} with {_score(after.get('score'))}"
    old, was = before.get("model"), _score(before.get("score"))
    if not old:
        return lead
    if "previous_leader_score" not in after:  # recorded before the detector kept it: only the past is known
        return f"{lead}, replacing {old} ({was} before)"
    now = after["previous_leader_score"]
    if now is None:
        return f"{lead}; the previous leader, {old} ({was}), is no longer listed"
    moved = "" if _score(now) == was else f", was {was}"
    return f"{lead}, ahead of the previous leader {old} (now {_score(now)}{moved})"


def sentence(kind: str, entity: str | None, source: str | None, magnitude: float | None,
             before: dict[str, Any], after: dict[str, Any], label: str | None = None) -> str:
    """One event as a sentence: "OpenRouter cut DeepSeek V3 by 10.0 %: $0.35 → $0.32 per 1M". `label` is how the
    source names itself (its declaration's label, `source_info.label`); without one the id reads as itself."""
    who = (label or source) if source else "A source"
    model = after.get("model") or before.get("model") or entity or "a model"
    if kind in ("price_cut", "price_hike"):
        verb = "cut" if kind == "price_cut" else "raised"
        provider = after.get("provider") or before.get("provider")
        by = f" by {format.pct(abs(magnitude))}" if magnitude is not None else ""
        at = f" at {provider}" if provider and provider != source else ""
        old, new = _price(before), _price(after)
        moved = f": {old} → {new} per 1M tokens" if old and new else ""
        return f"{who} {verb} the price of {model}{at}{by}{moved}"
    if kind == "new_model":
        return f"{who} lists a new model: {entity or model}"
    if kind == "model_removed":
        return f"{who} no longer lists {entity or model}"
    if kind == "new_leader":
        return _new_leader(entity, model, before, after)
    if kind in ("open_overtakes_closed", "closed_overtakes_open"):
        ahead, behind = (("open", "closed") if kind == "open_overtakes_closed" else ("closed", "open"))
        return (f"On {_board(entity)} the best {ahead} model, {after.get(f'{ahead}_model', '?')} "
                f"({_score(after.get(f'{ahead}_score'))}), overtook the best {behind}, "
                f"{after.get(f'{behind}_model', '?')} ({_score(after.get(f'{behind}_score'))})")
    if kind == "gap_threshold":
        definition, _, rest = (entity or "").partition("/")
        capability, _, board = rest.partition("/")
        direction = after.get("direction", "moved")
        return (f"The {capability.replace('_', ' ')} gap on {board} {direction} to "
                f"{_score(after.get('gap_abs'))} (was {_score(before.get('gap_abs'))}; open = {definition})")
    if kind == "license_change":
        if "lines_added" in after:
            return (f"The text of licence {entity} changed: +{after.get('lines_added', 0)} / "
                    f"−{after.get('lines_removed', 0)} lines")
        old = before.get("license_id") or before.get("license")
        new = after.get("license_id") or after.get("license")
        openness = f" ({after['openness']})" if after.get("openness") else ""
        return f"{entity} changed licence: {old or 'none'} → {new or 'none'}{openness}"
    if kind == "source_failing":
        failures = after.get("failures")
        return f"{who} is failing" + (f" ({failures} runs in a row)" if failures else "")
    if kind == "source_quarantined":
        return f"{who} sent a document that was held back (quarantined) instead of ingested"
    return f"{kind.replace('_', ' ').capitalize()}: {entity or ''}".rstrip(": ")


def change_feed(feed: pl.DataFrame) -> pl.DataFrame:
    """The feed with a `sentence` column (the raw JSON columns dropped); its `source_label` names the source."""
    said = [sentence(r["kind"], r["entity"], r["source"], r["magnitude"], _facts(r["before"]), _facts(r["after"]),
                     r.get("source_label"))
            for r in feed.iter_rows(named=True)]
    return feed.with_columns(pl.Series("sentence", said, dtype=pl.Utf8)).drop("before", "after")


TREND_DAYS = 90


def trend(change_90d: float | None, age_days: int | None = None) -> str:
    """The gap's move over the last 90 days, from data inside that window only: a board with no data newer than
    the window's start has no trend to show (its gap was carried, not measured)."""
    if age_days is not None and age_days >= TREND_DAYS:
        return f"no new data in {TREND_DAYS} days"
    if format.is_missing(change_90d):
        return format.MISSING
    if abs(change_90d) < FLAT:
        return "→ flat"
    arrow = "↓ narrower" if change_90d < 0 else "↑ wider"
    return f"{arrow} by {abs(change_90d):,.1f}"


def gap_cell(r: dict) -> str:
    """The gap, and where a model of unknown openness sits between the sides, the gap were it open."""
    gap = format.num(r["gap_abs"], 1, signed=True)
    if r.get("unknown_model") and not format.is_missing(r.get("gap_if_unknown_open")):
        return f"{gap} ({format.num(r['gap_if_unknown_open'], 1, signed=True)} if {r['unknown_model']} is open)"
    return gap


def data_age(r: dict) -> str:
    """The day the row's board data are of, and how much older than the newest data in the warehouse: the reader
    sees at a glance whether the row describes today; `stale` (older than the headline lag) is marked in words."""
    if not r.get("board"):
        return format.MISSING
    day = format.day(r.get("data_date") or r.get("as_of"))
    age = r.get("age_days")
    if age is None:
        return day
    if age == 0:
        return f"{day} (newest)"
    return f"{day} ({age} days old{', stale' if r.get('stale') else ''})"


def headline_table(headline: pl.DataFrame) -> pl.DataFrame:
    """The seed's table as text: one row per capability, the note in place of missing figures."""
    rows = []
    for r in headline.iter_rows(named=True):
        rows.append({
            "Capability": r["capability"].replace("_", " ").capitalize(),
            "Best open model": r["best_open_model"] or format.MISSING,
            "Open score": format.num(r["best_open_score"], 1),
            "Best closed model": r["best_closed_model"] or format.MISSING,
            "Closed score": format.num(r["best_closed_score"], 1),
            # What each side costs: the price a buyer pays for that model (`data.with_side_prices`).
            "Open $/1M": format.usd(r.get("open_price")),
            "Closed $/1M": format.usd(r.get("closed_price")),
            "Gap": gap_cell(r),
            "Gap %": format.pct(r["gap_rel"], ratio=True),
            "90-day trend": trend(r.get("change_90d"), r.get("age_days")),
            "Board": r["board"] or format.MISSING,
            "Data of": data_age(r),
            # Why a figure is missing belongs beside it; how a filled row's board was chosen is in the notes below.
            "Note": (r["note"] or "") if format.is_missing(r["gap_abs"]) else "",
        })
    table = pl.DataFrame(rows, schema={k: pl.Utf8 for k in (
        "Capability", "Best open model", "Open score", "Best closed model", "Closed score", "Open $/1M",
        "Closed $/1M", "Gap", "Gap %",
        "90-day trend", "Board", "Data of", "Note")})
    return table if (table["Note"] != "").any() else table.drop("Note")


def stale_notice(health: pl.DataFrame) -> str | None:
    """One notice naming every stale source with its newest data (Markdown; source ids are ours), or None."""
    stale = health.filter(pl.col("stale"))
    if stale.is_empty():
        return None
    listed = ", ".join(f"**{r['source']}** ({format.day(r['newest_data'])})" for r in stale.iter_rows(named=True))
    many = "One source is" if stale.height == 1 else f"{stale.height} sources are"
    return (f"{many} stale, their newest data older than each declares they may be (the upstream may have stopped "
            f"publishing): {listed}.")
