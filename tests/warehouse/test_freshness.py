"""A source's newest data: its newest publish date, else the last time any of its facts began or ended."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from warehouse import db
from warehouse.freshness import newest_data


def test_newest_data_reads_publish_dates_first_then_every_fact_tables_bounds(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "w.duckdb")
    assert newest_data(con, "prices") is None  # nothing collected
    con.execute("INSERT INTO price (source, provider, model, tier, input_per_mtok, currency, valid_from, valid_to) "
                "VALUES ('prices', 'p', 'a', 'standard', 1, 'USD', '2026-01-01', '2026-03-05 10:00'), "
                "('prices', 'p', 'b', 'standard', 1, 'USD', '2026-02-01', NULL)")
    # a price removed on March 5 is the last change, later than any interval's start
    assert newest_data(con, "prices") == date(2026, 3, 5)
    con.execute("INSERT INTO license (source, license_id, name, valid_from) VALUES "
                "('prices', 'MIT', 'MIT License', '2026-04-02 08:00')")
    assert newest_data(con, "prices") == date(2026, 4, 2)  # any fact table of the source counts
    con.execute("INSERT INTO leaderboard_score (source, board, category, model, score, score_unit, valid_from, "
                "publish_date) VALUES ('board', 'b', 'overall', 'a', 1, 'elo', ?, '2025-12-24'), "
                "('board', 'b', 'overall', 'c', 1, 'elo', ?, NULL)", [datetime(2026, 5, 1), datetime(2026, 5, 2)])
    # a board that states publish dates is as fresh as its newest one, whenever it was collected
    assert newest_data(con, "board") == date(2025, 12, 24)
    assert newest_data(con, "prices") == date(2026, 4, 2)  # another source's facts never count
