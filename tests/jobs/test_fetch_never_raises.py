"""A source whose server sends a malformed redirect fails alone: recorded with its reason, others collected,
the snapshot published; under the service the failure streak raises `source_failing`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from jobs.service import Service
from tests.collectors.test_http_malformed import Redirector
from tests.conftest import fixture_bytes

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
BROKEN = dataclasses.replace(openrouter.SOURCE, id="broken")


@pytest.fixture
def redirector() -> Iterator[Redirector]:
    server = Redirector("http://127.0.0.1:99999/models")  # ValueError "Port out of range" escaped fetch before
    yield server
    server.close()


@pytest.fixture
def two_sources(settings: Settings, origin: HTTPServer, redirector: Redirector) -> Settings:
    origin.expect_request("/api/v1/models").respond_with_data(MAY, content_type="application/json")
    settings.base_urls["broken"] = f"http://127.0.0.1:{redirector.port}"
    return settings


def test_collect_keeps_the_healthy_source_and_publishes(two_sources: Settings) -> None:
    with make_pipeline(two_sources) as pipe:
        outcomes = {o.source: o for o in pipe.collect_all([BROKEN, openrouter.SOURCE], datetime(2026, 5, 15, 12))}
        runs = pipe.con.execute("SELECT source, status, error FROM collection_run ORDER BY source").fetchall()
        published = pipe.con.execute("SELECT count(*) FROM publish_log").fetchall()
    assert outcomes["openrouter"].status == "ok"
    assert outcomes["broken"].status == "failed" and "Port out of range" in (outcomes["broken"].error or "")
    assert [(s, st) for s, st, _ in runs] == [("broken", "failed"), ("openrouter", "ok")]
    assert published == [(1,)]


def test_under_the_service_the_failing_source_records_runs_and_raises_source_failing(two_sources: Settings) -> None:
    service = Service(two_sources, sources=[BROKEN], pipeline=make_pipeline(two_sources))
    try:
        for _ in range(two_sources.failure_streak_alert):
            service._collect(BROKEN)
        with service.pipe.locked() as con:
            runs = con.execute("SELECT status, error FROM collection_run").fetchall()
            events = con.execute("SELECT kind, entity FROM change_event").fetchall()
    finally:
        service.pipe.close()
    assert service.outcomes[("broken", "failed")] == two_sources.failure_streak_alert
    assert len(runs) == two_sources.failure_streak_alert and all("malformed redirect" in e for _, e in runs)
    assert ("source_failing", "broken") in events
