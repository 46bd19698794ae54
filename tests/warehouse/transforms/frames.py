"""Literal input frames in the shape `warehouse.transforms.inputs` reads from the warehouse."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

SCORE_SCHEMA = {
    "board": pl.String, "category": pl.String, "capability": pl.String, "weight": pl.Float64, "model": pl.String,
    "model_id": pl.String,
    "openness": pl.String, "score": pl.Float64, "valid_from": pl.Datetime("us"), "valid_to": pl.Datetime("us"),
}
PRICE_SCHEMA = {
    "source": pl.String, "provider": pl.String, "model": pl.String, "tier": pl.String, "model_id": pl.String,
    "openness": pl.String, "input_per_mtok": pl.Float64, "output_per_mtok": pl.Float64,
    "valid_from": pl.Datetime("us"), "valid_to": pl.Datetime("us"), "modality": pl.String, "role": pl.String,
    "per_token": pl.Boolean,
}


def at(day: str) -> datetime:
    """Noon UTC of an ISO day: collections happen during the day, intervals keep their day."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(hour=12)


def scores(*rows: tuple) -> pl.DataFrame:
    """Rows of (board, category, capability, model, openness, score, from_day, to_day or None[, weight]); the
    model is matched to a model_id of the same name, except names starting with `?` (unmatched). Weight 1."""
    data = [
        (b, c, cap, (rest or [1.0])[0], m, None if m.startswith("?") else m, o, float(s), at(f), at(t) if t else None)
        for b, c, cap, m, o, s, f, t, *rest in rows
    ]
    return pl.DataFrame(data, schema=SCORE_SCHEMA, orient="row")


def prices(*rows: tuple) -> pl.DataFrame:
    """Rows of (provider, model, openness, input, output, from_day, to_day or None); source `s`, tier standard,
    the maker's own listing of a text model."""
    data = [("s", p, m, "standard", m, o, i, out, at(f), at(t) if t else None, "text", "maker", True)
            for p, m, o, i, out, f, t in rows]
    return pl.DataFrame(data, schema=PRICE_SCHEMA, orient="row")
