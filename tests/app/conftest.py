"""Warehouses for the app tests: none published, an empty migrated one, and one filled by the real pipeline.

The filled one is collected with `jobs.pipeline.make_pipeline` (every ingest hook: identity, transforms, change
detection, as they exist) from recorded fixtures served over HTTP on 127.0.0.1, like tests/jobs/test_collect.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pandas as pd
import pytest
import streamlit as st
from bs4 import BeautifulSoup
from pytest_httpserver import HTTPServer
from streamlit.testing.v1 import AppTest
from werkzeug import Request, Response

from collectors.leaderboards import aider, lmarena
from collectors.licenses import license_texts
from collectors.pricing import models_dev, openrouter
from collectors.registry import SOURCES
from gapwatch.settings import Settings, get_settings
from jobs.evals import import_documents, read_files
from jobs.pipeline import make_pipeline
from tests.conftest import FIXTURES, fixture_bytes
from warehouse import db, source_info
from warehouse.publish import publish

MAIN = Path(__file__).resolve().parents[2] / "app" / "main.py"
PAGES = ("landscape", "gap_trends", "prices", "licences", "changes", "cost", "evals", "sources", "sql")
TITLES = {"landscape": "Landscape", "gap_trends": "Gap trends", "prices": "Prices", "licences": "Licences",
          "changes": "Changes", "cost": "Cost calculator", "evals": "Your evaluations", "sources": "Sources",
          "sql": "SQL"}

# Two arena exports (the CSV format names its publication date in the file name) and two OpenRouter catalogues.
ARENA = (("/lmsys_data2024.06.19.csv", "lmsys_2024-06-19.csv", datetime(2024, 6, 19, 12)),
         ("/lmsys_data2024.10.16.csv", "lmsys_2024-10-16.csv", datetime(2024, 10, 16, 12)))
# Aider's three boards: the polyglot board twice (its history), the older boards as recorded once.
AIDER = ((datetime(2025, 3, 29, 12), "polyglot_leaderboard_2025-03-29.yml"),
         (datetime(2025, 8, 25, 12), "polyglot_leaderboard_2025-08-25.yml"))
AIDER_STATIC = {"edit_leaderboard": "edit_leaderboard_2024-05-15.yml",
                "refactor_leaderboard": "refactor_leaderboard_2024-10-22.yml"}
# Licence texts, with the Llama 3.1 licence changing between two collections (a text diff).
LLAMA31 = "/meta-llama/llama-models/main/models/llama3_1/LICENSE"
LICENCE_VERSIONS = ((datetime(2025, 3, 1, 12), "llama3_1_v1.txt"), (datetime(2025, 6, 1, 12), "llama3_1_v2.txt"))
OWN_EVALS = ("inspect_arc_easy_qwen.json", "inspect_arc_easy_sonnet.json")
CATALOGUES = (("models_2026-05-15.json", datetime(2026, 5, 15, 12)),
              ("models_2026-07-17.json", datetime(2026, 7, 17, 12)))
# The makers' and hosts' own prices (OpenRouter resells: its prices are never a model's list or market price);
# DeepSeek cut deepseek-chat between the two.
MODELS_DEV = (("api_2025-09-30.json", datetime(2025, 9, 30, 12)), ("api_2026-03-21.json", datetime(2026, 3, 21, 12)))


def loopback_settings(data_dir: Path, base: str) -> Settings:
    return Settings(
        data_dir=data_dir,
        base_urls={name: f"{base}/{name}" for name in ("openrouter", "lmarena", "aider", "license_texts",
                                                       "models_dev")},
        host_min_interval_s=0, backoff_base_s=0.01, backoff_max_s=0.2, http_timeout_s=5, http_attempts=2,
        # The arena fixtures are of 2024, the catalogues of 2026: let the 2024 board still head the table.
        headline_max_age_days=1000,
    )


class Switchable:
    """An endpoint whose document the builder switches between collections."""

    def __init__(self) -> None:
        self.body = b""

    def __call__(self, request: Request) -> Response:
        return Response(self.body)


def fill(data_dir: Path) -> Path:
    """Collect the fixtures through the real pipeline; return the published snapshot's path."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    try:
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
        catalogue, polyglot, prices = Switchable(), Switchable(), Switchable()
        server.expect_request("/openrouter/api/v1/models").respond_with_handler(catalogue)
        server.expect_request("/models_dev/api.json").respond_with_handler(prices)
        server.expect_request(f"/aider{aider.DATA_DIR}/polyglot_leaderboard.yml").respond_with_handler(polyglot)
        for board, name in AIDER_STATIC.items():
            server.expect_request(f"/aider{aider.DATA_DIR}/{board}.yml").respond_with_data(
                fixture_bytes("aider", name))
        for path, name, _ in ARENA:
            server.expect_request(f"/lmarena{path}").respond_with_data(fixture_bytes("lmarena", name),
                                                                       content_type="text/csv")
        llama31 = Switchable()
        for path in license_texts.DOCUMENTS:
            served = f"/license_texts{unquote(path)}"
            if path == LLAMA31:
                server.expect_request(served).respond_with_handler(llama31)
            else:
                body = FIXTURES.joinpath("license_texts", unquote(path).lstrip("/")).read_bytes()
                server.expect_request(served).respond_with_data(body, content_type="text/plain")
        settings = loopback_settings(data_dir, server.url_for("").rstrip("/"))
        with make_pipeline(settings) as pipe:
            for path, _, at in ARENA:
                # The live source reads the HF parquet dataset; the recorded fixtures are its CSV exports.
                outcome = pipe.collect(dataclasses.replace(lmarena.SOURCE, paths=(path,)), at)
                assert outcome.status == "ok", outcome.summary()
            for at, name in AIDER:
                polyglot.body = fixture_bytes("aider", name)
                outcome = pipe.collect(aider.SOURCE, at)
                assert outcome.status == "ok", outcome.summary()
            for at, name in LICENCE_VERSIONS:
                llama31.body = fixture_bytes("license_texts", "versions", name)
                outcome = pipe.collect(license_texts.SOURCE, at)
                assert outcome.status == "ok", outcome.summary()
            for name, at in MODELS_DEV:
                prices.body = fixture_bytes("models_dev", name)
                outcome = pipe.collect(models_dev.SOURCE, at)
                assert outcome.status == "ok", outcome.summary()
            for name, at in CATALOGUES:
                catalogue.body = fixture_bytes("openrouter", name)
                outcome = pipe.collect(openrouter.SOURCE, at)
                assert outcome.status == "ok", outcome.summary()
            # A team's own evaluations of one task, on an open and a closed model (`gapwatch evals import`).
            own = read_files([FIXTURES / "own_evals" / n for n in OWN_EVALS])
            assert {o.status for o in import_documents(pipe, own)} == {"ok"}
    finally:
        server.stop()
    return settings.published_file


