"""The cost calculator's arithmetic in the seed's terms: a closed API priced per token (input/output), a hosted
open model priced per token (a low–high range over its providers), and self-hosted open weights (GPUs × $/hour,
a low–high range of GPU rent). Every figure is a function of the arguments; `warehouse/transforms/tco.py` does the
per-token and GPU arithmetic, shared with `v_tco_scenarios`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from warehouse.transforms import tco

DAYS_PER_MONTH = 30  # the seed counts 50M tokens/day as 1.5B/month


@dataclass(frozen=True)
class Estimate:
    option: str
    model: str | None
    low: float
    high: float
    per_mtok_low: float
    per_mtok_high: float
    crossover_per_month: float | None  # tokens/month from which self-hosting (low rent) is no dearer; None: never
    note: str = ""

    @property
    def crossover_per_day(self) -> float | None:
        return None if self.crossover_per_month is None else self.crossover_per_month / DAYS_PER_MONTH


def estimates(workload: tco.Workload, closed_model: str | None, closed_in: float, closed_out: float,
              hosted_model: str | None, hosted_low: float, hosted_high: float, hosting: tco.SelfHosting,
              gpu_hourly_high: float, hosted_note: str = "") -> list[Estimate]:
    """The three options for `workload`. `hosting` carries the low GPU rent; `gpu_hourly_high` the high one."""
    mtok = workload.monthly_tokens / tco.MTOK
    closed = tco.ApiPrice("closed", closed_in, closed_out).per_mtok(workload.input_share)
    low_hosted, high_hosted = sorted((hosted_low, hosted_high))
    dear = replace(hosting, gpu_hourly_usd=max(gpu_hourly_high, hosting.gpu_hourly_usd))
    own_low, own_high = hosting.monthly_cost(workload.monthly_tokens), dear.monthly_cost(workload.monthly_tokens)
    per = (lambda cost: cost / mtok) if mtok else (lambda cost: 0.0)
    replicas = hosting.replicas(workload.monthly_tokens)
    return [
        Estimate("Closed API", closed_model, mtok * closed, mtok * closed, closed, closed,
                 tco.crossover_tokens(closed, hosting)),
        Estimate("Hosted open model", hosted_model, mtok * low_hosted, mtok * high_hosted, low_hosted, high_hosted,
                 tco.crossover_tokens(low_hosted, hosting), hosted_note),
        Estimate("Self-hosted open weights", hosted_model, own_low, own_high, per(own_low), per(own_high), None,
                 f"{replicas} replica{'s' if replicas != 1 else ''} × {hosting.gpus_per_replica} GPU"
                 f"{'s' if hosting.gpus_per_replica != 1 else ''}"),
    ]
