"""Numbers an upstream (or a user's clock) controls are clamped or refused: Retry-After and dates in the future.

`Retry-After: inf` used to be stored as is; reading it back failed a cast, so every run and every start of the
service died. `99999999999` moved a source's next run to the year 5195. `collect --as-of 2099-…` made the source's
newest run lie in the future, so the service would not collect it until then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from collectors.http import RETRY_AFTER_MAX_S, HttpClient
from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.pipeline import Pipeline, http_config
from jobs.service import Service
from tests.jobs.test_service import MAY, MODELS, Origin, clone, service_settings, wait_until

DAY = timedelta(seconds=RETRY_AFTER_MAX_S)
HOSTILE = {
    "inf": DAY, "1e308": DAY, "99999999999": DAY, "-inf": timedelta(0), "-30": timedelta(0), "garbage": None,
    "nan": None, "Fri, 01 Jan 9999 00:00:00 GMT": DAY, "Fri, 01 Jan 9999 00:00:00 -0000": DAY,
    "Wed, 21 Oct 2015 07:28:00 GMT": timedelta(0), "120": timedelta(seconds=120),
}


@pytest.mark.parametrize("header", list(HOSTILE))
def test_retry_after_is_clamped_to_a_day_whatever_the_server_sends(header: str, settings: Settings,
                                                                   origin: HTTPServer) -> None:
    origin.expect_request("/limited").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": header}))
    with HttpClient(http_config(settings.model_copy(update={"http_attempts": 1}))) as client:
        res = client.fetch(origin.url_for("/limited"))
    assert res.status == 429 and res.error
    expected = HOSTILE[header]
    assert res.retry_after_s == (None if expected is None else expected.total_seconds())


def _next_run(service: Service, source_id: str) -> datetime:
    return service.scheduler.get_job(source_id).next_run_time


def test_serve_survives_retry_after_inf_and_waits_at_most_a_day(tmp_path: Path, origin: HTTPServer) -> None:
    origin.expect_request(f"/limited{MODELS}").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "inf"}))
    loop = Origin()
    loop.serve(f"/good{MODELS}", MAY)
    try:
        settings = service_settings(tmp_path, loop, ["good", "limited"], http_attempts=1)
        settings.base_urls["limited"] = origin.url_for("/limited")
        service = Service(settings, sources=[clone("good"), clone("limited")], pipeline=Pipeline(settings))
        service.start()
        try:
            wait_until(lambda: service.outcomes[("limited", "failed")] >= 1, timeout_s=30)
            wait_until(lambda: service.outcomes[("good", "ok")] + service.outcomes[("good", "unchanged")] >= 2,
                       timeout_s=30)
            next_run = _next_run(service, "limited")
        finally:
            service.stop()
        assert service.outcomes[("limited", "crashed")] == 0 and service.outcomes[("good", "crashed")] == 0
        now = datetime.now(UTC)
        assert now + DAY - timedelta(minutes=5) <= next_run <= now + DAY + timedelta(minutes=1)

        # A restart reads it back and starts (it exited 1 on every start before).
        restarted = Service(settings, sources=[clone("good"), clone("limited")], pipeline=Pipeline(settings))
        restarted.start()
        try:
            first = _next_run(restarted, "limited")
        finally:
            restarted.stop()
        assert first <= datetime.now(UTC) + DAY + timedelta(minutes=1)
    finally:
        loop.close()


@pytest.mark.parametrize("stored", ["'inf'::DOUBLE", "1e308", "99999999999", "'nan'::DOUBLE", "-5"])
def test_a_retry_after_stored_before_the_clamp_is_clamped_when_read_back(stored: str, tmp_path: Path) -> None:
    loop = Origin()
    try:
        settings = service_settings(tmp_path, loop, ["limited"])
    finally:
        loop.close()
    with Pipeline(settings) as pipe:
        pipe.con.execute("INSERT INTO fetch_log (source, url, fetched_at, outcome, status, retry_after_s) "
                         f"VALUES ('limited', 'http://x/limited', now()::TIMESTAMP, 'error', 429, {stored})")
    service = Service(settings, sources=[clone("limited")], pipeline=Pipeline(settings))
    service.start()
    try:
        first = _next_run(service, "limited")
    finally:
        service.stop()
    assert first <= datetime.now(UTC) + DAY + timedelta(minutes=1)


def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))
    for sid, url in settings.base_urls.items():
        monkeypatch.setenv(f"GAPWATCH_BASE_URLS__{sid.upper()}", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})
    finally:
        get_settings.cache_clear()
    return result.exit_code, " ".join(result.output.split())


def test_collect_as_of_in_the_future_is_refused(settings: Settings, origin: HTTPServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _cli(settings, monkeypatch, "collect", "openrouter", "--as-of", "2099-01-01")
    assert code == 2 and "in the future" in out and "2099-01-01" in out, out
    assert not settings.warehouse_file.exists()  # refused before anything was opened or fetched
    soon = (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%MZ")  # within the clock skew
    origin.expect_request(MODELS).respond_with_data(MAY, content_type="application/json")
    code, out = _cli(settings, monkeypatch, "collect", "openrouter", "--as-of", soon)
    assert code == 0, out


def test_backfill_refuses_a_document_dated_in_the_future(settings: Settings, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    history = tmp_path / "history"
    history.mkdir()
    (history / "models_2026-05-15.json").write_bytes(MAY)
    (history / "models_2099-05-15.json").write_bytes(MAY)
    code, out = _cli(settings, monkeypatch, "backfill", "openrouter", "--dir", str(history))
    assert code == 2 and "models_2099-05-15.json is dated 2099-05-15" in out and "Nothing was ingested" in out, out
    if settings.warehouse_file.exists():
        with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM collection_run").fetchall() == [(0,)]
