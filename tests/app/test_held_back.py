"""The Sources page says which rows of a source's last document were held back, and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.app.conftest import open_app
from tests.jobs.test_held_rows import MAY, T1, T2, spoiled


def test_the_sources_page_shows_the_rows_held_back(settings: Settings, origin: HTTPServer,
                                                    use_snapshot: Callable[[Path], None]) -> None:
    upstream = {"body": json.dumps(MAY).encode()}
    origin.expect_request("/api/v1/models").respond_with_handler(
        lambda request: Response(upstream["body"], content_type="application/json"))
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, T1).status == "ok"
        upstream["body"] = spoiled()
        assert pipe.collect(openrouter.SOURCE, T2).status == "ok"
    use_snapshot(settings.published_file)
    at = open_app("sources")
    assert not at.exception
    shown = [t.value for t in at.text]
    assert any(t.startswith("⚠ openrouter: 4 rows held back: ") for t in shown), shown
