"""A new publish shows on the next rerun of a running app session: cached reads follow the snapshot version."""

from __future__ import annotations

from pytest_httpserver import HTTPServer
from werkzeug import Response

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.app.conftest import chooser, open_app
from tests.conftest import fixture_bytes

NEW_IN_JULY = "moonshotai/kimi-k3"


def test_new_collection_shows_without_restart(settings: Settings, origin: HTTPServer, use_snapshot) -> None:
    bodies = [fixture_bytes("openrouter", "models_2026-05-15.json")]
    origin.expect_request("/api/v1/models").respond_with_handler(
        lambda _req: Response(bodies[-1], content_type="application/json"))
    use_snapshot(settings.published_file)
    with make_pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE).status == "ok"
        at = open_app("prices")
        assert NEW_IN_JULY not in chooser(at, "model").options

        bodies.append(fixture_bytes("openrouter", "models_2026-07-17.json"))
        assert pipe.collect(openrouter.SOURCE).status == "ok"
        at.run()  # the same session, the same server process: only the snapshot changed
        assert NEW_IN_JULY in chooser(at, "model").options
