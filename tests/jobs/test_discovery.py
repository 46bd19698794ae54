"""A discovering source (LiveBench) reads which documents to collect from the site's own code at each run."""

from __future__ import annotations

from datetime import datetime

from pytest_httpserver import HTTPServer

from collectors.leaderboards import livebench
from gapwatch.settings import Settings
from jobs.pipeline import make_pipeline
from tests.conftest import fixture_bytes

SITE = livebench.SITE
T = datetime(2026, 7, 1, 12)


def serve(origin: HTTPServer, app_js: bytes) -> None:
    origin.expect_request(f"{SITE}/src/App.js").respond_with_data(app_js, content_type="text/javascript")
    origin.expect_request(f"{SITE}/src/Table/modelLinks.js").respond_with_data(
        fixture_bytes("livebench", "modelLinks.js"), content_type="text/javascript")
    origin.expect_request(f"{SITE}/public/table_2026_01_08.csv").respond_with_data(
        fixture_bytes("livebench", "table_2026_01_08.csv"), content_type="text/csv")


def with_livebench(settings: Settings, origin: HTTPServer) -> Settings:
    return settings.model_copy(update={"base_urls": {"livebench": origin.url_for("").rstrip("/")}})


def test_collects_the_release_app_js_names(settings: Settings, origin: HTTPServer) -> None:
    serve(origin, fixture_bytes("livebench", "App.js"))
    with make_pipeline(with_livebench(settings, origin)) as pipe:
        outcome = pipe.collect(livebench.SOURCE, T)
        assert outcome.status == "ok", outcome.summary()
        boards = {b for (b,) in pipe.con.execute("SELECT DISTINCT board FROM leaderboard_score").fetchall()}
        assert boards == {"livebench-2026-01-08", "livebench-tasks-2026-01-08"}
        links = pipe.con.execute("SELECT organization, open_weights FROM source_model WHERE model = "
                                 "'deepseek-v4-pro'").fetchall()
        assert links == [("DeepSeek", True)]


def test_a_site_that_no_longer_names_its_release_fails_the_run_clearly(settings: Settings,
                                                                       origin: HTTPServer) -> None:
    serve(origin, b"function App() { const [d, setD] = useState(latestRelease()); }")
    with make_pipeline(with_livebench(settings, origin)) as pipe:
        outcome = pipe.collect(livebench.SOURCE, T)
        assert outcome.status == "failed"
        assert "no longer names its current release" in outcome.error and "App.js" in outcome.error
        assert pipe.con.execute("SELECT count(*) FROM leaderboard_score").fetchone() == (0,)


def test_the_discovery_fetch_is_logged(settings: Settings, origin: HTTPServer) -> None:
    serve(origin, fixture_bytes("livebench", "App.js"))
    with make_pipeline(with_livebench(settings, origin)) as pipe:
        pipe.collect(livebench.SOURCE, T)
        pipe.collect(livebench.SOURCE, T.replace(day=2))
        logged = pipe.con.execute("SELECT outcome FROM fetch_log WHERE url LIKE '%/src/App.js' ORDER BY fetched_at"
                                  ).fetchall()
        assert logged == [("new",), ("same",)]
