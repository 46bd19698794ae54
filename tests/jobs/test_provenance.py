"""What is stored about a fetch: the final URL after a redirect, and never the credentials of a base URL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.pricing import openrouter
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.conftest import fixture_bytes

MAY = fixture_bytes("openrouter", "models_2026-05-15.json")
TOKEN = "s3cr3t-t0ken"


def every_text(path: Path) -> str:
    """Every text value of every table of a DuckDB file, joined."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return " ".join(str(row) for t in tables for row in con.execute(f"SELECT * FROM {t}").fetchall())


def test_credentials_in_a_base_url_are_sent_but_never_stored_or_published(settings: Settings,
                                                                          origin: HTTPServer) -> None:
    seen = {}

    def handler(request: Request) -> Response:
        seen["auth"] = request.headers.get("Authorization")
        return Response(MAY, content_type="application/json")

    origin.expect_request("/api/v1/models").respond_with_handler(handler)
    settings.base_urls["openrouter"] = settings.base_urls["openrouter"].replace("http://", f"http://user:{TOKEN}@")
    with Pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, datetime(2026, 5, 15)).status == "ok"
    assert seen["auth"] and seen["auth"].startswith("Basic ")  # the credentials did reach the server
    for path in (settings.warehouse_file, settings.published_file):
        text = every_text(path)
        assert TOKEN not in text and "user:" not in text
        assert "/api/v1/models" in text  # the URL itself is kept


def test_the_final_url_of_a_redirect_is_recorded(settings: Settings, origin: HTTPServer) -> None:
    origin.expect_request("/api/v1/models").respond_with_response(
        Response(status=301, headers={"Location": "/api/v2/models"}))
    origin.expect_request("/api/v2/models").respond_with_data(MAY, content_type="application/json")
    with Pipeline(settings) as pipe:
        assert pipe.collect(openrouter.SOURCE, datetime(2026, 5, 15)).status == "ok"
        logged = pipe.con.execute("SELECT url, final_url FROM fetch_log").fetchall()
    assert logged == [(origin.url_for("/api/v1/models"), origin.url_for("/api/v2/models"))]
