"""Every shared realdata leaderboard file parses (optional tier: skipped when ../shared/realdata is absent)."""

from __future__ import annotations

from datetime import datetime

import pytest

from collectors.leaderboards import aider, epoch_benchmarks, lmarena, open_llm_leaderboard
from gapwatch.rows import ModelRow, ScoreRow
from gapwatch.source import DocMeta
from tests.conftest import realdata

pytestmark = pytest.mark.realdata


def meta(source: str, name: str) -> DocMeta:
    return DocMeta(source=source, url=f"https://x/{name}", observed_at=datetime(2026, 1, 1))


def test_every_lmarena_csv_parses_with_style_control_ranks_from_2024_10_16() -> None:
    for path in sorted(realdata("lmarena").glob("*.csv")):
        result = lmarena.parse(path.read_bytes(), meta("lmarena", path.name))
        boards = {r.board for r in result.rows}
        assert len(result.rows) >= 15 and not result.skipped, path.name
        has_style = any(b.endswith("-style-control") for b in boards)
        assert has_style == (path.name >= "lmsys_2024-10-16" or path.name.startswith("lmarena_")), path.name


def test_every_aider_file_parses() -> None:
    for path in sorted(realdata("aider").glob("*.yml")):
        result = aider.parse(path.read_bytes(), meta("aider", path.name))
        assert len(result.rows) >= 10, path.name
        assert all(r.score_unit == "pass_rate" and 0 <= r.score <= 100 for r in result.rows), path.name
        assert all(s.endswith("superseded by a better run of the same model") for s in result.skipped), path.name


def test_both_open_llm_leaderboard_csv_schemas_parse() -> None:
    counts = {}
    for path in sorted(realdata("hf_open_llm_leaderboard").glob("*.csv")):
        result = open_llm_leaderboard.parse(path.read_bytes(), meta("open_llm_leaderboard", path.name))
        models = [r for r in result.rows if isinstance(r, ModelRow)]
        scores = [r for r in result.rows if isinstance(r, ScoreRow)]
        assert not result.skipped and len(scores) == 7 * len(models), path.name
        assert all(m.open_weights and m.license for m in models if m.license is not None)
        counts[path.name[:25]] = len(models)
    assert counts == {"huggingface_v2_2024-07-13": 235, "huggingface_v2_2025-03-21": 4497}


def test_epoch_benchmark_tables_parse() -> None:
    for path in sorted(realdata("epoch_open_model_trends").glob("*with_model_accessibility*.csv")):
        result = epoch_benchmarks.parse(path.read_bytes(), meta("epoch_benchmarks", path.name))
        models = [r for r in result.rows if isinstance(r, ModelRow)]
        assert len(models) >= 70 and not result.skipped, path.name
        # one row of the study has an empty Open/Closed: unknown, not guessed
        assert sum(m.open_weights is True for m in models) > 10 and sum(m.open_weights is False for m in models) > 10
        assert sum(m.open_weights is None for m in models) <= 1, path.name
