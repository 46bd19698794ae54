"""A retired source is kept for its history but never scheduled, and says so where sources are listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectors import registry
from gapwatch.settings import Settings, get_settings
from jobs.cli.main import app
from jobs.service import enabled_sources


def test_retired_sources_are_not_scheduled_even_when_named(tmp_path: Path) -> None:
    retired = [s.id for s in registry.SOURCES if s.retired]
    assert retired == ["open_llm_leaderboard"]
    assert not set(retired) & {s.id for s in enabled_sources(Settings(data_dir=tmp_path))}
    named = Settings(data_dir=tmp_path, enabled_sources=["open_llm_leaderboard", "lmarena"])
    assert [s.id for s in enabled_sources(named)] == ["lmarena"]


def test_sources_command_marks_them_retired(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GAPWATCH_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["sources"], env={"COLUMNS": "250"})
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    line = next(li for li in result.output.splitlines() if "open_llm_leaderboard" in li)
    assert "retired" in line
