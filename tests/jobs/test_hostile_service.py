"""The service against hostile hosts on 127.0.0.1: a trickling host, a host asking us to wait (Retry-After)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from jobs.pipeline import Pipeline
from jobs.service import SHUTDOWN_GRACE_S, Service
from tests.collectors.test_http_hostile import Trickle
from tests.jobs.test_service import JULY, MAY, MODELS, ROOT, Origin, clone, service_settings, wait_until

pytestmark = pytest.mark.process  # starts the service and signals it


def runs(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT source, status, error FROM collection_run ORDER BY run_id").fetchall()


def test_a_trickling_host_fails_at_the_deadline_holds_few_workers_and_does_not_delay_shutdown(tmp_path: Path) -> None:
    trickle, healthy = Trickle(every=0.2), Origin()
    slow = [f"trickle_{i}" for i in range(4)]
    healthy.serve(f"/good{MODELS}", MAY, JULY)
    try:
        settings = service_settings(tmp_path, healthy, ["good"], max_concurrent_fetches=4, max_fetches_per_host=2,
                                    fetch_deadline_s=1.5, http_timeout_s=5)
        settings.base_urls.update({sid: f"http://127.0.0.1:{trickle.port}/{sid}" for sid in slow})
        service = Service(settings, sources=[clone(s) for s in [*slow, "good"]], pipeline=Pipeline(settings))
        service.start()
        # The trickling host (four sources, as many as there are workers) never holds more than its two slots:
        # the healthy host keeps collecting, and the trickled fetches fail at the deadline with a clear error.
        wait_until(lambda: service.outcomes[("good", "ok")] >= 3, timeout_s=30)
        wait_until(lambda: sum(service.outcomes[(s, "failed")] for s in slow) >= 2, timeout_s=30)
        started = time.monotonic()
        service.stop()  # fetches in flight are cancelled after the grace period, not left to their deadline
        assert time.monotonic() - started < SHUTDOWN_GRACE_S + 3
    finally:
        trickle.close()
        healthy.close()
    failed = [r for r in runs(settings.warehouse_file) if r[1] == "failed"]
    assert failed and all(r[0] in slow and "fetch_deadline_s" in r[2] for r in failed), failed
    assert not any("cancelled" in (r[2] or "") for r in runs(settings.warehouse_file))  # no blame at shutdown


def test_retry_after_is_honoured_by_the_schedule(tmp_path: Path, origin: HTTPServer) -> None:
    origin.expect_request(f"/limited{MODELS}").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "120"}))
    loop = Origin()  # only for service_settings' shape
    try:
        settings = service_settings(tmp_path, loop, ["limited"], http_attempts=1)
    finally:
        loop.close()
    settings.base_urls["limited"] = origin.url_for("/limited")
    service = Service(settings, sources=[clone("limited")], pipeline=Pipeline(settings))
    service.start()
    try:
        wait_until(lambda: service.outcomes[("limited", "failed")] >= 1, timeout_s=30)
        time.sleep(0.3)
        next_run = service.scheduler.get_job("limited").next_run_time
    finally:
        service.stop()
    # Every 1 s by the schedule, but the server asked for 120 s: the next run waits for that.
    assert next_run >= datetime.now(UTC) + timedelta(seconds=100)
    assert service.outcomes[("limited", "failed")] == 1

    # A restart remembers it: the first run after start-up still waits for the time the server asked for.
    restarted = Service(settings, sources=[clone("limited")], pipeline=Pipeline(settings))
    restarted.start()
    try:
        first = restarted.scheduler.get_job("limited").next_run_time
    finally:
        restarted.stop()
    assert first >= datetime.now(UTC) + timedelta(seconds=100)
    assert restarted.outcomes[("limited", "failed")] == 0


def test_sigterm_to_serve_during_a_trickle_exits_within_seconds(tmp_path: Path) -> None:
    trickle = Trickle(every=0.5)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")} | {
        "GAPWATCH_CONFIG": str(tmp_path / "none.toml"), "GAPWATCH_DATA_DIR": str(tmp_path / "data"),
        "GAPWATCH_BASE_URLS__OPENROUTER": f"http://127.0.0.1:{trickle.port}/openrouter",
        "GAPWATCH_ENABLED_SOURCES": '["openrouter"]', "GAPWATCH_HOST_MIN_INTERVAL_S": "0",
        "GAPWATCH_FETCH_DEADLINE_S": "600"}  # the deadline is not what ends it
    proc = subprocess.Popen([sys.executable, "-m", "jobs.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: trickle.connections > 0, timeout_s=60)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        proc.kill()
        trickle.close()
    assert proc.returncode == 0 and "stopped" in out, out
    assert took < SHUTDOWN_GRACE_S + 5, f"serve took {took:.1f} s to stop"
    assert runs(tmp_path / "data" / "gapwatch.duckdb") == []  # cancelled at shutdown: no failure recorded
