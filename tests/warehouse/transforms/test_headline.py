"""The headline gap: board preference, qualification, fallback and notes, on literal frames."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from tests.warehouse.transforms.frames import scores
from warehouse.transforms.headline import gap_headline
from warehouse.transforms.scores import comparable_scores

D = date.fromisoformat
AS_OF = D("2026-03-01")


def prefs(lag_days: int = 60, **by_capability: list[str]) -> pl.DataFrame:
    rows = [(c, i, b, lag_days) for c, boards in by_capability.items() for i, b in enumerate(boards, 1)]
    return pl.DataFrame(rows, schema={"capability": pl.Utf8, "position": pl.Int32, "board": pl.Utf8,
                                      "lag_days": pl.Int32}, orient="row")


def headline(frame: pl.DataFrame, preferences: pl.DataFrame, max_age_days: int = 365) -> pl.DataFrame:
    return gap_headline(frame, comparable_scores(frame), preferences, AS_OF, max_age_days)


def row(table: pl.DataFrame, capability: str, definition: str = "open-weights") -> dict:
    return table.filter(capability=capability, definition=definition).row(0, named=True)


def test_six_rows_per_definition_even_without_any_board() -> None:
    table = headline(scores(("a", "overall", "general", "C1", "closed", 1300, "2026-01-01", None)), prefs())
    assert table.height == 12
    empty = row(table, "math")
    assert (empty["board"], empty["best_open_score"], empty["gap_abs"]) == (None, None, None)
    assert "lists no [headline] boards" in empty["note"]


def test_first_qualifying_preference_wins_and_the_note_says_why_others_were_passed() -> None:
    frame = scores(
        ("closed-only", "overall", "general", "C1", "closed", 90, "2026-02-01", None),
        ("arena", "overall", "general", "C1", "closed", 1320, "2026-01-01", None),
        ("arena", "overall", "general", "W1", "open-weights-restricted", 1290, "2026-01-15", None),
        ("arena", "overall", "general", "O1", "open-source", 1250, "2026-01-01", None),
    )
    table = headline(frame, prefs(general=["closed-only", "arena"]))
    weights = row(table, "general")
    assert (weights["board"], weights["best_open_model"], weights["best_closed_model"], weights["gap_abs"]) == (
        "arena", "W1", "C1", 30.0)
    assert weights["gap_rel"] == 30 / 1320
    assert "closed-only: no current open model of known openness" in weights["note"]
    assert "preference 2 of 2" in weights["note"]
    # as_of: when the snapshot holding these scores was observed (the newest current fact), not the refresh day
    assert weights["as_of"] == datetime(2026, 1, 15, 12)
    assert row(table, "general", "open-source")["best_open_model"] == "O1"


def test_a_stale_board_is_passed_over_relative_to_the_newest_observation() -> None:
    frame = scores(
        ("old", "overall", "general", "C1", "closed", 1300, "2024-01-01", None),
        ("old", "overall", "general", "O1", "open-source", 1250, "2024-01-01", None),
        ("new", "overall", "general", "C1", "closed", 80, "2026-02-01", None),
        ("new", "overall", "general", "O1", "open-source", 70, "2026-02-01", None),
    )
    chosen = row(headline(frame, prefs(general=["old", "new"]), max_age_days=365), "general")
    assert chosen["board"] == "new" and "old (2024-01-01)" in chosen["note"]
    # Within the absolute age limit, the older preferred board is still passed over for the fresher one (the lag)
    lagged = row(headline(frame, prefs(general=["old", "new"]), max_age_days=1000), "general")
    assert lagged["board"] == "new" and "more than the 60-day lag" in lagged["note"]
    assert lagged["data_date"] == D("2026-02-01") and lagged["age_days"] == 28 and not lagged["stale"]
    # A lag wide enough lets the preference stand, with its age and the stale mark on the row
    kept = row(headline(frame, prefs(lag_days=800, general=["old", "new"]), max_age_days=1000), "general")
    assert kept["board"] == "old" and kept["age_days"] == (AS_OF - D("2024-01-01")).days and kept["stale"] is False


def test_the_freshest_qualifying_board_bounds_how_old_a_preferred_one_may_be() -> None:
    """The seed's table must describe today: LiveBench of July beats a preferred Arena of December."""
    frame = scores(
        ("arena", "overall", "general", "C1", "closed", 1450, "2025-12-11", None),
        ("arena", "overall", "general", "O1", "open-source", 1404, "2025-12-11", None),
        ("livebench", "average", "general", "C2", "closed", 80, "2026-02-20", None),
        ("livebench", "average", "general", "O2", "open-weights-restricted", 75.5, "2026-02-20", None),
        ("swebench", "resolved", "coding", "C1", "closed", 70, "2025-11-01", None),
        ("swebench", "resolved", "coding", "O1", "open-source", 60, "2025-11-01", None),
    )
    table = headline(frame, prefs(general=["arena", "livebench"], coding=["swebench"]))
    general = row(table, "general")
    assert (general["board"], general["best_open_model"], general["best_closed_model"], general["gap_abs"]) == (
        "livebench", "O2", "C2", 4.5)
    assert "arena (data of 2025-12-11): 71 days older than livebench (2026-02-20)" in general["note"]
    # Nothing fresher answers coding: the older board keeps it, marked stale (120 days before the newest data)
    coding = row(table, "coding")
    assert (coding["board"], coding["stale"], coding["age_days"]) == ("swebench", True, 120)


