"""Cost of ownership: the seed's example scenario from explicit assumptions, the step and the crossover."""

from __future__ import annotations

import json

import pytest

from warehouse.transforms.tco import ApiPrice, SelfHosting, Workload, api_monthly_cost, cost_table, crossover_tokens

# The seed's example: 50M tokens a day (30-day month), 3:1 input:output.
SEED = Workload(monthly_tokens=50_000_000 * 30, input_share=0.75)
# A mid-tier closed API at $0.50 in / $3.50 out blends to $1.25 per 1M tokens.
CLOSED = ApiPrice("closed-lab", 0.50, 3.50)
# Two hosts of one open-weights model: $0.80 and $1.0125 blended.
HOSTS = [ApiPrice("host-a", 0.60, 1.40), ApiPrice("host-b", 0.75, 1.80)]
# One replica = 2 GPUs at $2.50/h doing 3,000 tokens/s with batching, half used on average, $600/month of ops.
LEAN = SelfHosting(gpu_hourly_usd=2.50, gpus_per_replica=2, replica_tokens_per_s=3000, utilisation=0.5,
                   ops_usd_per_month=600)
# The same, kept on two replicas for redundancy.
REDUNDANT = SelfHosting(gpu_hourly_usd=2.50, gpus_per_replica=2, replica_tokens_per_s=3000, utilisation=0.5,
                        ops_usd_per_month=600, min_replicas=2)


def test_seed_scenario_costs() -> None:
    assert api_monthly_cost(SEED, CLOSED) == pytest.approx(1_875.0)  # 1,500 Mtok × $1.25
    hosted = sorted(api_monthly_cost(SEED, p) for p in HOSTS)
    assert hosted == pytest.approx([1_200.0, 1_518.75])  # the seed's $1,200–1,600
    assert all(1_200 <= c <= 1_600 for c in hosted)
    # 2 GPUs × $2.50 × 730 h + $600 = $4,250; with a second replica $7,900: the seed's $4,000–8,000.
    assert LEAN.monthly_cost(SEED.monthly_tokens) == pytest.approx(4_250.0)
    assert REDUNDANT.monthly_cost(SEED.monthly_tokens) == pytest.approx(7_900.0)


def test_seed_scenario_crossover() -> None:
    # $4,250 / $1.25 per Mtok = 3,400 Mtok a month ≈ 113M tokens a day: the seed's "near 100M" per day.
    crossover = crossover_tokens(CLOSED.per_mtok(SEED.input_share), LEAN)
    assert crossover == pytest.approx(3.4e9)
    assert 80e6 <= crossover / 30 <= 130e6
    assert LEAN.monthly_cost(crossover) == pytest.approx(api_monthly_cost(Workload(crossover), CLOSED))
    assert crossover_tokens(1.25, REDUNDANT) == pytest.approx(7_900 / 1.25 * 1e6)


def test_self_hosting_is_a_step_function_of_volume() -> None:
    capacity = 3000 * 0.5 * 3600 * 730  # 3,942 Mtok a month per replica
    assert LEAN.replica_tokens_per_month == pytest.approx(capacity)
    assert LEAN.replicas(capacity) == 1
    assert LEAN.replicas(capacity + 1) == 2
    assert LEAN.monthly_cost(capacity + 1) == pytest.approx(2 * 2 * 2.5 * 730 + 600)
    assert LEAN.replicas(0) == 1


def test_no_crossover_when_each_replica_costs_more_per_token_than_the_api() -> None:
    # A replica adds $3,650 for 3,942 Mtok ($0.926/Mtok) > $0.80/Mtok: self-hosting never catches up.
    assert crossover_tokens(0.80, LEAN) is None
    assert crossover_tokens(0.0, LEAN) is None


def test_crossover_in_a_later_replica_step() -> None:
    # At $1.00/Mtok one replica would break even at 4,250 Mtok, beyond its 3,942; two ($7,900) at 7,900 Mtok,
    # beyond their 7,884; three ($11,550) at 11,550 Mtok, within their 11,826: that is the crossover.
    assert crossover_tokens(1.00, LEAN) == pytest.approx(11_550e6)


def test_cost_table_spans_providers_and_keeps_assumptions() -> None:
    table = cost_table(SEED, {"closed_api": ("gpt-x", [CLOSED]), "hosted_open": ("llama-x", HOSTS),
                              "nothing_priced": (None, [])}, LEAN, "llama-x")
    rows = {r["option"]: r for r in table.iter_rows(named=True)}
    assert (rows["closed_api"]["monthly_cost_low"], rows["closed_api"]["monthly_cost_high"]) == (1_875.0, 1_875.0)
    assert rows["closed_api"]["crossover_tokens_per_month"] == pytest.approx(3.4e9)
    assert rows["hosted_open"]["monthly_cost_low"] == pytest.approx(1_200.0)
    assert rows["hosted_open"]["monthly_cost_high"] == pytest.approx(1_518.75)
    assert rows["hosted_open"]["providers"] == 2
    assert rows["hosted_open"]["crossover_tokens_per_month"] is None
    assert rows["self_hosted"]["monthly_cost_low"] == pytest.approx(4_250.0)
    assert rows["self_hosted"]["per_mtok_low"] == pytest.approx(4_250 / 1_500)
    assert rows["nothing_priced"]["monthly_cost_low"] is None
    assumptions = json.loads(rows["self_hosted"]["assumptions"])
    assert assumptions["self_hosting"]["gpu_hourly_usd"] == 2.5 and assumptions["workload"]["input_share"] == 0.75
