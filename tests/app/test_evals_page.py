"""The *Your evaluations* page on a snapshot holding own evaluations imported by the real importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapwatch.settings import Settings
from jobs.evals import import_documents, read_files
from jobs.pipeline import make_pipeline
from tests.app.conftest import open_app
from tests.app.test_pages import rendered, shown_tables
from tests.conftest import FIXTURES
from tests.jobs.test_evals_import import ALIASES


@pytest.fixture
def own_snapshot(tmp_path: Path) -> Path:
    (tmp_path / "aliases.toml").write_text(ALIASES, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", aliases_path=tmp_path / "aliases.toml")
    files = [FIXTURES / "own_evals" / n for n in ("inspect_arc_easy_qwen.json", "inspect_arc_easy_sonnet.json")]
    with make_pipeline(settings) as pipe:
        assert {o.status for o in import_documents(pipe, read_files(files))} == {"ok"}
    return settings.published_file


def test_the_page_shows_each_own_board_with_both_sides_and_the_gap(own_snapshot: Path, use_snapshot) -> None:
    use_snapshot(own_snapshot)
    at = open_app("evals")
    rendered(at, "evals")
    text = "\n".join(t.to_csv() for t in shown_tables(at))
    assert "own-arc_easy" in text and "qwen2.5-0.5b-instruct" in text and "claude-sonnet-4-20250514" in text
    assert ",0.333," in text and ",1.000," in text and ",+0.667," in text  # the gap, 1.0 − 0.333


def test_the_cost_pages_decision_factors_read_your_own_results(own_snapshot: Path, use_snapshot) -> None:
    use_snapshot(own_snapshot)
    at = open_app("cost")
    assert not at.exception
    factors = "\n".join(t.to_csv() for t in shown_tables(at))
    assert "your evaluations: own-arc_easy/accuracy: best closed 1.000, best open 0.333, gap +0.667" in factors
