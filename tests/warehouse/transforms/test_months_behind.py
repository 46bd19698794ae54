"""Months behind (Epoch AI's method) on literal frames, with expected values worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.warehouse.transforms.frames import scores
from warehouse.transforms.months_behind import DAYS_PER_MONTH, months_behind, months_behind_summary
from warehouse.transforms.scores import comparable_scores

A, B2 = "arena", "bench2"
# arena/general, closed SOTAs: A (01-01, 1000), B (03-01, 1100; B-tie ties it and loses alphabetically),
# D (07-01, 1200). C (1050) sets no record; A re-estimated at 1150 beats B but A was already counted.
# O1 (open-source) reaches 990 = 1000 − 1 % on 02-01: A is matched after 31 days. O2 (open weights) reaches
# 1095 ≥ 1100 − 11 on 06-01: B is matched after 92 days, by the open-weights definition only. Nothing reaches
# 1188, so D stays unmatched. bench2: the open model P was already ahead when Q became SOTA: 0 months.
SCORES = scores(
    (A, "overall", "general", "A", "closed", 1000, "2024-01-01", "2024-05-01"),
    (A, "overall", "general", "A", "closed", 1150, "2024-05-01", None),
    (A, "overall", "general", "B", "closed", 1100, "2024-03-01", None),
    (A, "overall", "general", "B-tie", "closed", 1100, "2024-03-01", None),
    (A, "overall", "general", "C", "closed", 1050, "2024-04-01", None),
    (A, "overall", "general", "D", "closed", 1200, "2024-07-01", None),
    (A, "overall", "general", "O1", "open-source", 990, "2024-02-01", None),
    (A, "overall", "general", "O2", "open-weights-permissive", 1095, "2024-06-01", None),
    (B2, "score", "general", "P", "open-source", 50, "2024-01-01", "2024-01-15"),
    (B2, "score", "general", "Q", "closed", 49, "2024-02-01", None),
)
D = date.fromisoformat


@pytest.fixture(scope="module")
def behind() -> pl.DataFrame:
    return months_behind(comparable_scores(SCORES), tolerance=0.01)


def test_each_closed_sota_and_the_open_model_that_matched_it(behind: pl.DataFrame) -> None:
    table = behind.filter(definition="open-weights").drop("definition", "capability", "months_behind")
    assert table.rows() == [
        (A, "A", D("2024-01-01"), 1000.0, "O1", D("2024-02-01")),
        (A, "B", D("2024-03-01"), 1100.0, "O2", D("2024-06-01")),
        (A, "D", D("2024-07-01"), 1200.0, None, None),
        (B2, "Q", D("2024-02-01"), 49.0, "P", D("2024-02-01")),
    ]
    months = behind.filter(definition="open-weights")["months_behind"].to_list()
    assert months[2] is None
    assert [months[0], months[1], months[3]] == pytest.approx([31 / DAYS_PER_MONTH, 92 / DAYS_PER_MONTH, 0.0])


def test_open_source_definition_only_counts_open_source_models(behind: pl.DataFrame) -> None:
    table = behind.filter(definition="open-source").select("closed_model", "open_model").rows()
    assert table == [("A", "O1"), ("B", None), ("D", None), ("Q", "P")]


def test_summary_pools_boards_and_counts_unmatched(behind: pl.DataFrame) -> None:
    summary = months_behind_summary(behind)
    assert summary.select("definition", "capability", "matched", "unmatched").rows() == [
        ("open-source", "general", 2, 2),
        ("open-weights", "general", 3, 1),
    ]
    a, b = 31 / DAYS_PER_MONTH, 92 / DAYS_PER_MONTH
    assert summary["mean_months"].to_list() == pytest.approx([a / 2, (a + b) / 3])
    assert summary["median_months"].to_list() == pytest.approx([a / 2, a])


def test_tolerance_zero_needs_the_full_score() -> None:
    # Without the 1 % slack O1 (990) no longer matches A; O2 (1095) does, 152 days later (2024 is a leap year).
    strict = months_behind(comparable_scores(SCORES), tolerance=0.0).filter(definition="open-weights")
    assert strict.select("closed_model", "open_model", "open_date").rows() == [
        ("A", "O2", D("2024-06-01")), ("B", None, None), ("D", None, None), ("Q", "P", D("2024-02-01"))
    ]
    assert strict["months_behind"][0] == pytest.approx(152 / DAYS_PER_MONTH)
