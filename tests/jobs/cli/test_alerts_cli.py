"""`gapwatch alerts test|list|deliver` against a warehouse in a temp dir and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from collectors.pricing import openrouter
from gapwatch.settings import get_settings
from jobs.cli.main import app
from jobs.pipeline import Document, make_pipeline
from tests.conftest import fixture_bytes
from tests.jobs.alerts.test_alerts import TOKEN, Receiver

runner = CliRunner()


@pytest.fixture
def configured(tmp_path: Path, origin: HTTPServer, monkeypatch) -> Iterator[Path]:
    rules = tmp_path / "alerts.toml"
    rules.write_text(f"""
[channels]
hook = "json://127.0.0.1:{origin.port}/hook/${{HOOK_TOKEN}}"

[[rules]]
name = "catalogue"
kinds = ["new_model", "model_removed"]
channels = ["hook"]
""")
    monkeypatch.setenv("HOOK_TOKEN", TOKEN)
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GAPWATCH_ALERTS_CONFIG", str(rules))
    monkeypatch.setenv("GAPWATCH_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    with make_pipeline(get_settings()) as pipe:
        for at, name in ((datetime(2026, 5, 15, 12), "models_2026-05-15.json"),
                         (datetime(2026, 7, 17, 12), "models_2026-07-17.json")):
            body = fixture_bytes("openrouter", name)
            pipe.ingest_documents(openrouter.SOURCE, [Document("http://openrouter.test/api/v1/models", body,
                                                               hashlib.sha256(body).hexdigest())], at)
    yield rules
    get_settings.cache_clear()


@pytest.fixture
def receiver(origin: HTTPServer) -> Receiver:
    rec = Receiver()
    origin.expect_request(f"/hook/{TOKEN}", method="POST").respond_with_handler(rec)
    return rec


def test_alerts_test_reports_each_channel(configured: Path, receiver: Receiver) -> None:
    result = runner.invoke(app, ["alerts", "test"])
    assert result.exit_code == 0, result.output
    assert "hook (json://…)" in result.output and "ok" in result.output and TOKEN not in result.output
    assert [p["title"] for p in receiver.payloads] == ["gapwatch test message"]
    receiver.status = 500
    failed = runner.invoke(app, ["alerts", "test"])
    assert failed.exit_code == 1 and "failed" in failed.output and TOKEN not in failed.output


def test_alerts_list_filters_by_kind(configured: Path) -> None:
    result = runner.invoke(app, ["alerts", "list"])
    assert result.exit_code == 0, result.output
    for text in ("price_cut", "new_model", "model_removed", "moonshotai/kimi-k3"):
        assert text in result.output
    only = runner.invoke(app, ["alerts", "list", "--kind", "price_cut", "--limit", "5"])
    assert "price_cut" in only.output and "new_model" not in only.output
    assert runner.invoke(app, ["alerts", "list", "--kind", "price_drop"]).exit_code == 2


def test_alerts_deliver_once_then_nothing_left(configured: Path, receiver: Receiver) -> None:
    result = runner.invoke(app, ["alerts", "deliver"])
    assert result.exit_code == 0, result.output
    assert "2 delivered, 0 failed" in result.output
    assert sorted(p["title"] for p in receiver.payloads) == [
        "Model removed from openrouter: ibm-granite/granite-4.1-8b", "New model on openrouter: moonshotai/kimi-k3"]
    again = runner.invoke(app, ["alerts", "deliver"])
    assert "0 delivered, 0 failed" in again.output and len(receiver.payloads) == 2
    listed = runner.invoke(app, ["alerts", "list", "--kind", "new_model"])
    assert "hook" in listed.output  # the published snapshot shows where it was delivered
