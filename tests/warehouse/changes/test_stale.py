"""A source whose newest data are older than its declared max age raises one `source_stale` event."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from collectors.leaderboards import lmarena
from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes
from warehouse import source_info
from warehouse.runs import source_status

CSV = "/csv/lmsys_2024-06-19.csv"


def test_an_upstream_that_stopped_publishing_is_flagged_once(settings: Settings, origin: HTTPServer,
                                                             tmp_path: Path) -> None:
    origin.expect_request(CSV).respond_with_data(fixture_bytes("lmarena", "lmsys_2024-06-19.csv"),
                                                 content_type="text/csv")
    # the CSV export carries no publish date: its last content change (the first collection) is its newest data
    source = dataclasses.replace(lmarena.SOURCE, paths=(CSV,), max_age=timedelta(days=30))
    with make_pipeline(settings) as pipe:
        for day in (1, 20, 40, 41):  # unchanged after the first: still stale only from day 31 on
            outcome = pipe.collect(source, datetime(2026, 1, day) if day <= 31 else datetime(2026, 2, day - 31))
            assert outcome.status in ("ok", "unchanged")
        events = pipe.con.execute("SELECT entity, observed_at, magnitude, after ->> 'newest_data' FROM change_event "
                                  "WHERE kind = 'source_stale'").fetchall()
        assert events == [("lmarena", datetime(2026, 2, 9), 39.0, "2026-01-01")]
        source_info.sync(pipe.con, [source])  # the declaration readers see: this source's max age
        status = next(s for s in source_status(pipe.con, ["lmarena"]))
        assert status.stale and str(status.newest_data) == "2026-01-01"


def test_a_whole_collection_checks_every_source_it_collected_once(settings: Settings, origin: HTTPServer) -> None:
    """`collect_all` checks freshness once for all its sources (one statement): each stale one raises its event,
    a fresh one none, and a second collection of the same data raises nothing again."""
    origin.expect_request(CSV).respond_with_data(fixture_bytes("lmarena", "lmsys_2024-06-19.csv"),
                                                 content_type="text/csv")
    origin.expect_request("/api/v1/models").respond_with_data(
        fixture_bytes("openrouter", "models_2026-05-15.json"), content_type="application/json")
    board = dataclasses.replace(lmarena.SOURCE, paths=(CSV,), max_age=timedelta(days=30))
    prices = dataclasses.replace(openrouter.SOURCE, max_age=timedelta(days=30))
    with make_pipeline(settings) as pipe:
        first = pipe.collect_all([board, prices], datetime(2026, 1, 1))
        assert {o.status for o in first} == {"ok"}
        stale = "SELECT entity, after ->> 'newest_data' FROM change_event WHERE kind = 'source_stale' ORDER BY 1"
        assert pipe.con.execute(stale).fetchall() == []  # both changed just now
        pipe.collect_all([board, prices], datetime(2026, 1, 20))
        assert pipe.con.execute(stale).fetchall() == []
        for day in (10, 11):  # the same data 40 and 41 days on: stale once, each source for itself
            outcomes = pipe.collect_all([board, prices], datetime(2026, 2, day))
            assert {o.status for o in outcomes} == {"unchanged"}
            assert pipe.con.execute(stale).fetchall() == [("lmarena", "2026-01-01"), ("openrouter", "2026-01-01")]
        fresh = dataclasses.replace(prices, max_age=timedelta(days=90))
        pipe.con.execute("DELETE FROM change_event WHERE kind = 'source_stale'")
        pipe.collect_all([board, fresh], datetime(2026, 2, 12))
        assert pipe.con.execute(stale).fetchall() == [("lmarena", "2026-01-01")]
