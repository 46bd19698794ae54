"""`gapwatch capability-map`: validate an edited map, load and publish it, list unmapped categories."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from collectors.leaderboards import livebench
from gapwatch.settings import get_settings
from jobs.cli.main import app
from jobs.pipeline import Document, make_pipeline
from tests.conftest import fixture_bytes

runner = CliRunner()
TABLE_URL = "https://raw.githubusercontent.com/LiveBench/livebench.github.io/main/public/table_2026_01_08.csv"


@pytest.fixture
def user_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A warehouse holding one LiveBench release, and a user map that covers only part of it."""
    path = tmp_path / "map.toml"
    path.write_text('[[map]]\nboard = "livebench-2*"\ncategory = "*"\ncapability = "general"\n', encoding="utf-8")
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GAPWATCH_CAPABILITY_MAP_PATH", str(path))
    monkeypatch.setenv("GAPWATCH_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    body = fixture_bytes("livebench", "table_2026_01_08.csv")
    with make_pipeline(get_settings()) as pipe:
        outcome = pipe.ingest_documents(livebench.SOURCE, [Document(TABLE_URL, body,
                                                                    hashlib.sha256(body).hexdigest())],
                                        datetime(2026, 7, 1, 12))
        assert outcome.status == "ok"
    yield path
    get_settings.cache_clear()


def test_check_validates_without_writing(user_map: Path) -> None:
    result = runner.invoke(app, ["capability-map", "--check"])
    assert result.exit_code == 0 and "1 (board, category) patterns, all valid" in result.output
    user_map.write_text('[[map]]\nboard = "livebench-*"\ncategory = "*"\ncapability = "vibes"\n', encoding="utf-8")
    result = runner.invoke(app, ["capability-map", "--check"])
    assert result.exit_code == 1 and "capability 'vibes' is not one of" in result.output


def test_edited_map_is_loaded_published_and_gaps_listed(user_map: Path) -> None:
    result = runner.invoke(app, ["capability-map"])
    assert result.exit_code == 0, result.output
    assert "already in force" in result.output  # the ingest hook loaded it already
    assert "livebench-tasks" in result.output and "zebra_puzzle" in result.output  # unmapped, with model counts
    user_map.write_text(user_map.read_text(encoding="utf-8")
                        + '\n[[map]]\nboard = "livebench-tasks-*"\ncategory = "*"\ncapability = "none"\n',
                        encoding="utf-8")
    result = runner.invoke(app, ["capability-map"])
    assert result.exit_code == 0, result.output
    assert "2 patterns loaded and published" in result.output and "every category seen is mapped" in result.output
    published = duckdb.connect(str(get_settings().published_file), read_only=True)
    assert published.execute("SELECT count(*) FROM capability_map").fetchone()[0] == 2
    assert published.execute("SELECT count(*) FROM v_unmapped_categories").fetchone()[0] == 0
    published.close()
