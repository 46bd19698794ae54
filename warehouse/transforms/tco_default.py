"""The default cost-of-ownership scenario (`v_tco_scenarios`) from current prices and the settings.

Unless the settings name the models, the closed option is the best-rated closed model with a current price and
the hosted-open option the best-rated open-weights model with one (rated on the reference board, see
`quality`); the self-hosted option serves that same open model on the configured hardware.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from gapwatch.settings import Settings
from warehouse.transforms.prices import STANDARD_TIER, trusted
from warehouse.transforms.scores import alive_at, is_open
from warehouse.transforms.tco import ApiPrice, SelfHosting, Workload, cost_table


def self_hosting(settings: Settings) -> SelfHosting:
    return SelfHosting(
        gpu_hourly_usd=settings.tco_gpu_hourly_usd,
        gpus_per_replica=settings.tco_gpus_per_replica,
        replica_tokens_per_s=settings.tco_replica_tokens_per_s,
        utilisation=settings.tco_utilisation,
        ops_usd_per_month=settings.tco_ops_usd_per_month,
        min_replicas=settings.tco_min_replicas,
    )


def current_prices(priced: pl.DataFrame) -> pl.DataFrame:
    """Current standard-tier prices of matched token models with both sides known, from their maker or hosts
    (never a reseller or a grey market), cheapest per provider."""
    return (
        priced.filter(
            pl.col("valid_to").is_null() & (pl.col("tier") == STANDARD_TIER) & pl.col("model_id").is_not_null()
            & pl.col("input_per_mtok").is_not_null() & pl.col("output_per_mtok").is_not_null() & trusted()
        )
        .sort("blended_price")
        .unique(["model_id", "provider"], keep="first")
        .select("model_id", "openness", "provider", "input_per_mtok", "output_per_mtok")
    )


def pick(
    current: pl.DataFrame, quality: pl.DataFrame, as_of: date, openness: pl.Expr, chosen: str | None
) -> str | None:
    """The named model, else the best-rated model of that openness with a current price (ties: alphabetical)."""
    if chosen is not None:
        return chosen
    rated = (
        current.filter(openness).select("model_id").unique()
        .join(quality.filter(alive_at(as_of)).group_by("model_id").agg(pl.col("score").max()), on="model_id")
        .sort(["score", "model_id"], descending=[True, False])
    )
    return rated["model_id"][0] if rated.height else None


def api_prices(current: pl.DataFrame, model_id: str | None) -> list[ApiPrice]:
    if model_id is None:
        return []
    rows = current.filter(pl.col("model_id") == model_id).sort("provider").iter_rows(named=True)
    return [ApiPrice(r["provider"], r["input_per_mtok"], r["output_per_mtok"]) for r in rows]


def default_scenario(priced: pl.DataFrame, quality: pl.DataFrame, as_of: date, settings: Settings) -> pl.DataFrame:
    current = current_prices(priced)
    closed = pick(current, quality, as_of, pl.col("openness") == "closed", settings.tco_closed_model)
    hosted = pick(current, quality, as_of, is_open("open-weights"), settings.tco_open_model)
    workload = Workload(settings.tco_monthly_tokens, settings.tco_input_share)
    apis = {"closed_api": (closed, api_prices(current, closed)), "hosted_open": (hosted, api_prices(current, hosted))}
    return cost_table(workload, apis, self_hosting(settings), hosted).with_columns(scenario=pl.lit("default"))
