"""Months behind (Epoch AI's method) on literal frames, with expected values worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from tests.warehouse.transforms.frames import scores
from warehouse.transforms.months_behind import (
    DAYS_PER_MONTH,
    dated,
    months_behind,
    months_behind_summary,
    release_dates,
    stamped,
)
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
    table = behind.filter(definition="open-weights").drop("definition", "capability", "months_behind",
                                                          "closed_date_basis", "open_date_basis")
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


def test_date_stamped_ids_name_their_release_day() -> None:
    names = ["gpt-4o-2024-08-06", "claude-sonnet-4-20250514", "o1-2024-12-17-high", "ChatGPT-4o-latest (2024-09-03)",
             "claude-3-5-sonnet-20241022", "gemini-exp-1121", "gemini-2.5-pro-exp-03-25", "deepseek-v3-0324",
             "mistral-large-2407", "model-20251399", "qwen2.5-72b-instruct", "command-r-2024-08"]
    found = pl.DataFrame({"model": names}).select(stamped(pl.col("model")))["model"].to_list()
    assert found == [D("2024-08-06"), D("2025-05-14"), D("2024-12-17"), D("2024-09-03"), D("2024-10-22"),
                     None, None, None, None, None, None, D("2024-08-01")]


# One board first listed on 2024-06-01, when X (released 2023-03-14, a catalogue's date) and gpt-4o (its id's date)
# were already out. By release, X is a closed SOTA of its own, matched by Llama (released 2024-07-23) 16 months
# later; by first listing it would be hidden behind gpt-4o, listed the same day. `anon-checkpoint` and
# `gemma-exp-0315` have no release date (a stamp without its year is not one): they count from their listing.
RELEASED = scores(
    (A, "overall", "general", "X", "closed", 1250, "2024-06-01", None),
    (A, "overall", "general", "gpt-4o-2024-05-13", "closed", 1280, "2024-06-01", None),
    (A, "overall", "general", "anon-checkpoint", "closed", 1300, "2024-09-01", None),
    (A, "overall", "general", "llama-3.1-405b", "open-weights-restricted", 1265, "2024-08-01", None),
    (A, "overall", "general", "gemma-exp-0315", "open-weights-restricted", 1290, "2024-10-01", None),
).with_columns(release_date=pl.col("model").replace_strict(
    {"X": D("2023-03-14"), "llama-3.1-405b": D("2024-07-23")}, default=None, return_dtype=pl.Date))


def test_models_count_from_their_release_where_a_source_gives_one() -> None:
    behind = months_behind(comparable_scores(RELEASED), 0.01, release_dates(RELEASED)).filter(definition="open-weights")
    assert behind.select("closed_model", "closed_date", "closed_date_basis", "open_model", "open_date",
                         "open_date_basis").rows() == [
        ("X", D("2023-03-14"), "release_date", "llama-3.1-405b", D("2024-07-23"), "release_date"),
        ("gpt-4o-2024-05-13", D("2024-05-13"), "release_date", "gemma-exp-0315", D("2024-10-01"), "listing"),
        ("anon-checkpoint", D("2024-09-01"), "listing", "gemma-exp-0315", D("2024-10-01"), "listing"),
    ]
    assert behind["months_behind"][0] == pytest.approx(497 / DAYS_PER_MONTH)


def test_a_score_re_estimated_after_the_release_counts_from_its_listing() -> None:
    # X's second estimate (1320, from 2024-11-01) is a new closed record, listed long after X's release.
    frame = pl.concat([RELEASED, RELEASED.filter(model="X").with_columns(
        score=pl.lit(1320.0), valid_from=pl.lit(datetime(2024, 11, 1, 12)))])
    behind = months_behind(comparable_scores(frame), 0.01, release_dates(frame)).filter(definition="open-weights")
    # A model counts once, when it first set a record: X on its release day, not again in November.
    assert behind["closed_model"].to_list() == ["X", "gpt-4o-2024-05-13", "anon-checkpoint"]
    # Dated at the release, the re-estimate would have been X's score on its release day.
    assert behind.filter(closed_model="X")["closed_score"].to_list() == [1250.0]


def test_a_date_stamped_id_outweighs_the_catalogues_date_of_its_family() -> None:
    # Identity merges `gpt-4-turbo-2024-04-09` with the catalogues' `gpt-4-turbo` (released 2023-11-06).
    frame = scores((A, "overall", "general", "gpt-4-turbo-2024-04-09", "closed", 1250, "2024-06-01", None)
                   ).with_columns(release_date=pl.lit(D("2023-11-06")))
    assert dated(comparable_scores(frame), release_dates(frame))["start"].to_list() == [D("2024-04-09")]
