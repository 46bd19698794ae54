"""A price alert says whose price moved: the maker's list price, a host's, or a reseller's listing (then with the
model's list or market price beside it when known), from the same roles as every price on the pages."""

from __future__ import annotations

from datetime import datetime
from hashlib import sha256

from collectors.pricing import models_dev, openrouter
from gapwatch.settings import Settings
from jobs.alerts.messages import body, load_events
from jobs.pipeline import Document, make_pipeline
from tests.conftest import fixture_bytes


def ingest(pipe, source, name: str, at: datetime) -> None:
    data = fixture_bytes(source.id, name)
    assert pipe.ingest_documents(source, [Document(name, data, sha256(data).hexdigest())], at).status == "ok"


def test_price_events_name_the_listings_role(settings: Settings) -> None:
    with make_pipeline(settings, publish_after_ingest=False) as pipe:
        ingest(pipe, models_dev.SOURCE, "api_2025-09-30.json", datetime(2025, 9, 30, 12))
        ingest(pipe, models_dev.SOURCE, "api_2026-03-21.json", datetime(2026, 3, 21, 12))
        ingest(pipe, openrouter.SOURCE, "models_2026-05-15.json", datetime(2026, 5, 15, 12))
        ingest(pipe, openrouter.SOURCE, "models_2026-07-17.json", datetime(2026, 7, 17, 12))
        events = {(e.source, e.entity): e for e in load_events(pipe.con, "kind = 'price_cut'")}
        maker = events[("models_dev", "deepseek/deepseek-chat")]
        assert maker.after["role"] == "maker"
        assert "This is the maker's list price." in body(maker)
        resold = [e for (source, _), e in events.items() if source == "openrouter"]
        assert resold and all(e.after["role"] == "reseller" for e in resold)
        assert all("This is a reseller's listing" in body(e) for e in resold)
        hosted = events[("models_dev", "groq/openai/gpt-oss-120b")]  # an open model's host: its market price
        assert hosted.after["role"] == "host" and "This is a host's market price." in body(hosted)
