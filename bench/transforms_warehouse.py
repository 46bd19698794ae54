"""A generated warehouse for the transforms benchmark: N models over Y years, as the warehouse stores them.

The warehouse keeps facts as validity intervals, so daily observations of an unchanged score or price are one
row. Scores here change on average every `score_change_days` (a leaderboard re-estimating ratings), prices
every `price_change_days`; a share of models is retired before the end. The tables carry the columns of the
views the transforms read (v_capability_scores, v_model_names, v_price_history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

# (board, category, capability, share of models on it)
CATEGORIES = (
    ("arena", "overall", "general", 0.6),
    ("arena", "coding", "coding", 0.45),
    ("arena", "webdev", "coding", 0.2),
    ("arena", "math", "math", 0.45),
    ("arena", "if", "instruction_following", 0.4),
    ("arena", "multilingual", "multilingual", 0.4),
    ("arena", "long", "long_context", 0.3),
    ("codebench", "pass@1", "coding", 0.3),
    ("mathbench", "accuracy", "math", 0.3),
)
OPENNESS = ("closed", "open-source", "open-weights-permissive", "open-weights-restricted",
            "open-weights-noncommercial", "unknown")
OPENNESS_SHARE = (0.35, 0.15, 0.1, 0.25, 0.05, 0.1)


@dataclass(frozen=True)
class Shape:
    models: int = 5_000
    years: int = 5
    score_change_days: float = 30.0
    price_change_days: float = 120.0
    seed: int = 6


@dataclass
class Generated:
    scores: pl.DataFrame  # v_capability_scores columns the transforms read, plus source
    names: pl.DataFrame  # v_model_names
    prices: pl.DataFrame  # v_price_history columns the transforms read
    first: date
    as_of: date


def _series(rng: np.random.Generator, born: np.ndarray, dies: np.ndarray, every: float):
    """Change days of each series (one per row of born/dies): returns series index, start and end day arrays."""
    life = dies - born
    changes = rng.poisson(life / every)
    idx = np.repeat(np.arange(born.size), changes + 1)
    offsets = rng.random(idx.size) * life[idx]
    first = np.r_[0, np.cumsum(changes + 1)[:-1]]
    offsets[first] = 0  # every series starts on its first day
    day = born[idx] + offsets.astype(np.int64)
    order = np.lexsort((day, idx))
    idx, day = idx[order], day[order]
    end = np.r_[day[1:], 0]
    last = np.r_[idx[1:] != idx[:-1], True]
    end[last] = dies[idx[last]]
    keep = end > day
    return idx[keep], day[keep], end[keep]


def generate(shape: Shape = Shape()) -> Generated:
    rng = np.random.default_rng(shape.seed)
    days = int(shape.years * 365.25)
    first = date(2021, 1, 1)
    as_of = first + timedelta(days=days)
    n = shape.models
    born = rng.integers(0, days - 30, n)
    retired = rng.random(n) < 0.3
    dies = np.where(retired, born + rng.integers(30, days, n), days)
    dies = np.minimum(dies, days)
    openness = rng.choice(len(OPENNESS), n, p=OPENNESS_SHARE)
    # Quality rises over time; open models trail closed ones by about half a year of progress.
    quality = born / 365.25 * 40 - np.where(openness == 0, 0, 20) + rng.normal(0, 25, n)
    names = [f"model-{i:05d}" for i in range(n)]
    matched = rng.random(n) > 0.05

    score_parts = []
    for board, category, capability, share in CATEGORIES:
        on = np.flatnonzero(rng.random(n) < share)
        idx, start, end = _series(rng, born[on], dies[on], shape.score_change_days)
        model = on[idx]
        scale, base = (1.0, 1100.0) if board == "arena" else (0.1, 40.0)
        score = base + scale * (quality[model] + rng.normal(0, 5, model.size))
        score_parts.append(pl.DataFrame({
            "source": board, "board": board, "category": category, "capability": capability, "weight": 1.0,
            "model_ix": model, "score": score, "start": start, "end": end,
        }))
    noon = datetime.combine(first, datetime.min.time()) + timedelta(hours=12)
    when = pl.lit(noon) + pl.duration(days=pl.col("start"))
    until = pl.when(pl.col("end") < days).then(pl.lit(noon) + pl.duration(days=pl.col("end")))
    catalogue = pl.DataFrame({"model_ix": np.arange(n), "model": names})
    scores = (
        pl.concat(score_parts)
        .join(catalogue, on="model_ix")
        .select("source", "board", "category", "capability", "weight", "model", "score", when.alias("valid_from"),
                until.alias("valid_to"),
                # A board's own publication date (v_capability_scores), which the generator does not model.
                pl.lit(None, pl.Date).alias("publish_date"))
    )

    providers = np.where(openness == 0, rng.integers(1, 3, n), rng.integers(1, 6, n))
    priced = np.flatnonzero(rng.random(n) < 0.7)
    per = np.repeat(priced, providers[priced])
    idx, start, end = _series(rng, born[per], dies[per], shape.price_change_days)
    model = per[idx]
    level = np.where(openness[model] == 0, 3.0, 0.8) * np.exp(quality[model] / 150)
    drift = np.exp(-(start - born[model]) / 900)  # prices fall as a model ages
    input_price = level * drift * rng.uniform(0.7, 1.3, model.size)
    provider = np.concatenate([np.arange(k) for k in providers[priced]])[idx]
    prices = (
        pl.DataFrame({"model_ix": model, "provider_ix": provider, "input_per_mtok": input_price,
                      "output_per_mtok": input_price * 4, "start": start, "end": end})
        .join(catalogue, on="model_ix")
        .select(pl.lit("prices").alias("source"), pl.format("host-{}", "provider_ix").alias("provider"), "model",
                pl.lit("standard").alias("tier"), "input_per_mtok", "output_per_mtok", when.alias("valid_from"),
                until.alias("valid_to"))
    )
    model_names = pl.DataFrame({
        "model": names, "model_id": [m if ok else None for m, ok in zip(names, matched, strict=True)],
        "openness": [OPENNESS[o] if ok else "unknown" for o, ok in zip(openness, matched, strict=True)],
    })
    names_frame = pl.concat([
        pl.DataFrame({"source": [s]}).join(model_names, how="cross")
        for s in ("arena", "codebench", "mathbench", "prices")
    ]).select("source", pl.col("model").alias("source_model"), "model_id", pl.lit("exact").alias("method"),
              pl.lit(1.0).alias("confidence"), "openness")
    return Generated(scores, names_frame, prices, first, as_of)


def daily(intervals: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The same facts as one row per day (what a warehouse without intervals would hold); a current fact's
    last day stays open (valid_to NULL)."""
    last = datetime.combine(as_of, datetime.min.time()) + timedelta(hours=12)
    end = pl.coalesce("valid_to", pl.lit(last) + pl.duration(days=1))
    day = pl.col("valid_from")
    return (
        intervals.with_columns(valid_from=pl.datetime_ranges("valid_from", end - pl.duration(days=1), "1d"))
        .explode("valid_from")
        .with_columns(valid_to=pl.when(pl.col("valid_to").is_null() & (day == last)).then(None)
                      .otherwise(day + pl.duration(days=1)))
    )


def daily_rows(intervals: pl.DataFrame, as_of: date) -> int:
    """How many daily rows the intervals stand for, without building them."""
    end = pl.coalesce("valid_to", pl.lit(datetime.combine(as_of, datetime.min.time()) + timedelta(hours=12)))
    return int(intervals.select((end - pl.col("valid_from")).dt.total_days().sum()).item())
