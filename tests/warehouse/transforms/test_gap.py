"""Gap over time and the gap table on literal frames, with expected values worked out by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.warehouse.transforms.frames import scores
from warehouse.transforms.gap import gap_over_time, gap_table
from warehouse.transforms.scores import comparable_scores

A = "arena"
# general/arena: closed C1 rises at 03-01 but C2 (from 02-01) stays ahead; O1 is open-source, W1 open weights
# under a restricted licence; U1 has unknown openness (left out, counted). coding: no open model at all.
# math: C1 and C2 tie. A fact that began and ended on one day (C3) never was a day's closing state.
SCORES = scores(
    (A, "overall", "general", "C1", "closed", 1300, "2026-01-01", "2026-03-01"),
    (A, "overall", "general", "C1", "closed", 1310, "2026-03-01", None),
    (A, "overall", "general", "C2", "closed", 1320, "2026-02-01", None),
    (A, "overall", "general", "C3", "closed", 1500, "2026-01-20", "2026-01-20"),
    (A, "overall", "general", "O1", "open-source", 1250, "2026-01-01", None),
    (A, "overall", "general", "W1", "open-weights-restricted", 1290, "2026-01-15", None),
    (A, "overall", "general", "U1", "unknown", 1400, "2026-01-01", None),
    (A, "coding", "coding", "C1", "closed", 1200, "2026-01-01", None),
    (A, "math", "math", "C2", "closed", 1100, "2026-01-10", None),
    (A, "math", "math", "C1", "closed", 1100, "2026-01-10", None),
    (A, "math", "math", "O1", "open-source", 1050, "2026-01-10", None),
    ("bench", "mmlu", "general", "O1", "open-source", 80, "2026-01-01", None),
)
D = date.fromisoformat


@pytest.fixture(scope="module")
def over_time() -> pl.DataFrame:
    return gap_over_time(comparable_scores(SCORES))


def rows(frame: pl.DataFrame, **where: str) -> list[tuple]:
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    return frame.drop(*where).sort("date").rows()


def test_running_frontier_keeps_only_days_the_state_changed(over_time: pl.DataFrame) -> None:
    assert rows(over_time, definition="open-source", capability="general", board=A) == [
        (D("2026-01-01"), "O1", 1250.0, "C1", 1300.0, 50.0),
        (D("2026-02-01"), "O1", 1250.0, "C2", 1320.0, 70.0),
    ]
    assert rows(over_time, definition="open-weights", capability="general", board=A) == [
        (D("2026-01-01"), "O1", 1250.0, "C1", 1300.0, 50.0),
        (D("2026-01-15"), "W1", 1290.0, "C1", 1300.0, 10.0),
        (D("2026-02-01"), "W1", 1290.0, "C2", 1320.0, 30.0),
    ]


def test_no_open_model_gives_null_gap_not_an_error(over_time: pl.DataFrame) -> None:
    assert rows(over_time, definition="open-weights", capability="coding", board=A) == [
        (D("2026-01-01"), None, None, "C1", 1200.0, None),
    ]


def test_tie_goes_to_the_alphabetically_first_model(over_time: pl.DataFrame) -> None:
    assert rows(over_time, definition="open-source", capability="math", board=A) == [
        (D("2026-01-10"), "O1", 1050.0, "C1", 1100.0, 50.0),
    ]


def test_a_side_that_ends_leaves_a_null_state() -> None:
    frame = scores(
        (A, "overall", "general", "C1", "closed", 1300, "2026-01-01", None),
        (A, "overall", "general", "O1", "open-source", 1250, "2026-01-01", "2026-02-01"),
    )
    assert rows(gap_over_time(comparable_scores(frame)), definition="open-source", capability="general", board=A) == [
        (D("2026-01-01"), "O1", 1250.0, "C1", 1300.0, 50.0),
        (D("2026-02-01"), None, None, "C1", 1300.0, None),
    ]


def headline(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    """The boards `gap_headline` chose: (definition, capability, board or None)."""
    return pl.DataFrame(rows, schema={"definition": pl.Utf8, "capability": pl.Utf8, "board": pl.Utf8}, orient="row")


CHOSEN = headline(("open-source", "general", A), ("open-weights", "general", A), ("open-source", "coding", None))


def test_gap_table_as_of_with_changes_and_missing_history(over_time: pl.DataFrame) -> None:
    table = gap_table(comparable_scores(SCORES), over_time, D("2026-02-20"), CHOSEN)
    general = table.filter(capability="general", board=A).sort("definition")
    assert general.select("definition", "best_open_model", "best_closed_model", "gap_abs", "change_30d",
                          "change_90d", "change_365d", "is_headline", "unknown_models").rows() == [
        ("open-source", "O1", "C2", 70.0, 20.0, None, None, True, 1),
        ("open-weights", "W1", "C2", 30.0, 20.0, None, None, True, 1),
    ]
    assert general["gap_rel"].to_list() == pytest.approx([70 / 1320, 30 / 1320])
    assert set(table["as_of"]) == {D("2026-02-20")}
    coding = table.filter(capability="coding", definition="open-source")
    assert coding.select("best_open_model", "best_closed_score", "gap_abs", "gap_rel", "unknown_models").rows() == [
        (None, 1200.0, None, None, 0)
    ]
    bench = table.filter(capability="general", board="bench", definition="open-source")
    assert bench.select("best_open_score", "best_closed_model", "gap_abs", "is_headline").rows() == [
        (80.0, None, None, False)
    ]


def test_headline_flag_marks_the_board_chosen_per_definition(over_time: pl.DataFrame) -> None:
    chosen = headline(("open-source", "general", "bench"), ("open-weights", "general", A))
    table = gap_table(comparable_scores(SCORES), over_time, D("2026-02-20"), chosen)
    assert table.filter(pl.col("is_headline")).select("definition", "capability", "board").sort("definition").rows() \
        == [("open-source", "general", "bench"), ("open-weights", "general", A)]


def test_primary_category_is_the_headline_weight_then_most_models() -> None:
    frame = scores(
        (A, "overall", "general", "C1", "closed", 1200, "2026-01-01", None),
        (A, "hard", "general", "C1", "closed", 1400, "2026-01-01", None, 0.5),
        (A, "hard", "general", "O1", "open-source", 1300, "2026-01-01", None, 0.5),
    )
    assert comparable_scores(frame).select("category", "model").rows() == [("overall", "C1")]


def test_primary_category_is_the_one_with_most_models() -> None:
    frame = scores(
        (A, "coding", "coding", "C1", "closed", 1200, "2026-01-01", None),
        (A, "webdev", "coding", "C1", "closed", 1400, "2026-01-01", None),
        (A, "webdev", "coding", "O1", "open-source", 1300, "2026-01-01", None),
        (A, "overall", None, "O1", "open-source", 1300, "2026-01-01", None),
    )
    scored = comparable_scores(frame)
    assert scored.select("category", "model", "score").sort("model").rows() == [
        ("webdev", "C1", 1400.0), ("webdev", "O1", 1300.0)
    ]


def test_unmatched_names_keep_their_source_name() -> None:
    frame = scores((A, "overall", "general", "?gpt-x", "unknown", 1, "2026-01-01", None))
    assert comparable_scores(frame).select("model", "openness").rows() == [("?gpt-x", "unknown")]


def test_a_change_is_measured_only_from_data_inside_its_window(over_time: pl.DataFrame) -> None:
    """On 2026-07-01 the arena board's newest data are of 03-01: its 30- and 90-day changes are unknown (a carried
    gap is not a flat one); the 365-day window holds its data, so that change is measured."""
    table = gap_table(comparable_scores(SCORES), over_time, D("2026-07-01"), CHOSEN)
    general = table.filter(capability="general", board=A, definition="open-source")
    assert general.select("gap_abs", "change_30d", "change_90d", "change_365d").rows() == [(70.0, None, None, None)]
    # 365 days back the board had no state yet (null past), so the long window has no change either; one day after
    # its last change the 30-day window still holds new data and measures it
    recent = gap_table(comparable_scores(SCORES), over_time, D("2026-03-02"), CHOSEN)
    assert recent.filter(capability="general", board=A, definition="open-source")["change_30d"].to_list() == [20.0]
