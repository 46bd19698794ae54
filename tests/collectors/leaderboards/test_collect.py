"""New leaderboard sources through the whole Pipeline over real HTTP on 127.0.0.1 (fetch → parse → ingest → publish)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from collectors.leaderboards import aider, epoch_benchmarks
from gapwatch.settings import Settings
from jobs.pipeline import Pipeline
from tests.conftest import fixture_bytes
from warehouse import capabilities

T1, T2, T3 = datetime(2025, 3, 29, 12), datetime(2025, 8, 25, 12), datetime(2025, 8, 26, 12)
DATA = "/Aider-AI/aider/main/aider/website/_data"


class Files:
    """Serves a path → body mapping the test changes between collections."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def __call__(self, request: Request) -> Response:
        return Response(self.files[request.path], content_type="application/octet-stream")


@pytest.fixture
def leaderboard_settings(settings: Settings, origin: HTTPServer) -> Settings:
    base = origin.url_for("").rstrip("/")
    urls = {**settings.base_urls, "aider": base, "epoch_benchmarks": base}
    return settings.model_copy(update={"base_urls": urls})


@pytest.fixture
def aider_files(origin: HTTPServer) -> Files:
    files = Files({
        f"{DATA}/polyglot_leaderboard.yml": fixture_bytes("aider", "polyglot_leaderboard_2025-03-29.yml"),
        f"{DATA}/edit_leaderboard.yml": fixture_bytes("aider", "edit_leaderboard_2024-05-15.yml"),
        f"{DATA}/refactor_leaderboard.yml": fixture_bytes("aider", "refactor_leaderboard_2024-10-22.yml"),
    })
    for path in files.files:
        origin.expect_request(path).respond_with_handler(files)
    return files


def pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings, hooks=[capabilities.ingest_hook(settings.capability_map_path)])


def test_aider_history_over_two_collections(leaderboard_settings: Settings, aider_files: Files) -> None:
    with pipeline(leaderboard_settings) as pipe:
        first = pipe.collect(aider.SOURCE, T1)
        assert first.status == "ok" and first.diff.counts == (9 + 6 + 5, 0, 0)  # 10 polyglot runs, Qwen2.5-Coder twice
        aider_files.files[f"{DATA}/polyglot_leaderboard.yml"] = fixture_bytes(
            "aider", "polyglot_leaderboard_2025-08-25.yml")
        second = pipe.collect(aider.SOURCE, T2)
        assert second.status == "ok"
        added = {c.key["model"] for c in second.diff.added}
        removed = {c.key["model"] for c in second.diff.removed}
        assert added == {"DeepSeek R1 (0528)", "Kimi K2", "gpt-oss-120b (high)", "o3 (high)", "o3-pro (high)",
                         "openai/gpt-5"}
        assert removed == {"QwQ-32B", "o3-mini (high)", "o3-mini (medium)"}
        # ranks moved for models that stayed: changes, not new facts
        assert {c.key["board"] for c in second.diff.changed} == {"aider-polyglot"}
        edit = pipe.con.execute("SELECT count(*), max(valid_to) FROM leaderboard_score WHERE board = 'aider-edit'")
        assert edit.fetchone() == (6, None)  # the edit board's facts were not touched by the polyglot change
        gone = pipe.con.execute("SELECT valid_from, valid_to FROM leaderboard_score WHERE model = 'o3-mini (high)'")
        assert gone.fetchall() == [(T1, T2)]
    published = duckdb.connect(str(leaderboard_settings.published_file), read_only=True)
    best = published.execute(
        "SELECT model, score FROM v_capability_scores WHERE capability = 'coding' AND board = 'aider-polyglot' "
        "AND valid_to IS NULL ORDER BY score DESC LIMIT 1").fetchone()
    assert best == ("openai/gpt-5", 88.0)
    published.close()


def test_a_broken_aider_file_is_quarantined_and_history_kept(leaderboard_settings: Settings,
                                                             aider_files: Files) -> None:
    with pipeline(leaderboard_settings) as pipe:
        pipe.collect(aider.SOURCE, T1)
        before = pipe.con.execute("SELECT * FROM leaderboard_score ORDER BY ALL").fetchall()
        aider_files.files[f"{DATA}/polyglot_leaderboard.yml"] = b"<html><body>404: Not Found</body></html>"
        outcome = pipe.collect(aider.SOURCE, T2)
        assert outcome.status == "rejected"
        assert "polyglot_leaderboard.yml: expected YAML but got HTML" in outcome.error
        assert "gapwatch reparse aider" in outcome.error
        assert pipe.con.execute("SELECT * FROM leaderboard_score ORDER BY ALL").fetchall() == before


def test_epoch_zip_scores_and_openness_evidence(leaderboard_settings: Settings, origin: HTTPServer) -> None:
    files = Files({"/data/benchmark_data.zip": fixture_bytes("epoch_benchmarks", "benchmark_data_2024-06-01.zip")})
    origin.expect_request("/data/benchmark_data.zip").respond_with_handler(files)
    with pipeline(leaderboard_settings) as pipe:
        assert pipe.collect(epoch_benchmarks.SOURCE, T1).status == "ok"
        files.files["/data/benchmark_data.zip"] = fixture_bytes("epoch_benchmarks", "benchmark_data_2024-10-22.zip")
        later = pipe.collect(epoch_benchmarks.SOURCE, T3)
        assert later.status == "ok"
        newcomers = {c.key["model"] for c in later.diff.added if c.table == "source_model"}
        assert {"Claude 3.5 Sonnet", "Gemma 2 27B", "Mistral Large 2"} <= newcomers
        evidence = pipe.con.execute(
            "SELECT open_weights, license FROM source_model WHERE source = 'epoch_benchmarks' "
            "AND model = 'Gemma 2 27B' AND valid_to IS NULL").fetchall()
        assert evidence == [(True, "Open weights (restricted use)")]
        gpqa = pipe.con.execute(
            "SELECT capability, score_unit FROM v_capability_scores WHERE category = 'gpqa' GROUP BY ALL").fetchall()
        assert gpqa == [("general", "fraction")]