def test_an_unknown_model_between_the_sides_bounds_the_gap_instead_of_blanking_it() -> None:
    """A held-out arena snapshot: a Qwen-Max snapshot of unknown openness above the best open model but below the
    best closed one; the gap is the same were it closed, and it is named with the gap were it open."""
    frame = scores(
        ("arena", "overall", "general", "C1", "closed", 1450, "2026-02-01", None),
        ("arena", "overall", "general", "O1", "open-source", 1400, "2026-02-01", None),
        ("arena", "overall", "general", "qwen-max-x", "unknown", 1420, "2026-02-01", None),
    )
    chosen = row(headline(frame, prefs(general=["arena"])), "general")
    assert (chosen["board"], chosen["gap_abs"], chosen["unknown_model"]) == ("arena", 50.0, "qwen-max-x")
    assert (chosen["gap_if_unknown_open"], chosen["gap_if_unknown_closed"]) == (30.0, 50.0)
    assert "qwen-max-x (1420) outscores the best open model and its openness is unknown" in chosen["note"]


def test_an_unknown_model_leading_the_board_passes_it_over() -> None:
    """Which side leads would be a guess: the next preference answers, and the note says why."""
    frame = scores(
        ("lb", "overall", "math", "C1", "closed", 80, "2026-02-01", None),
        ("lb", "overall", "math", "O1", "open-source", 70, "2026-02-01", None),
        ("lb", "overall", "math", "?mystery", "unknown", 95, "2026-02-01", None),
        ("arena", "math", "math", "C1", "closed", 1300, "2026-02-01", None),
        ("arena", "math", "math", "O1", "open-source", 1250, "2026-02-01", None),
        ("arena", "math", "math", "?below", "unknown", 1200, "2026-02-01", None),
    )
    chosen = row(headline(frame, prefs(math=["lb", "arena"])), "math")
    assert (chosen["board"], chosen["gap_abs"], chosen["unknown_model"]) == ("arena", 50.0, None)
    assert "lb: ?mystery (95) leads the board and its openness is unknown" in chosen["note"]


