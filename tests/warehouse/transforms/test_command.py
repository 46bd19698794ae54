"""`gapwatch transforms`: recompute the transform tables on demand, e.g. after changing the blend ratio."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from collectors.pricing import openrouter
from gapwatch.settings import get_settings
from jobs.cli.main import app
from jobs.pipeline import Document, make_pipeline
from tests.conftest import fixture_bytes

runner = CliRunner()
QUERY = "SELECT blended_price FROM v_price_blended WHERE model = 'deepseek/deepseek-chat-v3-0324'"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GAPWATCH_CONFIG", str(tmp_path / "absent.toml"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def test_changed_blend_ratio_is_applied_and_published(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = fixture_bytes("openrouter", "models_2026-05-15.json")
    with make_pipeline(get_settings()) as pipe:
        doc = Document(openrouter.SOURCE.urls()[0], body, hashlib.sha256(body).hexdigest())
        assert pipe.ingest_documents(openrouter.SOURCE, [doc], datetime(2026, 5, 15, 12)).status == "ok"
    monkeypatch.setenv("GAPWATCH_BLEND_INPUT_WEIGHT", "1")
    get_settings.cache_clear()
    result = runner.invoke(app, ["transforms"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(data_dir / "published" / "gapwatch.duckdb"), read_only=True) as snapshot:
        assert snapshot.execute(QUERY).fetchall() == [(pytest.approx((0.2 + 0.77) / 2),)]  # 1:1 now, was 3:1


def test_empty_warehouse_says_what_to_do(data_dir: Path) -> None:
    result = runner.invoke(app, ["transforms"])
    assert result.exit_code == 1 and "gapwatch collect" in result.output
