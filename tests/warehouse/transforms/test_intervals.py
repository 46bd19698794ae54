"""The running-best kernel: a hand-worked case and agreement with a brute-force day-by-day scan."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from warehouse.transforms.intervals import min_cover, ranking, running_best


def test_min_cover_by_hand() -> None:
    # points 0..5; ranges [0,3) value 5, [2,6) value 2, [4,5) value 1, an empty [3,3) value 0.
    best = min_cover(6, np.array([0, 2, 4, 3]), np.array([3, 6, 5, 3]), np.array([5, 2, 1, 0]))
    assert best.tolist() == [5, 5, 2, 2, 1, 2]
    assert min_cover(3, np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                     np.array([], dtype=np.int64)).tolist() == [-1, -1, -1]


def test_running_best_by_hand() -> None:
    # group 0: lane 0 has rank 1 on days [10, 20) and rank 0 on [15, open); lane 1 has rank 2 on [12, 15).
    frontier = running_best(
        group=np.array([0, 0, 0]), lane=np.array([0, 0, 1]), lanes=2,
        start=np.array([10, 15, 12]), end=np.array([20, 14, 15]), rank=np.array([1, 0, 2]),
    )
    rows = list(zip(frontier.lane.tolist(), frontier.day.tolist(), frontier.best.tolist(), strict=True))
    assert rows == [(0, 10, 1), (0, 12, 1), (0, 15, 0), (0, 20, 0),
                    (1, 10, -1), (1, 12, 2), (1, 15, -1), (1, 20, -1)]
    assert set(frontier.group.tolist()) == {0}


@pytest.mark.parametrize("seed", range(5))
def test_running_best_matches_a_daily_scan(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, lanes = 300, 3
    group, lane = rng.integers(0, 4, n), rng.integers(0, lanes, n)
    start = rng.integers(0, 200, n)
    end = np.where(rng.random(n) < 0.3, start - 1, start + rng.integers(1, 60, n))
    rank = rng.permutation(n)
    frontier = running_best(group, lane, lanes, start, end, rank)
    for g, k, day, best in zip(frontier.group, frontier.lane, frontier.day, frontier.best, strict=True):
        alive = (group == g) & (lane == k) & (start <= day) & ((end < start) | (end > day))
        assert best == (rank[alive].min() if alive.any() else -1)
    for g in range(4):
        mine = group == g
        change_days = set(start[mine]) | set(end[mine & (end >= start)])
        assert sorted(frontier.day[(frontier.group == g) & (frontier.lane == 0)]) == sorted(change_days)


def test_ranking_orders_by_score_then_name() -> None:
    score = pl.Series([3.0, 5.0, 3.0, 5.0, 1.0])
    model = pl.Series(["d", "z", "a", "b", "c"])
    assert ranking(score, model).tolist() == [3, 1, 2, 0, 4]  # b 5, z 5, a 3, d 3, c 1