def test_an_unknown_model_between_an_open_leader_and_the_best_closed_bounds_the_gap() -> None:
    frame = scores(
        ("lb", "overall", "math", "C1", "closed", 80, "2026-02-01", None),
        ("lb", "overall", "math", "O1", "open-source", 90, "2026-02-01", None),
        ("lb", "overall", "math", "?mid", "unknown", 85, "2026-02-01", None),
    )
    chosen = row(headline(frame, prefs(math=["lb"])), "math")
    assert (chosen["board"], chosen["gap_abs"], chosen["unknown_model"]) == ("lb", -10.0, None)  # below the open
    frame = scores(
        ("lb", "overall", "math", "C1", "closed", 80, "2026-02-01", None),
        ("lb", "overall", "math", "O1", "open-source", 70, "2026-02-01", None),
        ("lb", "overall", "math", "?mid", "unknown", 75, "2026-02-01", None),
    )
    chosen = row(headline(frame, prefs(math=["lb"])), "math")
    assert (chosen["gap_abs"], chosen["gap_if_unknown_open"], chosen["gap_if_unknown_closed"]) == (10.0, 5.0, 10.0)


def test_a_glob_tries_the_newest_matching_board_first() -> None:
    frame = scores(
        ("bench-2025", "avg", "general", "C1", "closed", 60, "2025-06-01", None),
        ("bench-2025", "avg", "general", "O1", "open-source", 50, "2025-06-01", None),
        ("bench-2026", "avg", "general", "C1", "closed", 70, "2026-01-08", None),
        ("bench-2026", "avg", "general", "O1", "open-source", 65, "2026-01-08", None),
    )
    assert row(headline(frame, prefs(general=["bench-*"])), "general")["board"] == "bench-2026"


def test_a_model_that_left_the_board_is_not_current() -> None:
    frame = scores(
        ("arena", "overall", "general", "C1", "closed", 1300, "2026-01-01", None),
        ("arena", "overall", "general", "O1", "open-source", 1350, "2026-01-01", "2026-02-01"),
    )
    chosen = row(headline(frame, prefs(general=["arena"])), "general")
    assert chosen["board"] is None and "no current open model" in chosen["note"]


def test_best_models_equal_a_sort_of_each_boards_current_facts_on_random_boards() -> None:
    """The rule reads each side's best from per-(board, class) tops: on seeded random boards with tied scores,
    unknown and null openness, ended and future facts, every row names what sorting the board's current facts
    (score descending, then name) names."""
    import random

    from gapwatch.vocabulary import CLOSED, DEFINITIONS, open_classes

    classes = ("closed", "open-source", "open-weights-permissive", "open-weights-restricted",
               "open-weights-noncommercial", "unknown", None)
    for seed in range(12):
        rng = random.Random(seed)
        rows = [(board, "overall", "general", f"m{rng.randrange(40):02d}", rng.choice(classes),
                 float(rng.randrange(1200, 1210)), rng.choice(("2025-12-01", "2026-02-01", "2026-04-01")),
                 rng.choice((None, None, "2026-01-15", "2026-03-01")))
                for board in ("a", "b", "c") for _ in range(25)]
        frame = scores(*[r for r in rows if r[7] is None or r[7] > r[6]])
        table = headline(frame, prefs(general=["a", "b", "c"]))
        for definition in DEFINITIONS:
            got = row(table, "general", definition)
            if got["board"] is None:
                continue
            alive = frame.filter(pl.col("board") == got["board"], pl.col("valid_from").dt.date() <= AS_OF,
                                 pl.col("valid_to").is_null() | (pl.col("valid_to").dt.date() > AS_OF))

            def best(side: pl.Expr, alive: pl.DataFrame = alive) -> tuple[str, float]:
                top = alive.filter(side).sort(["score", "model"], descending=[True, False]).row(0, named=True)
                return top["model"], top["score"]

            assert (got["best_open_model"], got["best_open_score"]) == best(
                pl.col("openness").is_in(open_classes(definition))), (seed, definition)
            assert (got["best_closed_model"], got["best_closed_score"]) == best(pl.col("openness") == CLOSED)
