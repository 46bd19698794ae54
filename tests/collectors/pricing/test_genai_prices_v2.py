"""genai-prices is collected from its live v2 path, and a price source whose content stands still past its
declared age is flagged stale (a `source_stale` event, the Sources page's status)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors import registry
from collectors.pricing import genai_prices
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.collectors.pricing.serving import settings_for
from tests.conftest import fixture_bytes
from warehouse.runs import source_status

# The upstream layout (raw.githubusercontent.com/<owner>/<repo>/<branch>/<path>): the current data under
# prices/new_data/v2/, the file the collector used to read frozen since 2026-07-25 beside it.
LIVE = "/pydantic/genai-prices/main/prices/new_data/v2/data.json"
FROZEN = "/pydantic/genai-prices/main/prices/data.json"
T0 = datetime(2026, 12, 1, 12)


def serve_upstream(origin: HTTPServer) -> None:
    origin.expect_request(LIVE).respond_with_handler(
        lambda _r: Response(fixture_bytes("genai_prices", "new_data_v2_data.json"), content_type="text/plain"))
    origin.expect_request(FROZEN).respond_with_handler(
        lambda _r: Response(fixture_bytes("genai_prices", "data_2025-06-23.json"), content_type="text/plain"))


def test_genai_prices_collects_the_v2_file(settings: Settings, origin: HTTPServer) -> None:
    serve_upstream(origin)
    with Pipeline(settings_for(settings, origin, genai_prices.SOURCE), publish_after_ingest=False) as pipe:
        outcome = pipe.collect(genai_prices.SOURCE, T0)
        assert outcome.status == "ok", outcome.error
        urls = [u for (u,) in pipe.con.execute("SELECT url FROM fetch_log").fetchall()]
        assert urls == [origin.url_for(LIVE)]
        opus = pipe.con.execute("SELECT input_per_mtok, output_per_mtok FROM price WHERE provider = 'anthropic' "
                                "AND model = 'claude-opus-4-5' AND tier = 'standard'").fetchall()
        assert opus == [(5.0, 25.0)]  # a model the frozen file never listed


def test_a_price_source_unchanged_past_its_max_age_is_stale(settings: Settings, origin: HTTPServer) -> None:
    serve_upstream(origin)
    max_age = genai_prices.SOURCE.max_age
    assert max_age is not None
    with Pipeline(settings_for(settings, origin, genai_prices.SOURCE), publish_after_ingest=False) as pipe:
        assert pipe.collect(genai_prices.SOURCE, T0).status == "ok"
        assert pipe.collect(genai_prices.SOURCE, T0 + max_age).status == "unchanged"
        assert not pipe.con.execute("SELECT * FROM change_event WHERE kind = 'source_stale'").fetchall()
        [status] = source_status(pipe.con, [genai_prices.SOURCE.id])
        assert not status.stale
        later = T0 + max_age + timedelta(days=1)
        assert pipe.collect(genai_prices.SOURCE, later).status == "unchanged"
        events = pipe.con.execute("SELECT source, magnitude FROM change_event WHERE kind = 'source_stale'").fetchall()
        assert events == [("genai_prices", float(max_age.days + 1))]
        [status] = source_status(pipe.con, [genai_prices.SOURCE.id])
        assert status.stale and status.newest_data == T0.date()


def test_every_collected_source_declares_how_long_its_content_may_stand_still() -> None:
    undeclared = [s.id for s in registry.SOURCES if s.retired is None and s.max_age is None]
    assert undeclared == []
