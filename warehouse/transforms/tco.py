"""Cost of ownership: what a monthly token volume costs on a closed API, a hosted open model, or self-hosted.

API cost is linear in tokens. Self-hosting is a step function: enough replicas (each `gpus_per_replica` GPUs
rented by the hour) to carry the volume at the assumed utilisation, plus a fixed monthly operations cost. The
crossover is the smallest monthly volume from which self-hosting costs no more than the API. Every figure
comes from the arguments; the app's calculator and `v_tco_scenarios` both call these functions.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import polars as pl

HOURS_PER_MONTH = 730.0  # 8,760 h / 12
MTOK = 1_000_000
# Beyond this many replicas a self-hosted deployment is a different project; the crossover search stops there.
MAX_REPLICAS = 1_000


@dataclass(frozen=True)
class Workload:
    monthly_tokens: float
    input_share: float = 0.75  # share of tokens that are input (prompt); 0.75 = 3:1 input:output


@dataclass(frozen=True)
class ApiPrice:
    provider: str
    input_per_mtok: float
    output_per_mtok: float

    def per_mtok(self, input_share: float) -> float:
        return input_share * self.input_per_mtok + (1 - input_share) * self.output_per_mtok


@dataclass(frozen=True)
class SelfHosting:
    gpu_hourly_usd: float
    gpus_per_replica: int
    replica_tokens_per_s: float  # sustained input+output throughput of one replica with batching
    utilisation: float  # average share of that capacity in use: traffic has peaks and nights
    ops_usd_per_month: float  # engineering time, monitoring, storage, paid whatever the volume
    min_replicas: int = 1  # 2 for a deployment that must survive losing a node
    hours_per_month: float = HOURS_PER_MONTH

    @property
    def replica_tokens_per_month(self) -> float:
        return self.replica_tokens_per_s * self.utilisation * 3600 * self.hours_per_month

    def replicas(self, monthly_tokens: float) -> int:
        return max(self.min_replicas, math.ceil(monthly_tokens / self.replica_tokens_per_month))

    def cost_of(self, replicas: int) -> float:
        return replicas * self.gpus_per_replica * self.gpu_hourly_usd * self.hours_per_month + self.ops_usd_per_month

    def monthly_cost(self, monthly_tokens: float) -> float:
        return self.cost_of(self.replicas(monthly_tokens))


def api_monthly_cost(workload: Workload, price: ApiPrice) -> float:
    return workload.monthly_tokens / MTOK * price.per_mtok(workload.input_share)


def crossover_tokens(api_per_mtok: float, hosting: SelfHosting) -> float | None:
    """Smallest monthly volume at which self-hosting costs no more than an API at `api_per_mtok` (None: never,
    within MAX_REPLICAS)."""
    if api_per_mtok <= 0:
        return None
    capacity = hosting.replica_tokens_per_month
    for replicas in range(hosting.min_replicas, MAX_REPLICAS + 1):
        floor = 0.0 if replicas == hosting.min_replicas else (replicas - 1) * capacity
        breakeven = max(floor, hosting.cost_of(replicas) / api_per_mtok * MTOK)
        if breakeven <= replicas * capacity:
            return breakeven
    return None


def cost_table(
    workload: Workload,
    apis: dict[str, tuple[str | None, list[ApiPrice]]],
    hosting: SelfHosting,
    self_hosted_model: str | None,
) -> pl.DataFrame:
    """One row per option: `apis` maps option → (model, its providers' prices), plus `self_hosted`.

    An API option's low/high span its providers; its crossover is where self-hosting becomes cheaper than its
    cheapest provider. An option without prices keeps null costs rather than disappearing.
    """
    rows = []
    for option, (model, prices) in apis.items():
        per_mtok = sorted(p.per_mtok(workload.input_share) for p in prices)
        rows.append({
            "option": option, "model": model,
            "monthly_cost_low": workload.monthly_tokens / MTOK * per_mtok[0] if per_mtok else None,
            "monthly_cost_high": workload.monthly_tokens / MTOK * per_mtok[-1] if per_mtok else None,
            "per_mtok_low": per_mtok[0] if per_mtok else None,
            "providers": len(per_mtok),
            "crossover_tokens_per_month": crossover_tokens(per_mtok[0], hosting) if per_mtok else None,
        })
    own = hosting.monthly_cost(workload.monthly_tokens)
    rows.append({
        "option": "self_hosted", "model": self_hosted_model, "monthly_cost_low": own, "monthly_cost_high": own,
        "per_mtok_low": own / workload.monthly_tokens * MTOK if workload.monthly_tokens else None,
        "providers": None, "crossover_tokens_per_month": None,
    })
    schema = {"option": pl.String, "model": pl.String, "monthly_cost_low": pl.Float64,
              "monthly_cost_high": pl.Float64, "per_mtok_low": pl.Float64, "providers": pl.Int64,
              "crossover_tokens_per_month": pl.Float64}
    return pl.DataFrame(rows, schema=schema).with_columns(
        monthly_tokens=pl.lit(workload.monthly_tokens),
        input_share=pl.lit(workload.input_share),
        assumptions=pl.lit(json.dumps({"workload": asdict(workload), "self_hosting": asdict(hosting)})),
    )
