"""Command-line faults as a user meets them: a TZ-set machine, a symlink out of a backfill directory."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from tests.conftest import fixture_bytes

ROOT = Path(__file__).resolve().parents[3]
MAY = fixture_bytes("openrouter", "models_2026-05-15.json")


def test_as_of_is_utc_whatever_the_machines_time_zone(settings: Settings, origin: HTTPServer) -> None:
    origin.expect_request("/api/v1/models").respond_with_handler(
        lambda request: Response(MAY, content_type="application/json"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAPWATCH_")} | {
        "TZ": "America/New_York", "GAPWATCH_DATA_DIR": str(settings.data_dir),
        "GAPWATCH_BASE_URLS__OPENROUTER": settings.base_urls["openrouter"], "GAPWATCH_HOST_MIN_INTERVAL_S": "0"}
    done = subprocess.run([sys.executable, "-m", "jobs.cli", "collect", "openrouter", "--as-of",
                           "2025-01-01T00:00Z"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(settings.warehouse_file), read_only=True) as con:
        observed = con.execute("SELECT observed_at FROM collection_run").fetchall()
    assert observed == [(datetime(2025, 1, 1, 0, 0),)]


def test_backfill_dir_refuses_symlinks_out_of_the_directory(settings: Settings, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "history"
    root.mkdir()
    (root / "models_2026-05-15.json").write_bytes(MAY)
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "models_2026-06-01.json").symlink_to(secret)
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["backfill", "openrouter", "--dir", str(root)], env={"COLUMNS": "300"})
    finally:
        get_settings.cache_clear()
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "symlinks to files outside" in text and "Nothing was stored" in text
    raw = settings.raw_root
    stored = [p for p in raw.rglob("*") if p.is_file()] if raw.exists() else []
    assert stored == []


def test_every_command_start_removes_what_killed_processes_left(settings: Settings, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    published = settings.published_file
    published.parent.mkdir(parents=True)
    raw = settings.raw_root / "ab"
    raw.mkdir(parents=True)
    left = [published.with_name(f".{published.name}.{dead.pid}.tmp"),
            published.with_name(f".{published.name}.{dead.pid}.tmp.wal"),
            raw / f"{'ab' * 32}.gz.tmp{dead.pid}-140000"]
    busy = [published.with_name(f".{published.name}.{alive.pid}.tmp"), raw / f"{'cd' * 32}.gz.tmp{alive.pid}-1"]
    for path in left + busy:
        path.write_bytes(b"half")
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        assert CliRunner().invoke(app, ["sources"]).exit_code == 0  # a reader: only dead processes' leftovers
        assert not any(p.exists() for p in left) and all(p.exists() for p in busy)
        alive.kill()
        alive.wait()
        # The writer holds the lock: whatever is left is stale, whoever wrote it.
        from jobs.pipeline import Pipeline
        Pipeline(get_settings()).close()
        assert not any(p.exists() for p in busy)
    finally:
        alive.kill()
        get_settings.cache_clear()