@pytest.fixture(scope="session")
def filled_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill(tmp_path_factory.mktemp("filled") / "data")


@pytest.fixture(scope="session")
def empty_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("empty")
    con = db.connect(root / "gapwatch.duckdb")
    source_info.sync(con, SOURCES)  # as the writer opens it: sources declared, nothing collected
    target = root / "published" / "gapwatch.duckdb"
    publish(con, target)
    con.close()
    return target


@pytest.fixture
def use_snapshot(monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    """Point the app at a published file (which may not exist) for this test."""

    def point(path: Path) -> None:
        monkeypatch.setenv("GAPWATCH_PUBLISHED_PATH", str(path))
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()
    st.cache_data.clear()


def open_app(page: str = "landscape", query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(MAIN), default_timeout=30).run()
    if query:
        at.query_params.update(query)
    if page != "landscape" or query:
        at.switch_page(f"screens/{page}.py").run()
    return at


def chooser(at: AppTest, key: str):
    """The widget `app.filters.choose` drew under `key`: radio buttons for a few short options, else a selectbox."""
    (found,) = [w for w in (*at.radio, *at.selectbox) if w.key == key]
    return found


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """The tables the page drew as HTML (`app.ui.html_table`), as the reader reads them: each cell's text, a
    link's cell its URL."""
    frames = []
    for block in at.markdown:
        for table in BeautifulSoup(block.value, "html.parser").select("div.gw-table table"):
            columns = [th.get_text() for th in table.select("thead th")]
            rows = [[cell.a["href"] if cell.a else cell.get_text() for cell in tr.find_all(["th", "td"])]
                    for tr in table.select("tbody tr")]
            frames.append(pd.DataFrame(rows, columns=columns))
    return frames


def metrics(at: AppTest) -> dict[str, str]:
    """The headline figures the page drew (`app.ui.metric`): label → value, as the reader reads them."""
    return {m.select_one(".gw-label").get_text(): m.select_one(".gw-value").get_text()
            for block in at.markdown for m in BeautifulSoup(block.value, "html.parser").select("div.gw-metric")}


def charts_drawn(at: AppTest) -> list[BeautifulSoup]:
    """The charts the page drew (`app.ui.chart`): each one's SVG."""
    return [svg for block in at.markdown
            for svg in BeautifulSoup(block.value, "html.parser").select("div.gw-chart > svg")]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every chart the pages draw while the test runs (the Altair charts `app.ui.chart` hands to `charts.svg`)."""
    from app import charts

    seen: list = []
    real = charts.svg

    def spy(chart: object) -> str:
        seen.append(chart)
        return real(chart)

    monkeypatch.setattr(charts, "svg", spy)
    return seen


def view(snapshot: Path, sql: str, params: list | None = None) -> list[tuple]:
    """What the SQL views say, read independently of the app."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def relation_exists(snapshot: Path, name: str) -> bool:
    return bool(view(snapshot, "SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name]))
