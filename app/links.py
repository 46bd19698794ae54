"""Where a change event leads: the page (and its query parameters) about the event's entity."""

from __future__ import annotations

from urllib.parse import urlencode

import polars as pl

_PRICE_KINDS = {"price_cut", "price_hike", "new_model", "model_removed"}
_GAP_KINDS = {"new_leader", "open_overtakes_closed", "closed_overtakes_open", "gap_threshold"}
_SOURCE_KINDS = {"source_failing", "source_quarantined", "source_stale"}


def entity_link(kind: str, entity: str | None, model: str | None, names_licence: bool = False) -> str | None:
    """A relative URL to a page of app/main.py, so it works under any server base path.

    Values are URL-encoded, never markup. Entity shapes follow the change detectors: prices carry the source's
    model in their facts (`model`), licence changes name the licence (`names_licence`: the event's source writes
    licence texts, as `source_info.fact_tables` says) or the canonical model, gap thresholds are
    `definition/capability/board`.
    """
    if kind in _PRICE_KINDS:
        return f"prices?{urlencode({'model': model})}" if model else "prices"
    if kind == "license_change":
        param = "licence" if names_licence else "model_id"
        return f"licences?{urlencode({param: entity})}" if entity else "licences"
    if kind in _GAP_KINDS:
        parts = (entity or "").split("/")
        if kind == "gap_threshold" and len(parts) == 3:
            return f"gap_trends?{urlencode({'capability': parts[1], 'board': parts[2]})}"
        return "gap_trends"
    if kind in _SOURCE_KINDS:
        return "sources"
    return None


def entity_links(feed: pl.DataFrame) -> pl.Series:
    return pl.Series(
        "open",
        [entity_link(k, e, m, bool(n)) for k, e, m, n in zip(feed["kind"], feed["entity"], feed["model"],
                                                              feed["names_licence"], strict=True)],
        dtype=pl.Utf8,
    )
